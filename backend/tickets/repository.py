"""All SQL of the tickets domain."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.tickets.enums import TicketStatus
from backend.tickets.models import Ticket, TicketMessage

ACTIVE = (TicketStatus.OPEN, TicketStatus.WAITING_MEMBER)


async def get(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> Ticket | None:
    query = select(Ticket).where(Ticket.id == ticket_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def by_client_ref(session: AsyncSession, member_id: int, client_ref: str) -> Ticket | None:
    return await session.scalar(
        select(Ticket).where(Ticket.member_id == member_id, Ticket.client_ref == client_ref)
    )


async def messages(session: AsyncSession, ticket_id: int, *, with_internal: bool) -> list[TicketMessage]:
    query = select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
    if not with_internal:
        query = query.where(TicketMessage.internal.is_(False))
    return list(await session.scalars(query.order_by(TicketMessage.id)))


async def member_tickets(session: AsyncSession, member_id: int) -> list[Ticket]:
    query = select(Ticket).where(Ticket.member_id == member_id).order_by(Ticket.id.desc())
    return list(await session.scalars(query))


async def staff_tickets(
    session: AsyncSession,
    store_ids: Collection[int] | None,
    *,
    status: str | None = None,
    breached: bool | None = None,
    hq_queue: bool | None = None,
    limit: int = 200,
) -> list[Ticket]:
    """Tickets of the given stores (None = every store and HQ's own queue), most urgent first."""
    query = select(Ticket)
    if store_ids is not None:
        query = query.where(Ticket.store_id.in_(store_ids))
    if hq_queue is not None:
        query = query.where(Ticket.store_id.is_(None) if hq_queue else Ticket.store_id.is_not(None))
    if status is not None:
        query = query.where(Ticket.status == status)
    if breached is not None:
        either = or_(Ticket.response_breached_at.is_not(None), Ticket.resolution_breached_at.is_not(None))
        query = query.where(either if breached else ~either)
    return list(await session.scalars(query.order_by(Ticket.resolution_due, Ticket.id).limit(limit)))


async def response_overdue(session: AsyncSession, now: datetime, limit: int = 500) -> list[Ticket]:
    query = select(Ticket).where(
        Ticket.status.in_(ACTIVE),
        Ticket.first_responded_at.is_(None),
        Ticket.response_breached_at.is_(None),
        Ticket.first_response_due < now,
    )
    return list(await session.scalars(query.order_by(Ticket.id).limit(limit)))


async def resolution_overdue(session: AsyncSession, now: datetime, limit: int = 500) -> list[Ticket]:
    query = select(Ticket).where(
        Ticket.status.in_(ACTIVE),
        Ticket.resolution_breached_at.is_(None),
        Ticket.resolution_due < now,
    )
    return list(await session.scalars(query.order_by(Ticket.id).limit(limit)))
