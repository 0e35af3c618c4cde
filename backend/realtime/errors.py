from __future__ import annotations

from backend.core.errors import Conflict, Forbidden, ValidationFailed


class InvalidTopic(ValidationFailed):
    code = "invalid_topic"
    default_message = "Unknown topic; use store:{id}:stock, store:{id}:orders, order:{id}, member:{id} or hq."


class TopicForbidden(Forbidden):
    code = "topic_forbidden"
    default_message = "You may not follow this topic."


class TooManyTopics(ValidationFailed):
    code = "too_many_topics"
    default_message = "Too many topics in one subscription."


class Lagging(Conflict):
    code = "lagging"
    default_message = "Too many events were waiting for this connection; reconnect with since."
