"""Transactional outbox: a state change another client must see writes an event row in the same
transaction. A dispatcher reads new rows in id order and delivers them to subscribers by topic.

Topics: ``store:{id}:stock``, ``store:{id}:orders``, ``order:{id}``, ``member:{id}``, ``hq``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_topic_id", "topic", "id"),)

    id: Mapped[bigpk]
    topic: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[created_at]


def emit(session: AsyncSession, topic: str, type_: str, payload: dict[str, Any]) -> Event:
    """Add an event to the current transaction; it is published only if the transaction commits."""
    event = Event(topic=topic, type=type_, payload=payload)
    session.add(event)
    return event


def event_dict(event: Event) -> dict[str, Any]:
    when: datetime = event.created_at
    return {
        "id": event.id,
        "topic": event.topic,
        "type": event.type,
        "payload": event.payload,
        "created_at": when.isoformat(),
    }
