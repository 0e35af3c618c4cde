"""Help calls: a kiosk (or a till) asks for a staff member; the store's staff see it live on
``store:{id}:help`` and answer it, then mark it resolved."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import Device
from backend.auth.principal import Principal
from backend.core import audit, events
from backend.core.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from backend.core.time import utcnow
from backend.stores.models import HelpCall
from backend.stores.schemas import HelpCall as HelpCallOut
from backend.stores.schemas import HelpCallCreate

OPEN = ("open", "answered")


class HelpCallNotFound(NotFound):
    code = "help_call_not_found"
    default_message = "No such help call."


def topic(store_id: int) -> str:
    return f"store:{store_id}:help"


def _emit(session: AsyncSession, call: HelpCall, type_: str) -> None:
    events.emit(
        session, topic(call.store_id), type_, HelpCallOut.model_validate(call).model_dump(mode="json")
    )


async def _by_client_id(session: AsyncSession, client_id: str) -> HelpCall | None:
    return await session.scalar(select(HelpCall).where(HelpCall.client_id == client_id))


async def call(session: AsyncSession, principal: Principal, body: HelpCallCreate) -> HelpCall:
    """Open a help call at the caller's store; the same client id returns the first call."""
    if not (principal.is_device or principal.is_staff):
        raise Forbidden("Only store devices and staff call for help.")
    existing = await _by_client_id(session, body.client_id)
    if existing is not None:
        principal.require_store(existing.store_id)
        return existing
    device_name = ""
    if principal.is_device:
        store_id = principal.device_store_id
        if body.store_id is not None and body.store_id != store_id:
            principal.require_store(body.store_id)
        device = await session.get(Device, principal.id)
        device_name = device.name if device else ""
    else:
        if body.store_id is None:
            raise ValidationFailed("Say which store needs help.", detail={"field": "store_id"})
        principal.require_store(body.store_id)
        store_id = body.store_id
    row = HelpCall(
        store_id=store_id,
        client_id=body.client_id,
        caller_kind=principal.kind,
        caller_id=principal.id,
        device_name=device_name,
        reason=body.reason,
        note=body.note,
        context=body.context,
        status="open",
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        existing = await _by_client_id(session, body.client_id)
        if existing is None:
            raise
        return existing
    await session.refresh(row)
    _emit(session, row, "help.called")
    return row


async def calls(
    session: AsyncSession, principal: Principal, store_id: int, *, open_only: bool
) -> list[HelpCall]:
    """The store's help calls, newest first (scoped to the caller's stores)."""
    principal.require_store(store_id)
    query = select(HelpCall).where(HelpCall.store_id == store_id)
    if open_only:
        query = query.where(HelpCall.status.in_(OPEN))
    return list(await session.scalars(query.order_by(HelpCall.id.desc()).limit(200)))


async def _mine(session: AsyncSession, principal: Principal, call_id: int) -> HelpCall:
    row = await session.get(HelpCall, call_id)
    if row is None or not principal.can_act_for(row.store_id):
        raise HelpCallNotFound(detail={"help_call_id": call_id})
    return row


async def answer(session: AsyncSession, principal: Principal, call_id: int) -> HelpCall:
    """A staff member is on the way (an answered call is not answered again by someone else)."""
    row = await _mine(session, principal, call_id)
    if row.status == "resolved":
        raise InvalidState("This call is already resolved.", detail={"status": row.status})
    if row.status == "open":
        row.status, row.answered_by, row.answered_at = "answered", principal.id, utcnow()
        await session.flush()
        audit.record(
            session,
            principal,
            "help_call.answer",
            "help_call",
            row.id,
            after={"status": row.status},
            store_id=row.store_id,
        )
        _emit(session, row, "help.answered")
    return row


async def resolve(session: AsyncSession, principal: Principal, call_id: int) -> HelpCall:
    """The shopper was helped; the call leaves the open list."""
    row = await _mine(session, principal, call_id)
    if row.status != "resolved":
        now = utcnow()
        if row.answered_by is None:
            row.answered_by, row.answered_at = principal.id, now
        row.status, row.resolved_at = "resolved", now
        await session.flush()
        audit.record(
            session,
            principal,
            "help_call.resolve",
            "help_call",
            row.id,
            after={"status": row.status},
            store_id=row.store_id,
        )
        _emit(session, row, "help.resolved")
    return row
