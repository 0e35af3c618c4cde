"""A smart-transfer suggestion becomes a real, approved transfer (or is dismissed), only by someone who may
act for the sending store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.auth.principal import Principal
from backend.core.audit import AuditEntry
from backend.core.errors import NotFound, StoreForbidden
from backend.core.time import utcnow
from backend.intelligence import service
from backend.intelligence.models import TransferSuggestion
from backend.intelligence.tasks import plan_stock
from backend.inventory.models import TransferLine
from tests.backend.intelligence.factories import sale
from tests.backend.orders.factories import put_stock
from tests.factories import create_region, create_sku, create_staff, create_store


async def _suggest(session) -> tuple[object, object, object]:  # type: ignore[no-untyped-def]
    region = await create_region(session)
    busy, quiet = await create_store(session, region), await create_store(session, region)
    sku = await create_sku(session, price=2000, cost_price=1200)
    now = utcnow()
    for day in range(1, 60):
        await sale(session, sku, now - timedelta(days=day), store=busy, quantity=9)
        if day % 4 == 0:
            await sale(session, sku, now - timedelta(days=day), store=quiet, quantity=1)
    await put_stock(session, busy, sku, 5)
    await put_stock(session, quiet, sku, 200)
    await plan_stock(session)
    return busy, quiet, sku


async def test_approving_a_suggestion_makes_an_approved_transfer(session):
    busy, quiet, sku = await _suggest(session)
    row = await session.scalar(select(TransferSuggestion))
    assert row is not None and (row.from_store_id, row.to_store_id) == (quiet.id, busy.id)
    quantity = row.quantity
    staff = await create_staff(session, ["store_manager"], [busy])
    manager = Principal("staff", staff.id, frozenset({"store_manager"}), frozenset({busy.id}))
    with pytest.raises(StoreForbidden):
        await service.approve_transfer_suggestion(session, manager, row.id)
    hq_user = await create_staff(session, ["hq_admin"])
    hq = Principal("staff", hq_user.id, frozenset({"hq_admin"}), None)
    transfer = await service.approve_transfer_suggestion(session, hq, row.id)
    assert (transfer.from_store_id, transfer.to_store_id, transfer.status) == (quiet.id, busy.id, "approved")
    lines = list(await session.scalars(select(TransferLine).where(TransferLine.transfer_id == transfer.id)))
    assert [(ln.sku_id, ln.quantity) for ln in lines] == [(sku.id, quantity)]
    assert await session.scalar(select(TransferSuggestion)) is None
    actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"transfer.request", "transfer.approve", "transfer_suggestion.approve"} <= actions
    with pytest.raises(NotFound):
        await service.approve_transfer_suggestion(session, hq, row.id)


async def test_dismissing_a_suggestion_drops_it_and_is_audited(session):
    await _suggest(session)
    row = await session.scalar(select(TransferSuggestion))
    assert row is not None
    hq_user = await create_staff(session, ["hq_admin"])
    await service.dismiss_transfer_suggestion(
        session, Principal("staff", hq_user.id, frozenset({"hq_admin"}), None), row.id
    )
    assert await session.scalar(select(TransferSuggestion)) is None
    assert "transfer_suggestion.dismiss" in set(await session.scalars(select(AuditEntry.action)))
