"""A member's rights over their personal data (个人信息保护法): a full export, and erasure.

The export walks the schema rather than a hand-kept list: every table with a ``member_id`` column
(orders, ledgers, coupons, bookings, arrivals, and whatever a domain adds later), the rows hanging
off the member's orders, and the member's sign-ins. Secrets (password and token hashes) never leave.

Erasure keeps financial records (orders, payments, ledgers stay, tied to an anonymous member id) and
removes what identifies the person: the profile's phone, name and birthday, delivery addresses and
contact details on their orders and bookings, and any personal column in a member-owned row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, String, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import Conflict
from backend.core.privacy import SENSITIVE_KEYS
from backend.core.time import utcnow
from backend.members import service
from backend.members.models import MemberWallet

# Order states in which the member still expects goods, money or a pickup.
OPEN_ORDER_STATES = (
    "pending_payment",
    "paid",
    "picking",
    "ready_for_pickup",
    "out_for_delivery",
    "shipped",
)
OPEN_BOOKING_STATES = ("booked",)
_SECRET_COLUMNS = {"password_hash", "token_hash", "code_hash", "secret"}
# Personal columns cleared in member-owned rows on erasure (besides the member row itself).
_PERSONAL_COLUMNS = SENSITIVE_KEYS | {"contact_name", "note", "remark"}


class ErasureRefused(Conflict):
    code = "erasure_refused"
    default_message = "The account cannot be deleted yet."


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: _json(row._mapping[c]) for c in table.columns if c.name not in _SECRET_COLUMNS}


def _member_tables() -> list[Table]:
    from backend.models import metadata

    return [t for t in metadata.sorted_tables if "member_id" in t.columns and t.name not in ("members",)]


def _order_children() -> list[Table]:
    """Tables whose rows belong to one order (lines, events, shipments, tenders…)."""
    from backend.models import metadata

    children = []
    for table in metadata.sorted_tables:
        order_id = table.columns.get("order_id")
        if order_id is None or "member_id" in table.columns:
            continue
        if any(fk.column.table.name == "orders" for fk in order_id.foreign_keys):
            children.append(table)
    return children


async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
    """Everything held about the member, table by table."""
    from backend.models import metadata

    member = await service.get_member(session, member_id)
    members = metadata.tables["members"]
    profile = (await session.execute(select(members).where(members.c.id == member.id))).one()
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "profile": _row(members, profile),
        "consent": {
            "marketing_consent": member.marketing_consent,
            "consent_at": _json(member.consent_at),
        },
        "tables": {},
    }
    for table in _member_tables():
        rows = (
            await session.execute(select(table).where(table.c.member_id == member.id).limit(100_000))
        ).all()
        if rows:
            data["tables"][table.name] = [_row(table, r) for r in rows]
    order_ids = [o["id"] for o in data["tables"].get("orders", [])]
    if order_ids:
        for table in _order_children():
            rows = (await session.execute(select(table).where(table.c.order_id.in_(order_ids)))).all()
            if rows:
                data["tables"][table.name] = [_row(table, r) for r in rows]
    sessions = metadata.tables.get("auth_sessions")
    if sessions is not None:
        rows = (
            await session.execute(
                select(sessions).where(
                    sessions.c.subject_kind == "member", sessions.c.subject_id == member.id
                )
            )
        ).all()
        data["tables"]["auth_sessions"] = [_row(sessions, r) for r in rows]
    data["row_count"] = 1 + sum(len(rows) for rows in data["tables"].values())
    return data


async def _count_open(session: AsyncSession, table_name: str, member_id: int, states: tuple[str, ...]) -> int:
    from backend.models import metadata

    table = metadata.tables.get(table_name)
    if table is None or "status" not in table.columns:
        return 0
    rows = await session.execute(
        select(table.c.id).where(table.c.member_id == member_id, table.c.status.in_(states))
    )
    return len(rows.all())


def _clearable(column: Column[Any]) -> bool:
    return column.nullable or isinstance(column.type, String)


async def erase(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    """Anonymise the member; refuse while orders or bookings are open or stored value remains."""
    member = await service.get_member(session, principal.id)
    open_orders = await _count_open(session, "orders", member.id, OPEN_ORDER_STATES)
    open_bookings = await _count_open(session, "bookings", member.id, OPEN_BOOKING_STATES)
    wallet = await session.get(MemberWallet, member.id)
    stored_value = wallet.stored_value if wallet else 0
    if open_orders or open_bookings or stored_value:
        raise ErasureRefused(
            "Finish or cancel open orders and bookings and use up stored value before deleting the account.",
            detail={"open_orders": open_orders, "open_bookings": open_bookings, "stored_value": stored_value},
        )
    cleared: dict[str, int] = {}
    for table in _member_tables():
        columns = {
            c.name: None if c.nullable else ""
            for c in table.columns
            if c.name in _PERSONAL_COLUMNS and not c.primary_key and not c.foreign_keys and _clearable(c)
        }
        if not columns:
            continue
        result = await session.execute(update(table).where(table.c.member_id == member.id).values(**columns))
        cleared[table.name] = result.rowcount or 0
    await service.delete_account(session, principal)
    audit.record(
        session,
        principal,
        "member.erase",
        "member",
        member.id,
        after={"cleared": cleared},
    )
    return {"member_id": member.id, "cleared": cleared}
