"""A shift through an outage: the backend (a real server) stops mid-shift; the till makes three cash
sales (one for a member identified before the outage) and the stocktake records a count; both wait
in the outbox and the screen's sync state says so. The backend comes back; everything is replayed
once (a second replay changes nothing) and stock, the count and the member's points are right."""

from __future__ import annotations

import asyncio
from pathlib import Path

from apps.staff.viewmodels import CashierVM, StocktakeVM, SyncVM
from shared.sdk import AsyncClient
from shared.sdk.outbox import Outbox
from tests.apps.staff.staff_world import ean13, signed_in
from tests.backend.orders.factories import put_stock, stock_row
from tests.conftest import LiveServer
from tests.factories import bearer, create_member, create_sku, create_staff, create_store, member_token


async def test_sales_and_counts_made_while_the_backend_is_down_sync_exactly_once(
    live_server, settings, app, client, session, tmp_path: Path
):
    store = await create_store(session, name_zh="人民广场店")
    codes = [ean13(), ean13()]
    milk = await create_sku(session, name="牛奶", price=1200, barcode=codes[0])
    bread = await create_sku(session, name="面包", price=800, barcode=codes[1])
    await put_stock(session, store, milk, 20)
    await put_stock(session, store, bread, 10)
    manager = await create_staff(session, ["store_manager"], [store])
    member = await create_member(session, name="王小明")
    await session.commit()
    member_headers = bearer(await member_token(client, app, member.phone))
    points_before = (await client.get("/api/v1/members/me/wallet", headers=member_headers)).json()["points"]

    server = live_server
    async with AsyncClient(server.url) as sdk:
        await signed_in(sdk, manager.username)
        sync = SyncVM(sdk, Outbox(tmp_path / "outbox.sqlite"))
        till = CashierVM(sdk, sync)
        till.at_store(store.id)
        take = StocktakeVM(sdk, sync)
        take.at_store(store.id)
        assert await take.start()
        assert await take.scan(codes[1], quantity=6)
        # Mid-sale: items scanned and the member identified while the backend answers.
        assert await till.scan(codes[0]) and await till.scan(codes[1])
        assert await till.identify(member.phone)
        assert till.due == 2000 and sync.online

        await asyncio.to_thread(server.stop)

        assert await till.pay("cash", 2000)
        assert till.queued_sale is not None and till.order is None and not sync.online
        assert "牛奶" in till.offline_receipt()
        till.new_sale()
        assert await till.scan(codes[0]) and await till.scan(codes[0])
        assert till.due == 2400
        assert not await till.pay("card", reference="T1")
        assert till.error == "staff.error.offline_cash_only"
        assert await till.pay("cash", 5000)
        till.new_sale()
        assert await till.scan(codes[1])
        assert not await till.scan(ean13())
        assert till.error == "staff.error.offline_unknown"
        assert await till.pay("cash", 800)
        assert await take.scan(codes[1], quantity=3)
        assert take.counted[bread.id] == 9

        assert (sync.pending_sales, sync.pending_counts) == (3, 1)
        report = await sync.sync()
        assert report is not None and report.stopped_by == "network" and report.remaining == 4

        server = LiveServer(settings, port=server.port)
        await asyncio.to_thread(server.start)
        try:
            report = await sync.sync()
            assert report is not None and (report.sent, report.refused, report.remaining) == (4, 0, 0)
            assert sync.online and sync.pending == [] and sync.rejected == []
            assert await sync.sync() is None

            # The same writes sent again (a device that lost its bookkeeping) change nothing.
            replay = Outbox(tmp_path / "again.sqlite")
            for item in sync.outbox.done():
                replay.enqueue(item.kind, item.method, item.path, item.body, key=item.key)
            again = await replay.aflush(sdk)
            assert again.sent == 4
            results = [r for item in replay.done() if item.kind == "till_sale" for r in item.result]
            assert {r["status"] for r in results} == {"duplicate"}

            assert await take.review()
            counted = {ln.sku_id: ln.counted for ln in take.variance.lines}  # type: ignore[union-attr]
            assert counted[bread.id] == 9
        finally:
            await asyncio.to_thread(server.stop)

    assert await stock_row(session, store, milk) == (17, 0)
    assert await stock_row(session, store, bread) == (8, 0)
    wallet = (await client.get("/api/v1/members/me/wallet", headers=member_headers)).json()
    assert wallet["points"] > points_before
