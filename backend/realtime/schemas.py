from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.core.schemas import Schema


class Event(Schema):
    id: int
    topic: str
    type: str
    payload: dict[str, Any]
    created_at: datetime


class EventPage(Schema):
    events: list[Event]
    # Pass as ``since`` to read on; equals the request's ``since`` when nothing was found.
    last_id: int
    has_more: bool


class RealtimeStatus(Schema):
    bus: dict[str, Any]
    dispatcher: dict[str, Any]
