"""The staff view-models against the real backend in-process: a shopper's paid pickup order is picked,
made ready and handed over through the SDK, no screen."""

from __future__ import annotations

import json

import httpx
import pytest

from apps.staff.viewmodels import MemoryStore, PickingVM, PickupVM, StaffSessionVM, TodayVM
from apps.staff.viewmodels.session import STORE_KEY, TOKENS_KEY
from shared.sdk import AsyncClient
from tests.backend.orders.factories import pay, pickup_body, place, put_stock, shopper
from tests.factories import PASSWORD, create_sku, create_staff, create_store


@pytest.fixture
async def sdk(app):  # type: ignore[no-untyped-def]
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with AsyncClient(http=http) as client:
        yield client


async def paid_pickup(client, app, session, store, lines):  # type: ignore[no-untyped-def]
    """A shopper places and pays a pickup order at ``store``; returns (order, shopper headers)."""
    _member, headers = await shopper(client, app, session)
    response = await place(client, headers, pickup_body(store, lines))
    assert response.status_code == 201, response.text
    return await pay(client, headers, response.json()["id"]), headers


async def signed_in(sdk, username: str) -> StaffSessionVM:  # type: ignore[no-untyped-def]
    vm = StaffSessionVM(sdk, MemoryStore())
    vm.username, vm.password = username, PASSWORD
    assert await vm.sign_in(), vm.error
    return vm


async def test_staff_session_signs_in_lists_stores_and_switches(app, sdk, session):
    a = await create_store(session, name_zh="人民广场店")
    b = await create_store(session, name_zh="陆家嘴店")
    other = await create_store(session, name_zh="王府井店")
    clerk = await create_staff(session, ["clerk"], [a, b])
    await session.commit()

    prefs = MemoryStore()
    vm = StaffSessionVM(sdk, prefs)
    assert not await vm.sign_in()
    assert vm.error == "staff.error.fill_in"
    vm.username, vm.password = clerk.username, "wrong-password-1"
    assert not await vm.sign_in()
    assert vm.error == "staff.error.wrong_password" and not vm.signed_in

    vm.password = PASSWORD
    assert await vm.sign_in()
    await vm.settle()
    assert vm.me is not None and vm.me.kind == "staff" and vm.password == ""
    assert {s.id for s in vm.stores} == {a.id, b.id}
    assert vm.active is None  # two stores: the staff member chooses
    assert not await vm.choose(other.id)
    assert vm.error == "staff.error.store_forbidden"
    assert await vm.choose(b.id)
    assert vm.store_id == b.id and prefs.values[STORE_KEY] == str(b.id)
    assert json.loads(prefs.values[TOKENS_KEY])["access"] == sdk.tokens.access_token

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with AsyncClient(http=http) as later_client:
        later = StaffSessionVM(later_client, prefs)
        assert await later.restore()
        assert later.store_id == b.id
        later.switch_store()
        assert later.active is None
        assert await later.choose(a.id) and prefs.values[STORE_KEY] == str(a.id)
        await later.sign_out()
        assert not later.signed_in and TOKENS_KEY not in prefs.values and STORE_KEY not in prefs.values
        assert not await StaffSessionVM(later_client, prefs).restore()


async def test_one_store_is_chosen_for_the_staff_member(sdk, session):
    store = await create_store(session)
    picker = await create_staff(session, ["picker"], [store])
    await session.commit()
    vm = await signed_in(sdk, picker.username)
    assert vm.store_id == store.id


async def test_pick_a_paid_order_then_hand_it_over(app, client, sdk, session):
    store = await create_store(session, name_zh="人民广场店")
    milk = await create_sku(session, name="牛奶", shelf="B-02", barcode="6900000000017")
    bread = await create_sku(session, name="面包", shelf="A-01", barcode="6900000000024")
    stray = await create_sku(session, name="可乐", shelf="C-03", barcode="6900000000031")
    for sku in (milk, bread, stray):
        await put_stock(session, store, sku, 10)
    picker = await create_staff(session, ["picker"], [store])
    await session.commit()
    order, member_headers = await paid_pickup(client, app, session, store, [(milk, 2), (bread, 1)])

    staff = await signed_in(sdk, picker.username)
    today = TodayVM(sdk)
    today.at_store(staff.store_id)
    assert await today.refresh()
    assert [t.order_id for t in today.tasks] == [order["id"]] and today.pickups == []
    assert today.low_stock == 0 and today.near_expiry == 0

    picking = PickingVM(sdk)
    assert await picking.open(today.tasks[0].id)
    assert picking.task is not None and picking.task.status == "picking"
    assert [ln.shelf_location for ln in picking.lines] == ["A-01", "B-02"]

    assert not await picking.scan("6900000000031")
    assert picking.error == "staff.error.wrong_item"
    assert picking.error_message is not None and "可乐" in picking.error_message
    assert not await picking.scan("0000000000000")
    assert picking.error == "staff.error.unknown_barcode"

    assert not await picking.mark_ready()
    assert picking.error == "staff.error.invalid_state"

    picking.barcode = " 6900000000024 "
    assert await picking.scan()
    assert picking.last_scanned is not None and picking.last_scanned.sku_id == bread.id
    assert picking.barcode == "" and picking.error is None
    assert await picking.scan("6900000000017")
    milk_line = next(ln for ln in picking.lines if ln.sku_id == milk.id)
    assert milk_line.picked_qty == 1 and milk_line.remaining == 1
    assert not picking.all_picked
    assert await picking.short_pick(milk_line.line_id, 1, "货架无货")
    assert picking.all_picked
    assert await picking.mark_ready()
    assert picking.ready

    assert await today.refresh()
    assert today.tasks == [] and [p.id for p in today.pickups] == [order["id"]]

    response = await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=member_headers)
    code = response.json()
    pickup = PickupVM(sdk)
    pickup.at_store(staff.store_id)
    pickup.entry = "12345"
    assert not await pickup.verify()
    assert pickup.error == "staff.error.code_format"
    wrong = "000000" if code["code"] != "000000" else "111111"
    assert not await pickup.verify(wrong)
    assert pickup.error == "staff.error.code_invalid"

    assert await pickup.verify(code["qr"])
    assert pickup.order is not None and pickup.order.id == order["id"]
    pickup.entry = code["code"]
    assert await pickup.verify()
    assert await pickup.hand_over()
    assert pickup.handed_over and pickup.order is not None and pickup.order.status == "completed"

    assert not await pickup.verify(code["code"])
    assert pickup.error == "staff.error.already_collected"
    assert await today.refresh() and today.pickups == []


async def test_staff_of_one_store_cannot_work_another(app, client, sdk, session):
    a = await create_store(session, name_zh="人民广场店")
    b = await create_store(session, name_zh="陆家嘴店")
    milk = await create_sku(session, shelf="A-01", barcode="6900000000048")
    await put_stock(session, b, milk, 5)
    clerk_a = await create_staff(session, ["clerk"], [a])
    await session.commit()
    order, member_headers = await paid_pickup(client, app, session, b, [(milk, 1)])

    staff = await signed_in(sdk, clerk_a.username)
    today = TodayVM(sdk)
    today.at_store(b.id)
    assert not await today.refresh()
    assert today.error == "staff.error.store_forbidden" and today.tasks == []
    today.at_store(staff.store_id)
    assert await today.refresh() and today.tasks == []

    person = await create_staff(session, ["picker"], [b])
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with AsyncClient(http=http) as picker_b:
        await picker_b.auth.staff_login(person.username, PASSWORD)
        tasks = await picker_b.orders.picking_tasks(b.id)
    picking = PickingVM(sdk)
    assert not await picking.open(tasks[0].id)
    assert picking.error == "staff.error.task_not_found"
    assert picking.task is None

    code = (await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=member_headers)).json()
    pickup = PickupVM(sdk)
    pickup.at_store(staff.store_id)
    assert not await pickup.verify(code["code"])
    assert pickup.error == "staff.error.wrong_store"
