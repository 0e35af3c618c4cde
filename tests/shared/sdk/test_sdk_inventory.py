"""The SDK's inventory calls against the real app: documents, transfers, stocktakes, errors mapped back."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import httpx
import pytest

from shared import sdk
from tests.factories import PASSWORD, create_sku, create_staff, create_store


async def test_async_client_runs_receipt_transfer_and_stocktake(app, session):
    a, b = await create_store(session), await create_store(session)
    sku = await create_sku(session, barcode="6901234567892", cost_price=300)
    manager_a = await create_staff(session, ["store_manager"], [a])
    clerk_b = await create_staff(session, ["clerk"], [b])
    await session.commit()
    expires = date.today() + timedelta(days=40)

    def client() -> sdk.AsyncClient:
        return sdk.AsyncClient(
            http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        )

    async with client() as ma, client() as cb:
        await ma.auth.staff_login(manager_a.username, PASSWORD)
        await cb.auth.staff_login(clerk_b.username, PASSWORD)
        lines = [{"sku_id": sku.id, "quantity": 12, "batch_no": "L1", "expires_on": expires.isoformat()}]
        doc = await ma.inventory.create_document("receipt", a.id, lines, key="sdk-rcpt", supplier="伊利")
        assert (await ma.inventory.create_document("receipt", a.id, lines, key="sdk-rcpt")).id == doc.id
        for action in ("submit", "approve", "post"):
            doc = await ma.inventory.document_action(doc.id, action)
        assert doc.status == "posted"
        assert (await ma.inventory.store_stock(a.id)).items[0].available == 12

        with pytest.raises(sdk.StoreForbidden):
            await cb.inventory.store_stock(a.id)
        with pytest.raises(sdk.OutOfStock) as short:
            await ma.inventory.adjust(a.id, sku.id, -20, "破损")
        assert short.value.detail["lines"][0]["available"] == 12

        transfer = await cb.inventory.create_transfer(a.id, b.id, [(sku.id, 5)])
        await ma.inventory.transfer_action(transfer.id, "approve")
        shipped = await ma.inventory.transfer_action(transfer.id, "ship")
        assert shipped.lines[0].batches == [
            {"batch_no": "L1", "expires_on": expires.isoformat(), "quantity": 5}
        ]
        assert [(t.sku_id, t.quantity) for t in await cb.inventory.in_transit(store_id=b.id)] == [(sku.id, 5)]
        received = await cb.inventory.receive_transfer(transfer.id, short=[(sku.id, 4, "少一件")])
        assert received.status == "received" and received.lines[0].received_qty == 4
        assert [(x.batch_no, x.quantity) for x in await cb.inventory.batches(b.id)] == [("L1", 4)]

        take = await cb.inventory.create_stocktake(b.id)
        await cb.inventory.scan(take.id, barcode="6901234567892", quantity=2, client_id="s1")
        replay = await cb.inventory.scan(take.id, barcode="6901234567892", quantity=2, client_id="s1")
        assert (replay.counted, replay.replayed) == (2, True)
        await cb.inventory.stocktake_action(take.id, "submit")
        variance = await cb.inventory.variance(take.id)
        assert (variance.units_short, variance.value_short) == (2, 600)
        with pytest.raises(sdk.Forbidden):
            await cb.inventory.stocktake_action(take.id, "post")
        ledger = await cb.inventory.movements(b.id, kind="transfer_in")
        assert ledger.total == 1 and ledger.items[0].on_hand_delta == 4


async def test_sync_client_over_real_http_sets_levels_and_reads_alerts(live_server, session):
    store = await create_store(session)
    sku = await create_sku(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()

    def work() -> None:
        with sdk.Client(live_server.url) as staff:
            staff.auth.staff_login(manager.username, PASSWORD)
            staff.inventory.adjust(store.id, sku.id, 3, "开店盘入", key="open-1")
            assert staff.inventory.adjust(store.id, sku.id, 3, "开店盘入", key="open-1").on_hand == 3
            levels = staff.inventory.set_levels(store.id, sku.id, reorder_point=5, safety_stock=2)
            assert (levels.reorder_point, levels.available) == (5, 3)
            alerts = staff.inventory.alerts(store_id=store.id, kind="low_stock")
            assert [x.sku_id for x in alerts] == [sku.id]
            assert staff.inventory.acknowledge_alert(alerts[0].id).status == "acknowledged"
            assert [s.store_id for s in staff.inventory.sku_stock(sku.id)] == [store.id]
            with pytest.raises(sdk.ValidationFailed):
                staff.inventory.set_levels(store.id, sku.id, reorder_point=-1)

    await asyncio.to_thread(work)
