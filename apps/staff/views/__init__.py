"""Thin views: each ``build(app)`` renders view-model state into an ``ft.View`` and wires taps to actions."""
