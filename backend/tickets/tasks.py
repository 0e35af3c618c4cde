"""Scheduled jobs of the tickets domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.tickets.service import mark_breaches


async def sla_breaches(session: AsyncSession, now: datetime) -> int:
    """Mark overdue first responses and resolutions; returns how many deadlines were newly missed."""
    return await mark_breaches(session, now)


async def sla_job(db: Database, settings: Settings) -> dict[str, int]:
    """The scheduled job: one transaction marking every newly missed deadline."""
    async with db.sessionmaker() as session:
        marked = await sla_breaches(session, utcnow())
        await session.commit()
    return {"breached": marked}
