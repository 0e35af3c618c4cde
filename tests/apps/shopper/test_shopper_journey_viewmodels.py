"""The shopper's journey through the view-models against the real backend: cart with promotions and
coupons, checkout and sandbox payment, an order followed live, member centre, services, settings and
the assistant. No screen; real database, real SDK."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from apps.shopper.viewmodels import (
    AssistantVM,
    CartVM,
    CatalogVM,
    CheckoutVM,
    MemberVM,
    MemoryStore,
    OrdersVM,
    OrderVM,
    ServicesVM,
    SettingsVM,
)
from apps.shopper.viewmodels.checkout import pickup_slots
from apps.shopper.viewmodels.settings import NOTIFY_KEY
from backend.members import wallet
from backend.stores.schemas import Store as StoreOut
from shared.errors import RetailError
from shared.sdk import AsyncClient
from shared.ui.qr import qr_png
from tests.backend.appointments.factories import create_service, create_technician, local_day
from tests.backend.catalog.factories import add_barcode, create_category, create_product
from tests.backend.marketing.factories import create_coupon, create_promotion, create_template
from tests.backend.orders.factories import put_stock
from tests.factories import HOURS_ALL_WEEK, PASSWORD, create_staff, create_store

HOURS_24H = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def in_process(app) -> AsyncClient:  # type: ignore[no-untyped-def]
    return AsyncClient(http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test"))


async def sign_in(app, client: AsyncClient, phone: str) -> int:  # type: ignore[no-untyped-def]
    await client.auth.request_code(phone)
    await client.auth.verify_code(phone, app.state.sms.last_codes[phone])
    return (await client.auth.me()).id


async def pay_in_sandbox(client: AsyncClient, pay_url: str) -> None:
    """What the shopper does on the gateway's pay page: press "confirm"."""
    confirm = "/api/v1" + pay_url.split("/api/v1", 1)[1] + "/confirm"
    assert (await client.http.post(confirm)).status_code == 200


async def seed_shop(session, hours=HOURS_24H):  # type: ignore[no-untyped-def]
    store = await create_store(
        session,
        name_zh="人民广场店",
        latitude=31.2310,
        longitude=121.4740,
        opening_hours=hours,
        phone="021-6350 0000",
    )
    dairy = await create_category(session, name_zh="乳品", name_en="Dairy")
    milk, skus = await create_product(
        session,
        dairy,
        name_zh="光明纯牛奶",
        name_en="Bright Pure Milk",
        prices=[650, 1190],
        spec_names=["规格"],
        specs=[{"规格": "250ml"}, {"规格": "1L"}],
    )
    _cheese, cheese_skus = await create_product(
        session, dairy, name_zh="奶酪棒", name_en="Cheese Stick", prices=[1500]
    )
    for sku, code in (
        (skus[0], "6901234560001"),
        (skus[1], "6901234560002"),
        (cheese_skus[0], "6901234560003"),
    ):
        await add_barcode(session, sku, code)
    await put_stock(session, store, skus[0], 50)
    await put_stock(session, store, skus[1], 20)
    await put_stock(session, store, cheese_skus[0], 0)
    return store, skus, cheese_skus[0]


async def test_the_cart_prices_two_specs_applies_the_best_coupon_and_explains_what_it_cannot_sell(
    app, session
):
    store, (small, big), cheese = await seed_shop(session)
    await create_promotion(
        session,
        {"type": "threshold", "tiers": [{"threshold": 5000, "off": 500}]},
        name_zh="满50减5",
        name_en="5 off 50",
    )
    await session.commit()
    async with in_process(app) as client:
        member_id = await sign_in(app, client, "13800000101")
        template = await create_template(session, name_zh="满20减3", amount=300, threshold=2000)
        await create_coupon(session, template, member_id)
        small_coupon = await create_template(session, name_zh="满20减1", amount=100, threshold=2000)
        await create_coupon(session, small_coupon, member_id)
        await session.commit()

        cart = CartVM(client)
        await cart.load(store.id)
        assert cart.empty and not cart.can_check_out
        assert await cart.add(small.id, 2) and await cart.add(big.id, 1)
        assert [(ln.sku_id, ln.quantity) for ln in cart.lines] == [(small.id, 2), (big.id, 1)]
        assert {ln.specs["规格"] for ln in cart.lines} == {"250ml", "1L"}
        assert cart.subtotal == 2 * 650 + 1190
        # The better of the member's two coupons is applied without the shopper choosing it.
        assert [(s.rule, s.amount) for s in cart.coupon_savings] == [("满20减3", 300)]
        assert cart.total == 2490 - 300 and cart.discount_total == 300
        # 凑单: 25.10 more reaches the 50-yuan threshold.
        hint = next(h for h in cart.hints if h.rule == "满50减5" or h.threshold == 5000)
        assert hint.gap == 5000 - 2490 and hint.off == 500

        await cart.increment(big.id, 3)
        assert cart.subtotal == 2 * 650 + 4 * 1190
        assert {s.rule for s in cart.savings} >= {"满50减5", "满20减3"}
        assert cart.total == cart.subtotal - 500 - 300

        await cart.add(cheese.id, 1)
        [bad] = cart.invalid_lines
        assert (
            bad.sku_id == cheese.id and cart.problem_key(bad.problems[0].code) == "cart.problem.out_of_stock"
        )
        assert cart.can_check_out and len(cart.valid_lines) == 2
        await cart.remove(cheese.id)
        await cart.set_quantity(big.id, 0)
        assert [ln.sku_id for ln in cart.lines] == [small.id]


async def test_home_shows_the_promotions_running_and_the_stores_best_sellers(app, session):
    store, (small, _big), cheese = await seed_shop(session)
    await create_promotion(
        session, {"type": "threshold", "tiers": [{"threshold": 5000, "off": 500}]}, name_zh="满50减5"
    )
    await session.commit()
    async with in_process(app) as client:
        vm = CatalogVM(client)
        await vm.load_home()
        assert vm.promotions == [] and vm.hot == []  # no store chosen yet
        vm.at_store(store.id)
        await vm.load_home()
        assert [p.name_zh for p in vm.promotions] == ["满50减5"]
        hot = {p.id for p in vm.hot}
        assert small.product_id in hot and cheese.product_id not in hot  # the cheese is out of stock here
        assert vm.available(small.product_id) is True


async def test_pickup_slots_follow_opening_hours_and_start_after_the_picking_lead_time():
    store = StoreOut(
        id=1,
        code="S1",
        status="open",
        region_id=1,
        merchant_id=None,
        name_zh="店",
        name_en="Store",
        city="上海",
        city_tier=1,
        address="南京东路 1 号",
        latitude=31.23,
        longitude=121.47,
        opening_hours=HOURS_ALL_WEEK,
    )
    now = datetime(2026, 11, 23, 5, 10, tzinfo=UTC)  # Monday 13:10 in Shanghai
    slots = pickup_slots(store, now)
    assert slots[0] == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 14:00 local: 13:40 rounded up
    assert slots[1] - slots[0] == timedelta(minutes=30)
    # The last slot of the day ends at closing (21:30–22:00 local = 13:30 UTC); the next day opens 08:00.
    monday = [s for s in slots if s.date() == now.date() and s.hour < 16]
    assert monday[-1] == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    after = slots[len(monday)]
    assert after == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    late = pickup_slots(store, datetime(2026, 11, 23, 13, 45, tzinfo=UTC))  # 21:45 local: too late today
    assert late[0] == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


async def test_checkout_for_pickup_pays_in_the_sandbox_and_the_order_turns_ready_live(live_server, session):
    store, (small, big), _cheese = await seed_shop(session)
    picker = await create_staff(session, ["picker", "clerk"], [store])
    await session.commit()
    async with AsyncClient(live_server.url) as client, AsyncClient(live_server.url) as staff:
        await sign_in(live_server.app, client, "13800000102")
        await staff.auth.staff_login(picker.username, PASSWORD)
        cart = CartVM(client)
        await cart.load(store.id)
        await cart.add(small.id, 1)
        await cart.add(big.id, 2)

        checkout = CheckoutVM(client)
        await checkout.start(await client.stores.get(store.id), cart.total)
        assert checkout.wallet is not None and checkout.slot == checkout.slots[0]
        assert checkout.points_cap == 0 and checkout.due == cart.total
        checkout.choose_slot(checkout.slots[2])
        assert await checkout.place()
        order = checkout.order
        assert order.status == "pending_payment" and order.total == 650 + 2 * 1190
        assert order.pickup_slot_start.replace(tzinfo=UTC) == checkout.slots[2]
        vm = OrderVM(client)
        await vm.load(order.id)
        assert vm.can_pay and vm.pickup is None
        pay_url = await vm.start_payment()
        assert pay_url and "/sandbox/pay/" in pay_url and vm.payment_pending
        assert not await vm.check_payment()  # not confirmed on the pay page yet
        assert vm.error == "order.not_paid_yet"
        await pay_in_sandbox(client, pay_url)
        assert await vm.check_payment() and not vm.payment_pending

        orders = OrdersVM(client)
        await orders.load()
        assert [o.id for o in orders.active] == [order.id] and orders.past == []

        assert vm.order.status == "paid" and vm.steps[vm.step_index] == "paid"
        assert vm.pickup is not None and len(vm.pickup.code) == 6
        assert vm.can_cancel and not vm.can_pay
        vm.watch()
        for _ in range(100):
            if vm.live:
                break
            await asyncio.sleep(0.05)
        changed = asyncio.Event()
        vm.subscribe(lambda: changed.set() if vm.order and vm.order.status == "ready_for_pickup" else None)

        [task] = await staff.orders.picking_tasks(store_id=store.id)
        task = await staff.orders.start_picking(task.id)
        for line in task.lines:
            await staff.orders.scan(task.id, line.barcodes[0], line.quantity)
        await staff.orders.mark_ready(task.id)

        await asyncio.wait_for(changed.wait(), timeout=15)
        assert vm.order.status == "ready_for_pickup" and vm.steps[vm.step_index] == "ready_for_pickup"
        assert vm.pickup is not None and not vm.can_cancel
        png = qr_png(vm.pickup.qr)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        await vm.stop()
        assert not vm.live

        handed = await staff.orders.hand_over(store.id, code=vm.pickup.code)
        assert handed.status == "completed"
        await vm.reload()
        assert vm.order.status == "completed" and vm.can_return
        first = vm.order.lines[0]
        vm.toggle_return(first.id)
        assert vm.refund_estimate == first.line_total
        assert await vm.submit_return()
        [request] = vm.requests
        assert request.order_id == vm.order.id and request.status in ("approved", "pending")
        assert vm.returning == {} and first.id not in [ln.id for ln in vm.returnable_lines]


async def test_an_unpaid_order_is_cancelled_and_delivery_needs_an_address_in_range(app, session):
    store, (small, _big), _cheese = await seed_shop(session)
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000103")
        cart = CartVM(client)
        await cart.load(store.id)
        await cart.add(small.id, 3)
        checkout = CheckoutVM(client)
        await checkout.start(await client.stores.get(store.id), cart.total)
        checkout.choose("delivery")
        assert checkout.problem() == "checkout.need_contact"
        assert not await checkout.place() and checkout.error == "checkout.need_contact"
        checkout.set_address("张三", "13800000103", "上海市浦东新区陆家嘴环路 1000 号", 31.30, 121.60)
        assert checkout.delivery_fee is None and checkout.problem() == "checkout.too_far"
        checkout.set_address("张三", "13800000103", "上海市黄浦区南京东路 300 号", 31.2400, 121.4850)
        distance = checkout.delivery_distance_m
        assert 1000 < distance < 2000 and checkout.delivery_fee == 500 + 100
        assert checkout.order_total == 3 * 650 + 600
        assert await checkout.place()
        assert checkout.order.fulfilment == "delivery" and checkout.order.shipping_fee == 600
        assert checkout.order.total == 3 * 650 + 600

        vm = OrderVM(client)
        await vm.load(checkout.order.id)
        assert vm.can_pay and vm.can_cancel and vm.step_index == -1
        assert await vm.cancel("不要了")
        assert vm.order.status == "cancelled" and not vm.can_cancel and vm.pickup is None


async def test_points_and_stored_value_pay_part_of_an_order_and_the_gateway_the_rest(app, session):
    store, (small, big), _cheese = await seed_shop(session)
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    async with in_process(app) as client, in_process(app) as till:
        member_id = await sign_in(app, client, "13800000108")
        await till.auth.staff_login(cashier.username, PASSWORD)
        await till.members.top_up_at_till(member_id, 1000, "cash", store.id)
        await credit_points(session, member_id, 700)
        cart = CartVM(client)
        await cart.load(store.id)
        await cart.add(big.id, 2)
        checkout = CheckoutVM(client)
        await checkout.start(await client.stores.get(store.id), cart.total)
        assert checkout.wallet.points == 700 and checkout.wallet.stored_value >= 1000
        # Points pay at most half of 23.80 here: 700 points are worth 7.00, all usable.
        assert checkout.points_cap == 700
        checkout.toggle_points(True)
        checkout.toggle_stored_value(True)
        assert checkout.points_amount == 700 and checkout.points_used == 700
        assert checkout.stored_value_amount == checkout.wallet.stored_value
        assert checkout.due == 2380 - 700 - checkout.stored_value_amount
        assert await checkout.place()
        order = checkout.order
        assert order.status == "pending_payment" and order.paid_amount == 2380 - checkout.due
        assert sorted(t.method for t in order.tenders) == ["points", "stored_value"]
        vm = OrderVM(client)
        await vm.load(order.id)
        pay_url = await vm.start_payment()
        assert vm.payment.amount == checkout.due
        await pay_in_sandbox(client, pay_url)
        assert await vm.check_payment() and vm.order.status == "paid"
        wallet = await client.members.wallet()
        assert wallet.points == 0


async def credit_points(session, member_id: int, points: int) -> None:  # type: ignore[no-untyped-def]
    await wallet.earn_points(
        session, member_id, points, "test", f"grant-{member_id}", valid_days=365, note="开卡礼"
    )
    await session.commit()


async def test_the_member_centre_shows_tier_progress_balances_coupons_and_a_fresh_member_code(app, session):
    async with in_process(app) as client:
        member_id = await sign_in(app, client, "13800000104")
        template = await create_template(session, name_zh="满20减3", amount=300, threshold=2000)
        await create_coupon(session, template, member_id)
        await session.commit()
        vm = MemberVM(client)
        await vm.load()
        assert vm.error is None
        assert vm.profile.phone == "13800000104"
        assert vm.wallet.points == 0 and vm.wallet.stored_value == 0
        assert 0.0 <= vm.tier_progress <= 1.0
        assert [c.template_id for c in vm.unused_coupons] == [template.id]
        assert vm.code is None
        await vm.show_code()
        assert vm.code is not None and vm.code.expires_in > 0
        async with in_process(app) as till_client:
            store = await create_store(session)
            cashier = await create_staff(session, ["cashier"], [store])
            await session.commit()
            await till_client.auth.staff_login(cashier.username, PASSWORD)
            assert (await till_client.members.identify(vm.code.code)).id == member_id
            await till_client.members.top_up_at_till(member_id, 10000, "cash", store.id)
        await vm.load()
        assert vm.wallet.stored_value >= 10000
        assert vm.stored_value and vm.stored_value[0].delta >= 10000
        vm.hide_code()
        assert vm.code is None and vm.topup_available


async def test_services_are_booked_rescheduled_and_cancelled_at_the_store(app, session):
    store = await create_store(session, opening_hours=HOURS_24H)
    service = await create_service(session, buffer_min=0, free_cancel_hours=1, cancel_fee=1500)
    day = local_day()
    await create_technician(session, store, shifts=[(day, "09:00", "12:00")])
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000105")
        vm = ServicesVM(client)
        await vm.load(store.id)
        [offered] = vm.services
        assert offered.offering.sku_id == service.sku_id and offered.price == 8800
        assert offered.product.name_zh.startswith("日常保洁")
        await vm.choose(service.sku_id, day)
        assert vm.slots and vm.days[0] == day
        first, second = vm.slots[0].start, vm.slots[1].start
        assert await vm.book(first)
        assert vm.booked.status == "booked" and [b.id for b in vm.upcoming] == [vm.booked.id]
        booking_id = vm.booked.id
        assert vm.cancel_fee(vm.booked) == 0

        await vm.reschedule(booking_id)
        assert vm.rescheduling is not None and vm.chosen.offering.sku_id == service.sku_id
        await vm.find_slots(day)
        assert await vm.book(second)
        assert vm.booked.id == booking_id and vm.booked.start_at == second and vm.rescheduling is None

        assert await vm.cancel(booking_id)
        assert vm.upcoming == [] and vm.bookings[0].status == "cancelled"


async def test_settings_keep_language_notifications_consent_and_delete_the_account(app, session):
    async with in_process(app) as client:
        await sign_in(app, client, "13800000106")
        prefs = MemoryStore()
        vm = SettingsVM(client, prefs)
        await vm.load()
        assert vm.profile.language == "zh-CN" and vm.notifications == {
            "order_status": True,
            "promotions": True,
        }
        await vm.set_language("en")
        assert (await client.members.me()).language == "en"
        await vm.set_notification("promotions", False)
        assert prefs.values[NOTIFY_KEY] == "order_status"
        assert (await client.members.me()).marketing_consent is False
        await vm.set_notification("promotions", True)
        assert (await client.members.me()).marketing_consent is True

        again = SettingsVM(client, prefs)
        await again.load()
        assert again.notifications == {"order_status": True, "promotions": True}

        assert not await vm.delete_account()  # asks first
        assert vm.confirm_delete
        assert await vm.delete_account()
        assert vm.deleted and vm.profile is None
        with pytest.raises(RetailError):
            await client.members.me()


async def test_the_assistant_answers_from_the_shoppers_data_and_hands_over_what_it_cannot(app, session):
    store, (small, _big), _cheese = await seed_shop(session)
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000107")
        chosen = await client.stores.get(store.id)
        vm = AssistantVM(client)
        vm.start("zh-CN", chosen)
        assert len(vm.messages) == 1 and not vm.messages[0].mine

        await vm.send("我的订单到哪了")
        assert vm.messages[-1].text == "您还没有订单。"
        await client.orders.place(
            "pickup",
            store_id=store.id,
            lines=[(small.id, 1)],
            pickup_slot_start=datetime.now(UTC) + timedelta(hours=2),
        )
        await vm.send("我的订单到哪了")
        assert "待支付" in vm.messages[-1].text and "¥6.50" in vm.messages[-1].text
        await vm.send("几点关门？")
        assert "人民广场店" in vm.messages[-1].text and "24 小时营业" in vm.messages[-1].text
        await vm.send("积分有多少")
        assert "0 积分" in vm.messages[-1].text

        await vm.send("我想开发票")
        assert vm.messages[-1].offer_ticket
        await vm.escalate()
        assert vm.ticket is not None and vm.ticket.subject == "我想开发票"
        assert vm.messages[-1].text == f"已为您创建工单 {vm.ticket.id}，客服会尽快联系您。"
        [mine] = await client.tickets.mine()
        assert mine.id == vm.ticket.id
