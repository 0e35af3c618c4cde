"""Ticket endpoints: members open and follow theirs, staff work their store's (HQ every) queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import CurrentMember, CurrentPrincipal, CurrentStaff
from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.tickets import repository as repo
from backend.tickets import service
from backend.tickets.enums import TicketStatus
from backend.tickets.models import Ticket as TicketRow
from backend.tickets.schemas import (
    Assignment,
    Escalation,
    Message,
    MessageCreate,
    RatingCreate,
    Ticket,
    TicketCreate,
)

router = APIRouter(prefix="/tickets", tags=["tickets"])


async def _out(
    session: AsyncSession, principal: Principal, ticket: TicketRow, *, history: bool = True
) -> Ticket:
    out = Ticket.model_validate(ticket)
    if history:
        found = await repo.messages(session, ticket.id, with_internal=principal.is_staff)
        out.messages = [Message.model_validate(m) for m in found]
    return out


@router.post("", response_model=Ticket, status_code=status.HTTP_201_CREATED)
async def create_ticket(body: TicketCreate, member: CurrentMember, session: DbSession) -> Ticket:
    """Open a complaint or question (about an order, a store, or for HQ)."""
    return await _out(session, member, await service.create(session, member, body))


@router.post("/escalations", response_model=Ticket, status_code=status.HTTP_201_CREATED)
async def escalate(body: Escalation, member: CurrentMember, session: DbSession) -> Ticket:
    """Hand an assistant chat over to people: a ticket whose history is the transcript."""
    return await _out(session, member, await service.escalate(session, member, body))


@router.get("/mine", response_model=list[Ticket])
async def my_tickets(member: CurrentMember, session: DbSession) -> list[Ticket]:
    """The signed-in member's tickets, newest first (without their messages)."""
    return [
        await _out(session, member, t, history=False) for t in await repo.member_tickets(session, member.id)
    ]


@router.get("", response_model=list[Ticket])
async def staff_tickets(
    principal: CurrentStaff,
    session: DbSession,
    status_: Annotated[TicketStatus | None, Query(alias="status")] = None,
    breached: bool | None = None,
    hq_queue: bool | None = None,
) -> list[Ticket]:
    """Tickets of the caller's stores (HQ: every ticket), by resolution deadline."""
    scope = None if service.sees_everything(principal) else principal.store_ids
    found = await repo.staff_tickets(session, scope, status=status_, breached=breached, hq_queue=hq_queue)
    return [await _out(session, principal, t, history=False) for t in found]


@router.get("/{ticket_id}", response_model=Ticket)
async def get_ticket(ticket_id: int, principal: CurrentPrincipal, session: DbSession) -> Ticket:
    """A ticket with its conversation (staff also see internal notes)."""
    return await _out(session, principal, await service.visible(session, principal, ticket_id))


@router.post("/{ticket_id}/messages", response_model=Message, status_code=status.HTTP_201_CREATED)
async def reply(
    ticket_id: int, body: MessageCreate, principal: CurrentPrincipal, session: DbSession
) -> Message:
    """Add a message (staff may add internal notes)."""
    return Message.model_validate(await service.reply(session, principal, ticket_id, body))


@router.post("/{ticket_id}/assign", response_model=Ticket)
async def assign(ticket_id: int, body: Assignment, principal: CurrentStaff, session: DbSession) -> Ticket:
    """Move the ticket to a store's queue or to HQ (store_id null), optionally to a person."""
    return await _out(session, principal, await service.assign(session, principal, ticket_id, body))


@router.post("/{ticket_id}/resolve", response_model=Ticket)
async def resolve(ticket_id: int, principal: CurrentStaff, session: DbSession) -> Ticket:
    """Mark the ticket resolved; the member may rate it (or reply to reopen it)."""
    return await _out(session, principal, await service.resolve(session, principal, ticket_id))


@router.post("/{ticket_id}/rating", response_model=Ticket)
async def rate(ticket_id: int, body: RatingCreate, member: CurrentMember, session: DbSession) -> Ticket:
    """Rate the help 1-5 (closes the ticket)."""
    return await _out(session, member, await service.rate(session, member, ticket_id, body))
