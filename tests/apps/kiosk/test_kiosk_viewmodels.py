"""The kiosk's view-models against the real backend over HTTP (a live server), every flow."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import time

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


def phone_pays(world: World, state) -> None:  # type: ignore[no-untyped-def]
    """What the shopper's phone does on the sandbox pay page the kiosk's QR opens."""
    assert state.status == "waiting" and state.payment is not None, state
    path = state.payment.pay_url.split("/api/v1", 1)[1]
    httpx.post(f"{world.config.base_url}/api/v1{path}/confirm", timeout=10).raise_for_status()


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
        started = vm.payment.start()
        phone_pays(world, started)
        state = vm.payment.poll()
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
        # Asking for the sale again (same client id) returns the same sale.
        assert vm.client.orders.kiosk_sale(order.client_id or "").id == order.id

    await asyncio.to_thread(work)


async def test_offline_pauses_payments_and_replays_paid_sales_once(world: World, tmp_path) -> None:
    (milk, milk_code), _, _ = world.items
    url = world.config.base_url

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.handle_code(milk_code)
        started = vm.payment.start()
        client_id = started.client_id
        phone_pays(world, started)
        # The payment (and with it the sale) lands on the backend; then the kiosk loses the network.
        with sdk.Client(url) as phone_side:
            phone_side.auth.use_device_token(world.config.device_token)
            assert phone_side.payments.sync(started.payment.id).status == "succeeded"
        vm.client.http.base_url = "http://127.0.0.1:9"
        state = vm.payment.record_sale()
        assert state.status == "queued" and not vm.online
        assert vm.pending_sales == 1 and vm.screen == "receipt"
        assert vm.receipt.message == "交易已保存，网络恢复后可补打小票"
        # No new payments while offline.
        assert vm.payment.start().status == "paused"
        assert vm.payment.pay_stored_value().status in ("paused", "failed")
        assert vm.t("pay.paused") == "暂停收款"
        assert not vm.check_backend()
        assert vm.pending_sales == 1
        vm.client.http.base_url = url
        assert vm.check_backend() and vm.online
        assert vm.pending_sales == 0
        # The sale the shopper was waiting for is on the receipt screen again, printable.
        assert vm.receipt.receipt is not None and vm.receipt.order is not None
        assert vm.receipt.order.client_id == client_id
        done = vm.outbox.done()
        assert len(done) == 1 and done[0].result["client_id"] == client_id
        assert vm.sync() is None  # nothing left to send
        # Replaying the same write again names the same sale.
        assert vm.client.orders.kiosk_sale(client_id).id == done[0].result["id"]
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


async def _top_up(client, session, world: World, amount: int) -> None:  # type: ignore[no-untyped-def]
    cashier = await staff(client, session, ["cashier"], [world.store])
    response = await client.post(
        f"/api/v1/members/{world.member_id}/stored-value/topups",
        json={"amount": amount, "tender": "cash", "store_id": world.store.id},
        headers={**cashier, "Idempotency-Key": sdk.idempotency_key()},
    )
    assert response.status_code in (200, 201), response.text


async def test_a_member_pays_with_stored_value(world: World, tmp_path, client, session) -> None:
    """Stored value pays the whole basket, or as much as the balance holds with the QR paying the rest;
    never half a basket."""
    (milk, milk_code), (bread, bread_code), _ = world.items
    await _top_up(client, session, world, 1000)
    code = await member_code(client, world.member_headers)

    def work() -> list[tuple[str, int, str | None]]:
        vm = kiosk(world, tmp_path)
        seen = []
        vm.handle_code(milk_code)
        vm.go("pay")
        assert vm.payment.pay_stored_value().status == "failed"
        assert vm.payment.state.message == "请先扫描会员码，再用储值支付"
        vm.go("checkout")
        vm.handle_code(code)
        whole = vm.payment.pay_stored_value()  # 6.50 of the 10.00 balance
        assert whole.status == "done" and vm.screen == "receipt", whole
        assert vm.receipt.receipt is not None and "储值" in vm.receipt.receipt.text
        assert whole.order is not None and whole.order.member_id == world.member_id
        seen.append(("whole", whole.order.total, None))
        vm.reset()
        vm.handle_code(code)
        vm.handle_code(milk_code)
        vm.handle_code(bread_code)  # 18.50, more than the 3.50 left
        part = vm.payment.pay_stored_value()
        assert part.status == "waiting" and part.amount == 1850 - 350, part
        seen.append(("part", part.amount, part.message))
        phone_pays(world, part)
        done = vm.payment.poll()
        assert done.status == "done" and done.order is not None and done.order.total == 1850
        tenders = {t["method"]: t["amount"] for t in vm.receipt.receipt.tenders}
        assert tenders == {"stored_value": 350, "sandbox_qr": 1500}
        vm.reset()
        vm.handle_code(code)
        vm.handle_code(milk_code)
        empty = vm.payment.pay_stored_value()  # nothing left: pay by QR instead
        seen.append((empty.status, empty.amount, empty.message))
        return seen

    seen = await asyncio.to_thread(work)
    assert seen[0] == ("whole", milk.base_price, None)
    assert seen[1] == ("part", 1500, "储值已付 ¥3.50，请扫码支付余下 ¥15.00")
    assert seen[2] == ("failed", 650, "储值余额不足，请扫码支付")
    wallet = (await client.get("/api/v1/members/me/wallet", headers=world.member_headers)).json()
    assert wallet["stored_value"] == 0 and bread.base_price == 1200


async def test_an_abandoned_part_payment_gives_the_stored_value_back(
    world: World, tmp_path, client, session
) -> None:
    _, (_bread, bread_code), _ = world.items
    await _top_up(client, session, world, 500)
    code = await member_code(client, world.member_headers)

    def balance(vm: KioskVM) -> int:
        url = f"{world.config.base_url}/api/v1/members/me/wallet"
        return int(httpx.get(url, headers=world.member_headers, timeout=10).json()["stored_value"])

    def work() -> None:
        clock = Clock()
        vm = kiosk(world, tmp_path, clock)
        vm.handle_code(code)
        vm.handle_code(bread_code)
        part = vm.payment.pay_stored_value()
        assert part.status == "waiting" and part.amount == 700 and balance(vm) == 0
        vm.payment.cancel()  # back to the cart
        assert balance(vm) == 500 and vm.payment.state.status == "idle"
        again = vm.payment.pay_stored_value()
        assert again.status == "waiting" and balance(vm) == 0
        clock.now += vm.idle_timeout_s + 1
        assert not vm.tick()  # a shown QR waits longer
        clock.now += 2 * vm.idle_timeout_s
        assert vm.tick() and vm.screen == "attract"
        assert balance(vm) == 500
        assert vm.client.orders.kiosk_checkout(again.client_id or "").status == "cancelled"

    await asyncio.to_thread(work)


async def test_a_lapsed_member_code_is_asked_for_again(
    world: World, tmp_path, client, session, settings
) -> None:
    """Nothing of the member's is spent on an old code: the kiosk asks them to show it again."""
    from backend.core.security import qr_private_key
    from shared import codes

    (_milk, milk_code), _, _ = world.items
    await _top_up(client, session, world, 1000)
    code = await member_code(client, world.member_headers)
    lapsed = codes.sign(
        qr_private_key(settings.var_dir), "member", {"m": world.member_id}, 60, now=time.time() - 3600
    )

    def work() -> None:
        vm = kiosk(world, tmp_path)
        vm.handle_code(code)
        vm.handle_code(milk_code)
        vm.member.code = lapsed  # as if the shopper had shown it an hour ago
        state = vm.payment.pay_stored_value()
        assert state.status == "failed" and vm.screen == "member"
        assert vm.member.member is None and vm.member.message == "请再次出示会员码以确认使用会员权益"
        vm.handle_code(code)
        assert vm.screen == "checkout" and vm.member.member is not None
        assert vm.payment.pay_stored_value().status == "done"

    await asyncio.to_thread(work)


async def test_scale_labels_are_charged_what_they_say(world: World, tmp_path) -> None:
    """A weighed pack is one line charged weight × price per kg; the receipt shows both."""
    (milk, milk_code), _, _ = world.items
    assert world.weighed is not None
    grapes, label = world.weighed
    from shared.devices.gtin import make_in_store

    light = make_in_store("26", 77, 480)

    def work() -> None:
        vm = kiosk(world, tmp_path)
        assert vm.checkout.scan(label)
        message = vm.checkout.state.message or ""
        assert message.startswith("已加入：葡萄") and message.endswith("（612 克）")
        vm.handle_code(milk_code)
        assert vm.checkout.scan(light)
        cart = vm.checkout.cart
        assert cart is not None and vm.checkout.item_count == 3
        weighed = {ln.label: ln for ln in cart.lines if ln.sku_id == grapes.id}
        assert weighed[label].weight_g == 612 and weighed[label].line_total == 1836
        assert weighed[light].line_total == 1440
        assert vm.checkout.line_detail(weighed[label]) == "称重 612 克 × ¥30.00/千克"
        assert cart.total == 650 + 1836 + 1440
        vm.checkout.increment(grapes.id, light)
        assert vm.checkout.cart.total == 650 + 1836 + 2 * 1440
        vm.checkout.remove(grapes.id, light)
        vm.checkout.increment(milk.id)
        assert vm.checkout.cart.total == 2 * 650 + 1836
        started = vm.payment.start()
        assert started.status == "waiting" and started.amount == 2 * 650 + 1836
        phone_pays(world, started)
        done = vm.payment.poll()
        assert done.status == "done" and done.order is not None
        lines = {(ln.sku_id, ln.unit_price, ln.quantity) for ln in done.order.lines}
        assert lines == {(milk.id, 650, 2), (grapes.id, 1836, 1)}
        text = render_text(vm.receipt.receipt, vm.store_name)
        assert "  612 g x ¥30.00/kg" in text and "18.36" in text, text
        assert any(r.endswith("612 g x ¥30.00/kg   ¥18.36") for r in vm.receipt.rows()), vm.receipt.rows()
        vm.toggle_language()
        assert vm.checkout.line_detail(weighed[label]) == "612 g × ¥30.00/kg"
        # The price checker prices a label as the checkout charges that pack.
        vm.reset()
        vm.go("price")
        vm.handle_code(light)
        assert vm.price.result is not None and vm.price.result.price == 1440
        assert vm.price.result.spec == "称重 480 克 × ¥30.00/千克"

    await asyncio.to_thread(work)


def test_usb_scanner_keystrokes_make_one_code_per_enter() -> None:
    codes: list[str] = []
    wedge = KeyboardWedge(codes.append)
    for ch in "6901234567892\r\n  \n69012345\t67908\n":
        wedge.key(ch)
    assert codes == ["6901234567892", "6901234567908"]
    assert code_kind("OMO1.pickup.abc.def") == "pickup" and code_kind("6901234567892") == "barcode"
