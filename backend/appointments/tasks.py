"""Scheduled jobs of the appointments domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments import repository as repo
from backend.core import events


async def send_due_reminders(session: AsyncSession, now: datetime) -> int:
    """Emit a ``booking.reminder`` event to each member whose reminder is due, once; returns how many."""
    due = await repo.due_reminders(session, now)
    for reminder, booking in due:
        events.emit(
            session,
            f"member:{booking.member_id}",
            "booking.reminder",
            {
                "booking_id": booking.id,
                "kind": reminder.kind,
                "start_at": booking.start_at.isoformat(),
                "store_id": booking.store_id,
            },
        )
        reminder.sent_at = now
    await session.flush()
    return len(due)
