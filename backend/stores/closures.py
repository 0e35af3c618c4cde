"""The store-closure calendar: days a store (or the whole chain) is closed, known in advance.

Forecasting reads it: a past closed day is not a day of zero demand, and a future one sells nothing.
HQ records closures for any store or the whole chain; a franchisee admin for their own stores."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core import audit
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.core.time import as_utc, utcnow
from backend.stores import repository as repo
from backend.stores.errors import StoreNotFound
from backend.stores.models import Store, StoreClosure
from backend.stores.schemas import ClosureDay, StoreClosureCreate

CHAIN_TZ = ZoneInfo("Asia/Shanghai")
# How far back a closure may be recorded (history the forecasts learn from) and how far ahead.
PAST_DAYS = 400
AHEAD_DAYS = 2 * 366
UPCOMING_DAYS = 90


class ClosureNotFound(NotFound):
    code = "store_closure_not_found"
    default_message = "No such store closure."


class Closed(Protocol):
    store_id: int | None
    day: date


def closed_days_by_store(entries: Iterable[Closed], store_ids: Iterable[int]) -> dict[int, frozenset[date]]:
    """Each store's closed days: its own closures and the chain-wide ones."""
    chain: set[date] = set()
    own: dict[int, set[date]] = {}
    for entry in entries:
        if entry.store_id is None:
            chain.add(entry.day)
        else:
            own.setdefault(entry.store_id, set()).add(entry.day)
    return {store_id: frozenset(chain | own.get(store_id, set())) for store_id in store_ids}


def local_today(timezone: str | None = None, at: datetime | None = None) -> date:
    """Today's date where the store is (the chain's zone when none is given)."""
    return as_utc(at or utcnow()).astimezone(ZoneInfo(timezone) if timezone else CHAIN_TZ).date()


def _row(entry: StoreClosure) -> dict[str, object]:
    return {"store_id": entry.store_id, "day": entry.day.isoformat(), "reason": entry.reason}


async def create(session: AsyncSession, actor: Principal, data: StoreClosureCreate) -> list[StoreClosure]:
    """Record closed days for a store (HQ, or its franchisee admin) or the whole chain (HQ)."""
    actor.require_role(StaffRole.FRANCHISEE_ADMIN)
    store: Store | None = None
    if data.store_id is None:
        if not actor.is_hq:
            raise Forbidden("Only HQ records closures for the whole chain.")
    else:
        store = await repo.get(session, data.store_id)
        if store is None:
            raise StoreNotFound(detail={"store_id": data.store_id})
        actor.require_store(store.id)
    days = data.days()
    today = local_today(store.timezone if store else None)
    if days[0] < today - timedelta(days=PAST_DAYS) or days[-1] > today + timedelta(days=AHEAD_DAYS):
        raise ValidationFailed(
            f"Closures are recorded from {PAST_DAYS} days back to {AHEAD_DAYS} days ahead.",
            detail={"start": days[0].isoformat(), "end": days[-1].isoformat(), "today": today.isoformat()},
        )
    scopes = [0] if store is None else [0, store.id]
    taken = await repo.closures_on(session, scopes, days)
    if taken:
        chain_wide = store is not None and all(t.scope_key == 0 for t in taken)
        raise Conflict(
            "The whole chain is already closed on these days."
            if chain_wide
            else "A closure is already recorded on these days.",
            detail={"days": sorted({t.day.isoformat() for t in taken}), "chain_wide": chain_wide},
        )
    rows = [
        StoreClosure(
            store_id=store.id if store else None,
            scope_key=store.id if store else 0,
            day=day,
            reason=data.reason,
            created_by=actor.id,
        )
        for day in days
    ]
    session.add_all(rows)
    await session.flush()
    audit.record(
        session,
        actor,
        "store_closure.create",
        "store_closure",
        rows[0].id,
        after={
            "store_id": data.store_id,
            "days": [d.isoformat() for d in days],
            "reason": data.reason,
            "ids": [r.id for r in rows],
        },
        store_id=data.store_id,
    )
    return rows


async def delete(session: AsyncSession, actor: Principal, closure_id: int) -> None:
    """Remove one closed day (HQ; a franchisee admin only their own stores' days)."""
    actor.require_role(StaffRole.FRANCHISEE_ADMIN)
    entry = await repo.closure(session, closure_id)
    if entry is None:
        raise ClosureNotFound(detail={"closure_id": closure_id})
    if entry.store_id is None:
        if not actor.is_hq:
            raise Forbidden("Only HQ removes closures of the whole chain.")
    else:
        actor.require_store(entry.store_id)
    before = _row(entry)
    await session.delete(entry)
    await session.flush()
    audit.record(
        session,
        actor,
        "store_closure.delete",
        "store_closure",
        closure_id,
        before=before,
        store_id=entry.store_id,
    )


async def listed(
    session: AsyncSession,
    actor: Principal,
    *,
    store_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[StoreClosure]:
    """Closures a staff member may see: the chain's and those of their stores (HQ: every store)."""
    if since is not None and until is not None and until < since:
        raise ValidationFailed(
            "until must not be before since.", detail={"since": since.isoformat(), "until": until.isoformat()}
        )
    if store_id is not None:
        actor.require_store(store_id)
        scope: Iterable[int] | None = [store_id]
    else:
        scope = None if actor.store_ids is None else actor.store_ids
    return await repo.closures(session, store_ids=scope, since=since, until=until)


async def upcoming(session: AsyncSession, store: Store, days: int = UPCOMING_DAYS) -> list[ClosureDay]:
    """The store's closed days from its local today on (its own and the chain's), one per day."""
    today = local_today(store.timezone)
    out: dict[date, ClosureDay] = {}
    for entry in await repo.closures(
        session, store_ids=[store.id], since=today, until=today + timedelta(days=days)
    ):
        out.setdefault(
            entry.day, ClosureDay(day=entry.day, reason=entry.reason, chain_wide=entry.store_id is None)
        )
    return list(out.values())
