"""The kiosk's view-models against the real backend over HTTP (a live server), every flow."""

from __future__ import annotations

import asyncio
import json
import os
import stat

import httpx
import pytest

from apps.kiosk.receipt import parse, render_text
from apps.kiosk.viewmodels import KeyboardWedge, KioskConfig, KioskVM, code_kind
from shared import sdk
from shared.sdk.outbox import Outbox
from tests.apps.kiosk.kiosk_world import World, build_world, member_code
from tests.backend.orders.factories import pay, pickup_body, place, staff


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def world(session, client, app, live_server, tmp_path) -> World:  # type: ignore[no-untyped-def]
    return await build_world(session, client, app, live_server.url, tmp_path)


def kiosk(world: World, tmp_path, clock: Clock | None = None) -> KioskVM:  # type: ignore[no-untyped-def]
    vm = KioskVM(
        sdk.Client(world.config.base_url, timeout=5),
        world.config,
        Outbox(tmp_path / "outbox.db"),
        **({"clock": clock} if clock else {}),
    )
    vm.start()
    return vm


async def test_binding_keeps_only_the_device_token(world: World, tmp_path) -> None:
    saved = json.loads(world.config_path.read_text("utf-8"))
    assert saved["store_id"] == world.store.id and saved["device_token"]
    assert "password" not in json.dumps(saved)
    assert stat.S_IMODE(os.stat(world.config_path).st_mode) == 0o600
    assert KioskConfig.load(world.config_path) == world.config

    def work() -> None:
        vm = kiosk(world, tmp_path)
        assert vm.client.auth.me().store_ids == [world.store.id]
        assert vm.store is not None and vm.store_name == "南京西路店"
        vm.toggle_language()
        assert vm.store_name == "West Nanjing Rd" and vm.t("attract.start") == "Start"

    await asyncio.to_thread(work)


async def test_checkout_scans_into_the_session_cart(world: World, tmp_path) -> None:
    (milk, milk_code), (bread, bread_code), (apple, apple_code) = world.items

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.handle_code(milk_code)
        assert vm.screen == "checkout"  # scanning on the attract screen starts a session
        vm.handle_code(bread_code)
        vm.handle_code(milk_code)
        cart = vm.checkout.cart
        assert cart is not None
        assert {ln.sku_id: ln.quantity for ln in cart.lines} == {milk.id: 2, bread.id: 1}
        assert cart.total == 2 * 650 + 1200 and vm.checkout.item_count == 3
        assert (vm.checkout.state.message or "").startswith("已加入：牛奶")
        vm.checkout.increment(bread.id)
        vm.checkout.decrement(milk.id)
        vm.handle_code(apple_code)
        vm.checkout.remove(apple.id)
        cart = vm.checkout.cart
        assert {ln.sku_id: ln.quantity for ln in cart.lines} == {milk.id: 1, bread.id: 2}
        assert cart.total == 650 + 2 * 1200 and vm.checkout.can_pay()
        # The cart lives on the backend under the kiosk's session.
        again = vm.client.orders.cart(session_id=vm.session_id)
        assert again.total == cart.total
        assert not vm.checkout.scan("6900000000014")
        assert "6900000000014" in (vm.checkout.state.message or "")
        assert not vm.checkout.scan("6900000000019")  # a misread (wrong check digit)
        vm.checkout.decrement(milk.id)
        assert [ln.sku_id for ln in vm.checkout.cart.lines] == [bread.id]

    await asyncio.to_thread(work)


async def test_member_identified_by_their_qr(world: World, tmp_path, client) -> None:
    code = await member_code(client, world.member_headers)
    assert code_kind(code) == "member"

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.start_checkout()
        vm.go("member")
        vm.handle_code(code)
        assert vm.member.member is not None and vm.member.member.id == world.member_id
        assert vm.member.display_name != "王小明" and "*" in vm.member.display_name
        assert vm.screen == "checkout"
        assert vm.member.message == f"欢迎您，{vm.member.display_name}"
        vm.member.clear()
        assert not vm.member.identify(code[:-6] + "AAAAAA")
        assert vm.member.member is None and vm.member.message == "会员码无效或已过期，请刷新后重试"

    await asyncio.to_thread(work)


async def test_qr_payment_records_the_sale_when_the_phone_pays(world: World, tmp_path) -> None:
    """The kiosk shows a sandbox QR; the shopper's phone confirms; the paid payment records the sale."""
    (_milk, milk_code), *_ = world.items

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.go("pay")
        assert vm.payment.start().status == "failed"  # nothing to pay for
        vm.go("checkout")
        vm.handle_code(milk_code)
        state = vm.payment.start()
        assert state.status == "waiting" and state.qr_text and state.amount == 650, state
        assert vm.payment.poll().status == "waiting"
        path = state.payment.pay_url.split("/api/v1", 1)[1]
        httpx.post(f"{world.config.base_url}/api/v1{path}/confirm", timeout=10).raise_for_status()
        done = vm.payment.poll()
        assert done.status == "done" and done.order is not None, done
        assert done.order.channel == "kiosk" and done.order.total == 650
        assert done.order.client_id == state.client_id and vm.screen == "receipt"

    await asyncio.to_thread(work)


async def test_paid_sale_recorded_and_receipt_printed(world: World, tmp_path) -> None:
    (milk, milk_code), (bread, bread_code), _ = world.items

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.handle_code(milk_code)
        vm.handle_code(bread_code)
        vm.handle_code(milk_code)
        vm.payment.state.client_id = sdk.idempotency_key()
        state = vm.payment.record_sale("SANDBOX-TRADE-1", 2500)
        assert state.status == "done" and vm.screen == "receipt"
        order = state.order
        assert order is not None and order.channel == "kiosk" and order.total == 2500
        assert order.status == "completed" and order.client_id == vm.payment.state.client_id
        receipt = vm.receipt.receipt
        assert receipt is not None and receipt.number == order.number
        target = vm.receipt.print(tmp_path / "printer.bin")
        printed = parse(target.read_bytes())
        assert printed.commands[:2] == ["init", "chinese"] and printed.cuts == 1
        text = printed.text()
        assert "南京西路店" in text and order.number in text and "扫码支付" in text
        total = next(ln for ln in printed.lines if ln["text"].startswith("应付"))
        assert total["bold"] and total["double_height"] and total["text"].endswith("25.00")
        assert printed.qr == [receipt.qr]
        assert "牛奶" in render_text(receipt, vm.store_name)
        # A retry of the same sale (same client id) changes nothing.
        again = vm.client.orders.sell(
            [{"method": "sandbox_qr", "amount": 2500}],
            lines=[(milk.id, 2), (bread.id, 1)],
            client_id=order.client_id,
        )
        assert again.id == order.id

    await asyncio.to_thread(work)


async def test_offline_pauses_payments_and_replays_paid_sales_once(world: World, tmp_path) -> None:
    (milk, milk_code), _, _ = world.items
    url = world.config.base_url

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.handle_code(milk_code)
        vm.payment.state.client_id = sdk.idempotency_key()
        client_id = vm.payment.state.client_id
        vm.client.http.base_url = "http://127.0.0.1:9"  # the backend goes away after the shopper paid
        state = vm.payment.record_sale("SANDBOX-TRADE-2", 650)
        assert state.status == "queued" and not vm.online
        assert vm.pending_sales == 1 and vm.screen == "receipt"
        assert vm.receipt.message == "交易已保存，网络恢复后可补打小票"
        # No new payments while offline.
        vm.reset()
        assert vm.payment.start().status == "paused"
        assert vm.t("pay.paused") == "暂停收款"
        assert not vm.check_backend()
        assert vm.pending_sales == 1
        vm.client.http.base_url = url
        assert vm.check_backend() and vm.online
        assert vm.pending_sales == 0
        done = vm.outbox.done()
        assert len(done) == 1 and done[0].result[0]["status"] == "applied"
        assert vm.sync() is None  # nothing left to send
        # Uploading the same sale again is recognised as the same sale.
        replay = vm.client.orders.upload_offline(done[0].body["sales"])
        assert replay[0].status == "duplicate" and replay[0].order_id == done[0].result[0]["order_id"]
        sales = [o for o in vm.client.orders.list(store_id=world.store.id) if o.channel == "kiosk"]
        assert len(sales) == 1
        order = vm.client.orders.get(sales[0].id)
        assert order.client_id == client_id and [(ln.sku_id, ln.quantity) for ln in order.lines] == [
            (milk.id, 1)
        ]

    await asyncio.to_thread(work)


async def test_price_check_shows_price_and_stock_nearby(world: World, tmp_path) -> None:
    (milk, milk_code), _, _ = world.items

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.go("price")
        vm.handle_code(milk_code)
        result = vm.price.result
        assert result is not None and result.price == 650 and result.available_here == 20
        assert [s.id for s in result.nearby] == [world.other.id]
        assert result.nearby[0].available == {milk.id: 7}
        assert vm.price.nearby_rows()[0].startswith("人民广场店") and "库存 7" in vm.price.nearby_rows()[0]
        assert vm.checkout.cart is None  # a price check adds nothing to the cart
        vm.handle_code("6900000000019")
        assert vm.price.result is None and "6900000000019" in (vm.price.message or "")

    await asyncio.to_thread(work)


async def test_pickup_code_tells_where_to_collect(world: World, tmp_path, client, session) -> None:
    (milk, milk_code), _, _ = world.items
    order = (await place(client, world.member_headers, pickup_body(world.store, [(milk, 2)]))).json()
    await pay(client, world.member_headers, order["id"])
    picker = await staff(client, session, ["picker"], [world.store])
    task = (await client.get("/api/v1/picking/tasks", headers=picker)).json()[0]
    url = f"/api/v1/picking/tasks/{task['id']}"
    await client.post(f"{url}/scan", json={"barcode": milk_code, "quantity": 2}, headers=picker)
    assert (await client.post(f"{url}/ready", headers=picker)).status_code == 200
    code = (
        await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=world.member_headers)
    ).json()

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.go("pickup")
        for digit in code["code"][:5] + "9<" + code["code"][5]:
            vm.pickup.type_digit(digit)
        assert vm.pickup.typed == code["code"]
        found = vm.pickup.verify()
        assert found is not None and found.id == order["id"]
        assert vm.pickup.message == (
            f"订单 {order['number']} 已备好\n请到「南京西路店」服务台出示取货码领取\n已通知店员为您取货"
        )
        assert vm.pickup.staff_told
        vm.pickup.clear()
        vm.handle_code(code["qr"])
        assert vm.pickup.order is not None and vm.pickup.order.id == order["id"]
        assert vm.pickup.verify(code="000000") is None and vm.pickup.message == "取货码无效"

    await asyncio.to_thread(work)
    # The store's staff were told once, however many times the code was looked up.
    calls = (await client.get(f"/api/v1/stores/{world.store.id}/help-calls", headers=picker)).json()
    assert [(c["reason"], c["context"]["order_number"]) for c in calls] == [("pickup", order["number"])]


async def test_idle_session_resets_to_attract(world: World, tmp_path) -> None:
    (_milk, milk_code), _, _ = world.items

    def work() -> None:
        clock = Clock()
        vm = kiosk(world, tmp_path, clock)
        changes: list[str] = []
        vm.subscribe(changes.append)
        vm.toggle_language()
        vm.handle_code(milk_code)
        old_session = vm.session_id
        clock.now += vm.idle_timeout_s - 1
        assert not vm.tick() and vm.screen == "checkout"
        vm.touch()
        clock.now += vm.idle_timeout_s - 1
        assert not vm.tick()
        clock.now += 2
        assert vm.tick()
        assert vm.screen == "attract" and vm.lang == "zh-CN" and vm.checkout.cart is None
        assert vm.session_id != old_session and "screen" in changes
        # The abandoned cart was emptied on the backend.
        assert vm.client.orders.cart(session_id=old_session).lines == []
        clock.now += 10 * vm.idle_timeout_s
        assert not vm.tick()  # already idle

    await asyncio.to_thread(work)


async def test_help_calls_reach_the_stores_staff(world: World, tmp_path, client, session) -> None:
    (_milk, milk_code), _, _ = world.items

    def work() -> list[int]:
        vm = kiosk(world, tmp_path)
        vm.handle_code(milk_code)
        vm.go("help")
        vm.help.open()
        assert vm.help.message == "请选择需要帮助的事项，店员会到这台机器来"
        assert vm.help.call_staff("age_check") and vm.help.call_staff("age_check")
        assert vm.help.message is not None and vm.help.message.startswith("已呼叫店员核验年龄")
        first = vm.help.call
        assert vm.help.call_staff("payment_trouble")
        assert first is not None and vm.help.call is not None
        return [first.id, vm.help.call.id]

    ids = await asyncio.to_thread(work)
    clerk = await staff(client, session, ["clerk"], [world.store])
    calls = (await client.get(f"/api/v1/stores/{world.store.id}/help-calls", headers=clerk)).json()
    assert sorted(c["id"] for c in calls) == sorted(ids)
    age = next(c for c in calls if c["reason"] == "age_check")
    assert age["device_name"] == "自助收银1" and age["context"]["items"] == 1
    assert age["context"]["last_item"].startswith("牛奶")
    other = await staff(client, session, ["clerk"], [world.other])
    assert (await client.get(f"/api/v1/stores/{world.store.id}/help-calls", headers=other)).status_code == 403


async def test_a_member_pays_with_stored_value(world: World, tmp_path, client, session) -> None:
    (milk, milk_code), (bread, bread_code), _ = world.items
    cashier = await staff(client, session, ["cashier"], [world.store])
    top_up = {"amount": 1000, "tender": "cash", "store_id": world.store.id}
    response = await client.post(
        f"/api/v1/members/{world.member_id}/stored-value/topups",
        json=top_up,
        headers={**cashier, "Idempotency-Key": "top-up-kiosk-1"},
    )
    assert response.status_code in (200, 201), response.text
    code = await member_code(client, world.member_headers)

    def work() -> tuple[int, str | None, int, str | None]:
        vm = kiosk(world, tmp_path)
        vm.handle_code(milk_code)
        vm.go("pay")
        assert vm.payment.pay_stored_value().status == "failed"
        assert vm.payment.state.message == "请先扫描会员码，再用储值支付"
        vm.go("checkout")
        vm.handle_code(code)
        vm.handle_code(bread_code)  # 6.50 + 12.00 is more than the 10.00 balance
        short = vm.payment.pay_stored_value()
        assert short.status == "failed", short
        short_message = short.message
        vm.checkout.remove(bread.id)
        paid = vm.payment.pay_stored_value()
        assert paid.status == "done" and vm.screen == "receipt", paid
        assert vm.receipt.receipt is not None and "储值" in vm.receipt.receipt.text
        assert paid.order is not None
        return paid.order.total, short_message, paid.order.member_id or 0, vm.receipt.receipt.text

    total, short_message, member_id, _text = await asyncio.to_thread(work)
    assert short_message == "储值余额不足，请扫码支付"
    assert total == milk.base_price and member_id == world.member_id
    wallet = (await client.get("/api/v1/members/me/wallet", headers=world.member_headers)).json()
    assert wallet["stored_value"] == 1000 - total


async def test_scale_labels_add_their_units_to_the_cart(world: World, tmp_path, client, session) -> None:
    from sqlalchemy import update

    from backend.catalog.models import Sku
    from shared.devices.gtin import make_in_store
    from tests.backend.orders.factories import put_stock
    from tests.factories import create_sku

    grapes = await create_sku(session, name="葡萄", price=150, barcode=make_in_store("26", 77, 0))
    await session.execute(update(Sku).where(Sku.id == grapes.id).values(weight_g=50))
    await put_stock(session, world.store, grapes, 200)
    await session.commit()

    def work() -> tuple[int, str | None]:
        vm = kiosk(world, tmp_path)
        assert vm.checkout.scan(make_in_store("26", 77, 612))
        line = next(ln for ln in vm.checkout.cart.lines if ln.sku_id == grapes.id)  # type: ignore[union-attr]
        return line.quantity, vm.checkout.state.message

    quantity, message = await asyncio.to_thread(work)
    assert quantity == 12  # 612 g in 50 g units
    assert message is not None and message.endswith("（612 克）")


def test_usb_scanner_keystrokes_make_one_code_per_enter() -> None:
    codes: list[str] = []
    wedge = KeyboardWedge(codes.append)
    for ch in "6901234567892\r\n  \n69012345\t67908\n":
        wedge.key(ch)
    assert codes == ["6901234567892", "6901234567908"]
    assert code_kind("OMO1.pickup.abc.def") == "pickup" and code_kind("6901234567892") == "barcode"
