"""The till's view-model against the real backend in-process: items scanned (scale labels too), the
member identified by the code on their phone, the promotion engine's price, cash with change, the
receipt and its e-receipt QR, then a return at the till opened from that QR."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import update

from apps.staff.viewmodels import CashierVM, MembersVM
from backend.catalog.models import Sku
from shared.devices.gtin import make_in_store
from tests.apps.staff.staff_world import ean13, signed_in, sync_vm
from tests.backend.marketing.factories import create_promotion
from tests.backend.orders.factories import put_stock, stock_row
from tests.factories import bearer, create_member, create_sku, create_staff, create_store, member_token


async def member_code(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.get("/api/v1/members/me/code", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["code"]


async def test_a_till_sale_with_member_promotion_change_receipt_and_return(
    app, client, sdk, session, tmp_path: Path
):
    store = await create_store(session, name_zh="人民广场店")
    milk_code, bread_code = ean13(), ean13()
    milk = await create_sku(session, name="牛奶", price=1200, barcode=milk_code)
    bread = await create_sku(session, name="面包", price=800, barcode=bread_code)
    for sku in (milk, bread):
        await put_stock(session, store, sku, 10)
    await create_promotion(session, {"type": "threshold", "tiers": [{"threshold": 3000, "off": 500}]})
    cashier = await create_staff(session, ["cashier"], [store])
    member = await create_member(session, name="王小明")
    await session.commit()
    member_headers = bearer(await member_token(client, app, member.phone))

    staff = await signed_in(sdk, cashier.username)
    till = CashierVM(sdk, sync_vm(sdk, tmp_path))
    till.at_store(staff.store_id)

    assert not await till.scan("6900000000000")
    assert till.error == "staff.error.unknown_barcode"
    till.entry = milk_code
    assert await till.scan()
    assert await till.scan(milk_code)
    assert await till.scan(bread_code)
    assert [(ln.item.sku_id, ln.quantity) for ln in till.lines] == [(milk.id, 2), (bread.id, 1)]
    assert till.quote is not None and till.quote.subtotal == 3200
    assert till.discount == 500 and till.due == 2700

    await till.set_quantity(bread.id, 0)
    assert till.due == 2400 and till.discount == 0
    assert await till.scan(bread_code)

    assert await till.scan(await member_code(client, member_headers))
    assert till.member is not None and till.member.id == member.id
    assert "王" not in (till.member.name_masked or "") or "*" in (till.member.name_masked or "")

    assert not await till.pay("cash", 1000)
    assert till.error == "staff.error.tender_short"
    assert await till.pay("cash", 5000)
    assert till.order is not None and till.order.total == 2700 and till.order.member_id == member.id
    assert till.receipt is not None and "人民广场店" in till.receipt.text
    assert "找零" in till.receipt.text and till.receipt.change == 2300
    assert await stock_row(session, store, milk) == (8, 0)
    sold, receipt_qr = till.order, till.receipt.qr

    till.new_sale()
    assert till.lines == [] and till.member is None and till.client_id != sold.client_id
    assert await till.scan(receipt_qr)
    assert till.return_order is not None and till.return_order.id == sold.id
    assert await till.find_order(sold.number)
    assert till.return_order is not None and till.return_order.id == sold.id
    bread_line = next(ln for ln in till.return_order.lines if ln.sku_id == bread.id)
    assert await till.refund([(bread_line.id, 1)])
    assert till.returned is not None and till.returned.amount > 0
    assert await stock_row(session, store, bread) == (10, 0)


async def test_the_receipt_qr_opens_the_sale_for_a_return(app, client, sdk, session, tmp_path: Path):
    store = await create_store(session)
    code = ean13()
    tea = await create_sku(session, name="绿茶", price=300, barcode=code)
    await put_stock(session, store, tea, 5)
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    await signed_in(sdk, cashier.username)
    till = CashierVM(sdk, sync_vm(sdk, tmp_path))
    till.at_store(store.id)
    assert await till.scan(code)
    assert not await till.pay("card")
    assert till.error == "staff.error.card_reference"
    assert await till.pay("card", reference="POS-778812"), (till.error, till.error_message)
    assert till.order is not None and till.receipt is not None
    qr, number = till.receipt.qr, till.order.number
    till.new_sale()
    assert await till.scan(qr)
    assert till.return_order is not None and till.return_order.number == number


async def test_scale_labels_add_the_units_they_stand_for(app, client, sdk, session, tmp_path: Path):
    store = await create_store(session)
    # Apples sold per 100 g (2.60 yuan), labelled with the weight; cherries labelled with the price.
    apples = await create_sku(session, name="苹果", price=260, barcode=make_in_store("25", 42, 0))
    cherries = await create_sku(session, name="樱桃", price=430, barcode=make_in_store("21", 43, 0))
    await session.execute(update(Sku).where(Sku.id == apples.id).values(weight_g=100))
    for sku in (apples, cherries):
        await put_stock(session, store, sku, 100)
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    await signed_in(sdk, cashier.username)
    till = CashierVM(sdk, sync_vm(sdk, tmp_path))
    till.at_store(store.id)

    assert await till.scan(make_in_store("25", 42, 523))
    assert await till.scan(make_in_store("21", 43, 1290))
    assert [(ln.item.sku_id, ln.quantity, ln.label) for ln in till.lines] == [
        (apples.id, 5, "523 g"),
        (cherries.id, 3, "¥12.90"),
    ]
    assert till.due == 5 * 260 + 3 * 430
    broken = make_in_store("25", 42, 523)[:-1] + str((int(make_in_store("25", 42, 523)[-1]) + 1) % 10)
    assert not await till.scan(broken)
    assert till.error == "staff.error.unknown_barcode"


async def test_members_are_looked_up_with_their_details_masked(app, client, sdk, session):
    store = await create_store(session)
    clerk = await create_staff(session, ["clerk"], [store])
    member = await create_member(session, name="李雷")
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))
    await signed_in(sdk, clerk.username)
    vm = MembersVM(sdk)
    assert not await vm.find("12345")
    assert vm.error == "staff.error.member_entry"
    assert await vm.find(member.phone)
    assert vm.member is not None and vm.member.id == member.id
    assert member.phone not in vm.member.phone_masked and vm.member.phone_masked[-4:] == member.phone[-4:]
    vm.entry = await member_code(client, headers)
    assert await vm.find()
    assert vm.member is not None and vm.member.id == member.id
