"""Ticket rules: who opens and sees a ticket, the conversation, assignment, SLA breaches, rating."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffStore, StaffUser
from backend.auth.principal import Principal
from backend.core import audit, events
from backend.core.errors import BadRequest, Forbidden, InvalidState, NotFound
from backend.core.time import utcnow
from backend.orders import repository as orders_repo
from backend.stores.models import Store
from backend.tickets import repository as repo
from backend.tickets import sla
from backend.tickets.enums import AuthorKind, TicketSource, TicketStatus
from backend.tickets.errors import TicketClosed, TicketNotFound
from backend.tickets.models import Ticket, TicketMessage
from backend.tickets.schemas import Assignment, Escalation, MessageCreate, RatingCreate, TicketCreate


def sees_everything(principal: Principal) -> bool:
    return principal.is_staff and (principal.is_hq or principal.store_ids is None)


def _emit(session: AsyncSession, ticket: Ticket, type_: str, extra: dict[str, object] | None = None) -> None:
    payload = {"ticket_id": ticket.id, "status": ticket.status, "category": ticket.category, **(extra or {})}
    if ticket.member_id is not None:
        events.emit(session, f"member:{ticket.member_id}", type_, payload)
    topic = "hq" if ticket.store_id is None else f"store:{ticket.store_id}:tickets"
    events.emit(session, topic, type_, payload)


async def _place(
    session: AsyncSession, member: Principal, order_id: int | None, store_id: int | None
) -> tuple[int | None, int | None]:
    """Which order (the member's own) and which queue: the order's store, a named store, or HQ."""
    if order_id is not None:
        order = await orders_repo.get_order(session, order_id)
        if order is None or order.member_id != member.id:
            raise NotFound("No such order.", detail={"order_id": order_id})
        return order.id, store_id or order.store_id
    if store_id is not None and await session.get(Store, store_id) is None:
        raise NotFound("No such store.", detail={"store_id": store_id})
    return None, store_id


async def _open(
    session: AsyncSession,
    member: Principal,
    *,
    category: str,
    subject: str,
    source: TicketSource,
    order_id: int | None,
    store_id: int | None,
    client_ref: str | None,
) -> Ticket:
    order_id, store_id = await _place(session, member, order_id, store_id)
    now = utcnow()
    response_due, resolution_due = sla.deadlines(category, now, escalated=source == TicketSource.ASSISTANT)
    ticket = Ticket(
        member_id=member.id,
        category=category,
        subject=subject.strip(),
        status=TicketStatus.OPEN,
        source=source,
        store_id=store_id,
        order_id=order_id,
        first_response_due=response_due,
        resolution_due=resolution_due,
        client_ref=client_ref,
        created_at=now,
    )
    session.add(ticket)
    await session.flush()
    return ticket


async def create(session: AsyncSession, member: Principal, body: TicketCreate) -> Ticket:
    if body.client_ref and (replay := await repo.by_client_ref(session, member.id, body.client_ref)):
        return replay
    ticket = await _open(
        session,
        member,
        category=body.category,
        subject=body.subject,
        source=TicketSource.MEMBER,
        order_id=body.order_id,
        store_id=body.store_id,
        client_ref=body.client_ref,
    )
    session.add(
        TicketMessage(ticket_id=ticket.id, author_kind=AuthorKind.MEMBER, author_id=member.id, body=body.body)
    )
    await session.flush()
    _emit(session, ticket, "ticket.opened")
    return ticket


async def escalate(session: AsyncSession, member: Principal, body: Escalation) -> Ticket:
    """Open a ticket from an assistant chat the bot could not settle; the transcript becomes its history."""
    if body.client_ref and (replay := await repo.by_client_ref(session, member.id, body.client_ref)):
        return replay
    ticket = await _open(
        session,
        member,
        category=body.category,
        subject=body.subject,
        source=TicketSource.ASSISTANT,
        order_id=body.order_id,
        store_id=body.store_id,
        client_ref=body.client_ref,
    )
    for turn in body.transcript:
        is_member = turn.role == "member"
        session.add(
            TicketMessage(
                ticket_id=ticket.id,
                author_kind=AuthorKind.MEMBER if is_member else AuthorKind.ASSISTANT,
                author_id=member.id if is_member else None,
                body=turn.text,
            )
        )
    await session.flush()
    _emit(session, ticket, "ticket.escalated")
    return ticket


def may_see(principal: Principal, ticket: Ticket) -> bool:
    if principal.is_member:
        return ticket.member_id == principal.id
    if not principal.is_staff:
        return False
    if sees_everything(principal):
        return True
    return ticket.store_id is not None and principal.can_act_for(ticket.store_id)


async def visible(
    session: AsyncSession, principal: Principal, ticket_id: int, *, lock: bool = False
) -> Ticket:
    ticket = await repo.get(session, ticket_id, lock=lock)
    if ticket is None or not may_see(principal, ticket):
        raise TicketNotFound(detail={"ticket_id": ticket_id})
    return ticket


async def reply(
    session: AsyncSession, principal: Principal, ticket_id: int, body: MessageCreate
) -> TicketMessage:
    """Add to the conversation. The first staff answer stops the response clock; a member's reply to a
    resolved ticket reopens it."""
    ticket = await visible(session, principal, ticket_id, lock=True)
    if ticket.status == TicketStatus.CLOSED:
        raise TicketClosed(detail={"ticket_id": ticket.id})
    now = utcnow()
    if principal.is_member:
        if body.internal:
            raise BadRequest("Members cannot write internal notes.")
        kind = AuthorKind.MEMBER
        ticket.status = TicketStatus.OPEN
        if ticket.resolved_at is not None:
            ticket.resolved_at = None
    else:
        kind = AuthorKind.STAFF
        if not body.internal:
            if ticket.first_responded_at is None:
                ticket.first_responded_at = now
            if ticket.status == TicketStatus.OPEN:
                ticket.status = TicketStatus.WAITING_MEMBER
            if ticket.assignee_id is None:
                ticket.assignee_id = principal.id
    message = TicketMessage(
        ticket_id=ticket.id, author_kind=kind, author_id=principal.id, body=body.body, internal=body.internal
    )
    session.add(message)
    await session.flush()
    if not body.internal:
        _emit(session, ticket, "ticket.message", {"author_kind": kind})
    return message


async def assign(session: AsyncSession, principal: Principal, ticket_id: int, body: Assignment) -> Ticket:
    """Send a ticket to a store's queue or HQ's (store staff may only hand theirs to HQ), optionally to a
    named staff member of that queue."""
    if not principal.is_staff:
        raise Forbidden("This is for staff.")
    ticket = await visible(session, principal, ticket_id, lock=True)
    if ticket.status == TicketStatus.CLOSED:
        raise TicketClosed(detail={"ticket_id": ticket.id})
    if body.store_id is not None:
        if not sees_everything(principal):
            principal.require_store(body.store_id)
        if await session.get(Store, body.store_id) is None:
            raise NotFound("No such store.", detail={"store_id": body.store_id})
    if body.assignee_id is not None:
        staff = await session.get(StaffUser, body.assignee_id)
        if staff is None:
            raise NotFound("No such staff member.", detail={"assignee_id": body.assignee_id})
        if body.store_id is not None and await session.get(StaffStore, (staff.id, body.store_id)) is None:
            raise BadRequest(
                "That staff member does not work at the store.", detail={"assignee_id": staff.id}
            )
    before = {"store_id": ticket.store_id, "assignee_id": ticket.assignee_id}
    ticket.store_id = body.store_id
    ticket.assignee_id = body.assignee_id
    await session.flush()
    audit.record(
        session, principal, "ticket.assign", "ticket", ticket.id, before=before, after=body.model_dump()
    )
    _emit(session, ticket, "ticket.assigned", {"store_id": ticket.store_id})
    return ticket


async def resolve(session: AsyncSession, principal: Principal, ticket_id: int) -> Ticket:
    if not principal.is_staff:
        raise Forbidden("This is for staff.")
    ticket = await visible(session, principal, ticket_id, lock=True)
    if ticket.status not in repo.ACTIVE:
        raise InvalidState("Only an open ticket can be resolved.", detail={"status": ticket.status})
    now = utcnow()
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = now
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    await session.flush()
    _emit(session, ticket, "ticket.resolved")
    return ticket


async def rate(session: AsyncSession, member: Principal, ticket_id: int, body: RatingCreate) -> Ticket:
    """The member rates the help once the ticket is resolved; that closes it."""
    ticket = await visible(session, member, ticket_id, lock=True)
    if not member.is_member:
        raise Forbidden("Only the member rates a ticket.")
    if ticket.status != TicketStatus.RESOLVED:
        raise InvalidState("Rate a ticket once it is resolved.", detail={"status": ticket.status})
    ticket.rating = body.rating
    ticket.rating_comment = body.comment.strip() or None
    ticket.status = TicketStatus.CLOSED
    await session.flush()
    _emit(session, ticket, "ticket.rated", {"rating": body.rating})
    return ticket


async def mark_breaches(session: AsyncSession, now: datetime) -> int:
    """Stamp tickets whose first answer or resolution is overdue, once each, telling their queue."""
    marked = 0
    for ticket in await repo.response_overdue(session, now):
        ticket.response_breached_at = now
        _emit(session, ticket, "ticket.sla_breached", {"deadline": "first_response"})
        marked += 1
    for ticket in await repo.resolution_overdue(session, now):
        ticket.resolution_breached_at = now
        _emit(session, ticket, "ticket.sla_breached", {"deadline": "resolution"})
        marked += 1
    await session.flush()
    return marked
