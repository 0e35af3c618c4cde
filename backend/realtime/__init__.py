"""Live updates: the outbox dispatcher, the cross-process bus and WebSocket subscriptions.

Entry points: ``backend.realtime.runtime.start_realtime`` / ``stop_realtime`` (the app's lifespan) and
``backend.realtime.access.register_topic_checker`` (domains that own a topic family, e.g. ``order:``).
"""
