"""All SQL of the members domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.members.models import Member


async def by_phone(session: AsyncSession, phone: str) -> Member | None:
    return await session.scalar(select(Member).where(Member.phone == phone, Member.deleted_at.is_(None)))


async def by_id(session: AsyncSession, member_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.id == member_id, Member.deleted_at.is_(None)))


async def create(session: AsyncSession, phone: str, **fields: object) -> Member:
    member = Member(phone=phone, **fields)
    session.add(member)
    await session.flush()
    return member
