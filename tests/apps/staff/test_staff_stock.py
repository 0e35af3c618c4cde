"""Stock work through the staff view-models against the real backend in-process: a stocktake by
scanning with a variance, a transfer between two stores, receiving against a document, an
adjustment with a reason, the near-expiry list; a clerk of store A cannot touch store B."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from apps.staff.viewmodels import AdjustVM, ExpiryVM, ReceivingVM, StocktakeVM, TransferVM
from tests.apps.staff.staff_world import ean13, sdk_for, signed_in, sync_vm
from tests.backend.inventory.factories import put_stock
from tests.backend.orders.factories import stock_row
from tests.factories import create_sku, create_staff, create_store


async def test_a_stocktake_by_scanning_shows_the_variance_and_posts_it(app, sdk, session, tmp_path: Path):
    store = await create_store(session)
    codes = [ean13(), ean13()]
    milk = await create_sku(session, name="牛奶", barcode=codes[0], shelf="A-01")
    tea = await create_sku(session, name="绿茶", barcode=codes[1], shelf="A-02")
    await put_stock(session, store, milk, 5)
    await put_stock(session, store, tea, 3)
    clerk = await create_staff(session, ["clerk"], [store])
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()

    await signed_in(sdk, clerk.username)
    take = StocktakeVM(sdk, sync_vm(sdk, tmp_path))
    take.at_store(store.id)
    assert await take.start(shelf_zone="A")
    assert take.take is not None and take.take.status == "open"
    for _ in range(4):
        assert await take.scan(codes[0])
    assert await take.scan(codes[1], quantity=3)
    assert not await take.scan("6900000000000")
    assert take.error == "staff.error.unknown_barcode"
    assert take.counted == {milk.id: 4, tea.id: 3}
    assert await take.review()
    assert take.variance is not None
    by_sku = {ln.sku_id: ln.variance for ln in take.variance.lines}
    assert by_sku[milk.id] == -1 and by_sku.get(tea.id, 0) == 0
    assert take.variance.units_short == 1
    assert take.name(milk.id, "zh-CN").startswith("牛奶")
    assert await take.act("submit") and take.take.status == "submitted"
    assert not await take.act("post")
    assert take.error == "staff.error.forbidden"

    async with sdk_for(app) as other:
        await signed_in(other, manager.username)
        boss = StocktakeVM(other, sync_vm(other, tmp_path / "m"))
        boss.at_store(store.id)
        assert await boss.load() and [t.id for t in boss.open_takes] == [take.take.id]
        assert await boss.open(take.take.id)
        assert await boss.act("post") and boss.take is not None and boss.take.status == "posted"
    assert (await stock_row(session, store, milk))[0] == 4


async def test_a_transfer_is_requested_approved_shipped_and_received(app, sdk, session):
    a = await create_store(session, name_zh="人民广场店")
    b = await create_store(session, name_zh="陆家嘴店")
    code = ean13()
    rice = await create_sku(session, name="大米", barcode=code)
    await put_stock(session, a, rice, 20)
    clerk_b = await create_staff(session, ["clerk"], [b])
    manager_a = await create_staff(session, ["store_manager"], [a])
    await session.commit()

    await signed_in(sdk, clerk_b.username)
    asking = TransferVM(sdk)
    asking.at_store(b.id)
    assert not await asking.request(a.id)
    assert asking.error == "staff.error.empty_transfer"
    assert await asking.add(code, 4) and await asking.add(code)
    assert asking.draft == {rice.id: 5}
    assert await asking.request(a.id, note="周末备货")
    assert asking.current is not None and asking.current.status == "requested"
    assert [t.id for t in asking.incoming] == [asking.current.id]
    transfer_id = asking.current.id
    assert not await asking.act(transfer_id, "ship")  # only the sending store ships

    async with sdk_for(app) as other:
        await signed_in(other, manager_a.username)
        sending = TransferVM(other)
        sending.at_store(a.id)
        assert await sending.load() and [t.id for t in sending.outgoing] == [transfer_id]
        assert sending.name(rice.id, "zh-CN").startswith("大米")
        assert await sending.act(transfer_id, "approve")
        assert await sending.act(transfer_id, "ship")
        assert sending.current is not None and sending.current.status == "shipped"
    assert (await stock_row(session, a, rice))[0] == 15

    assert await asking.receive(transfer_id, [(rice.id, 4, "一袋破损")])
    assert asking.current is not None and asking.current.status == "received"
    assert (await stock_row(session, b, rice))[0] == 4


async def test_receiving_against_a_document_then_adjusting_and_expiry(app, sdk, session):
    store = await create_store(session)
    codes = [ean13(), ean13()]
    milk = await create_sku(session, name="牛奶", barcode=codes[0])
    eggs = await create_sku(session, name="鸡蛋", barcode=codes[1])
    await put_stock(session, store, milk, 2, batch_no="B1", expires_on=date.today() + timedelta(days=2))
    await put_stock(session, store, eggs, 3, batch_no="E1", expires_on=date.today() + timedelta(days=60))
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    await signed_in(sdk, manager.username)
    doc = await sdk.inventory.create_document(
        "receipt", store.id, [{"sku_id": milk.id, "quantity": 6, "batch_no": "B2"}], supplier="光明乳业"
    )

    receiving = ReceivingVM(sdk)
    receiving.at_store(store.id)
    assert await receiving.load() and [d.id for d in receiving.documents] == [doc.id]
    assert await receiving.open(doc.id)
    assert not await receiving.scan(codes[1])
    assert receiving.error == "staff.error.not_on_document"
    assert await receiving.scan(codes[0], 5)
    assert receiving.differences == {milk.id: -1}
    assert not await receiving.post()
    assert receiving.error == "staff.error.delivery_differs"
    assert await receiving.scan(codes[0])
    assert await receiving.post()
    assert receiving.document is not None and receiving.document.status == "posted"
    assert (await stock_row(session, store, milk))[0] == 8

    adjust = AdjustVM(sdk)
    adjust.at_store(store.id)
    assert await adjust.choose(codes[1])
    assert not await adjust.adjust(-1, "because")
    assert adjust.error == "staff.error.adjust_reason"
    assert await adjust.adjust(-1, "damaged")
    assert adjust.stock is not None and adjust.stock.on_hand == 2

    expiry = ExpiryVM(sdk)
    expiry.at_store(store.id)
    assert await expiry.load(7)
    assert [(b.sku_id, b.batch_no) for b in expiry.batches] == [(milk.id, "B1")]


async def test_a_clerk_of_one_store_is_denied_another_stores_stock(app, sdk, session, tmp_path: Path):
    a = await create_store(session)
    b = await create_store(session)
    code = ean13()
    soap = await create_sku(session, name="香皂", barcode=code)
    await put_stock(session, b, soap, 9)
    clerk_a = await create_staff(session, ["clerk"], [a])
    manager_b = await create_staff(session, ["store_manager"], [b])
    await session.commit()
    async with sdk_for(app) as other:
        await signed_in(other, manager_b.username)
        take_b = await other.inventory.create_stocktake(b.id)
        transfer = await other.inventory.create_transfer(b.id, a.id, [(soap.id, 1)])

    await signed_in(sdk, clerk_a.username)
    take = StocktakeVM(sdk, sync_vm(sdk, tmp_path))
    take.at_store(b.id)
    assert not await take.start()
    assert take.error == "staff.error.store_forbidden"
    assert not await take.open(take_b.id)
    assert take.take is None and take.error is not None
    adjust = AdjustVM(sdk)
    adjust.at_store(b.id)
    assert await adjust.choose(code)
    assert not await adjust.adjust(5, "found")
    assert adjust.error in ("staff.error.store_forbidden", "staff.error.forbidden")
    expiry = ExpiryVM(sdk)
    expiry.at_store(b.id)
    assert not await expiry.load()
    assert expiry.error == "staff.error.store_forbidden"
    moving = TransferVM(sdk)
    moving.at_store(a.id)
    assert not await moving.act(transfer.id, "ship")
    assert (await stock_row(session, b, soap))[0] == 9
