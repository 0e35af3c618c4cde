"""SQL of the assistant: FAQ entries and chat turns."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assistant.models import FaqEntry


async def faq_entries(session: AsyncSession, *, active_only: bool) -> list[FaqEntry]:
    query = select(FaqEntry).order_by(FaqEntry.id)
    if active_only:
        query = query.where(FaqEntry.active.is_(True))
    return list(await session.scalars(query))


async def faq_entry(session: AsyncSession, faq_id: int) -> FaqEntry | None:
    return await session.get(FaqEntry, faq_id)
