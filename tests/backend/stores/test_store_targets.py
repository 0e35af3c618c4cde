"""Monthly sales targets: HQ sets one per store and month (kept as the month's first day, audited);
setting it again changes it; nobody else may, and a target must be above zero."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.auth.principal import Principal
from backend.core.audit import AuditEntry
from backend.core.errors import Forbidden, ValidationFailed
from backend.stores import repository as repo
from backend.stores import service
from backend.stores.errors import StoreNotFound
from tests.factories import create_staff, create_store


async def test_hq_sets_and_changes_a_stores_monthly_target(session):
    store, other = await create_store(session), await create_store(session)
    hq_user = await create_staff(session, ["hq_admin"])
    hq = Principal("staff", hq_user.id, frozenset({"hq_admin"}), None)
    first = await service.set_target(session, hq, store.id, date(2026, 3, 17), 300_000)
    assert first.month == date(2026, 3, 1)
    again = await service.set_target(session, hq, store.id, date(2026, 3, 1), 350_000)
    assert again.id == first.id and again.amount == 350_000
    await service.set_target(session, hq, other.id, date(2026, 4, 1), 100_000)
    assert await repo.targets(session, date(2026, 3, 1), None) == {store.id: 350_000}
    assert await repo.targets(session, date(2026, 4, 1), [store.id]) == {}
    entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "store.target")))
    assert [(e.before, e.after["amount"]) for e in entries if e.store_id == store.id] == [
        (None, 300_000),
        ({"amount": 300_000}, 350_000),
    ]


async def test_only_hq_sets_targets_and_only_above_zero(session):
    store = await create_store(session)
    manager_user = await create_staff(session, ["store_manager"], [store])
    manager = Principal("staff", manager_user.id, frozenset({"store_manager"}), frozenset({store.id}))
    with pytest.raises(Forbidden):
        await service.set_target(session, manager, store.id, date(2026, 3, 1), 1000)
    hq = Principal("staff", manager_user.id, frozenset({"hq_admin"}), None)
    with pytest.raises(ValidationFailed):
        await service.set_target(session, hq, store.id, date(2026, 3, 1), 0)
    with pytest.raises(StoreNotFound):
        await service.set_target(session, hq, 999_999, date(2026, 3, 1), 1000)
