"""The whole shopping journey in the web app, as a person does it, in headless Chromium against a live
backend on a fresh database:

sign in → the nearest store → search ``niunai`` → the product → two SKUs into the cart → the coupon
applied by itself → checkout for pickup → pay on the sandbox gateway's page → the order turns "ready
for pickup" live when the store marks it (through the API) → the pickup QR (read back and verified by
the till); collected, then a return request; a service booking, the member centre with its member QR,
and the same screens in English.
Screenshots land in test-artifacts/shopper-journey/<database>/.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.catalog.models import Category, Product, Sku
from shared.sdk import Client
from tests.apps.shopper.support import live_shop, tab, wait_for_code
from tests.backend.appointments.factories import create_service, create_technician, local_day
from tests.backend.catalog.factories import add_barcode, create_category, create_product
from tests.backend.marketing.factories import create_coupon, create_promotion, create_template
from tests.backend.orders.factories import put_stock
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, expect, foreground_page, open_browser
from tests.factories import HOURS_24H, HOURS_ALL_WEEK, PASSWORD, create_member, create_staff, create_store

pytestmark = FLET_WEB_E2E

PHONE = "13812340000"


@pytest.fixture
async def shop_server(app, settings):  # type: ignore[no-untyped-def]
    async with live_shop(settings) as server:
        yield server


async def seed(session):  # type: ignore[no-untyped-def]
    near = await create_store(
        session,
        name_zh="人民广场店",
        name_en="People's Square",
        address="上海市黄浦区南京东路 100 号",
        latitude=31.2312,
        longitude=121.4745,
        opening_hours=HOURS_24H,
        phone="021-6350 0000",
    )
    await create_store(
        session,
        name_zh="陆家嘴店",
        name_en="Lujiazui",
        address="上海市浦东新区世纪大道 8 号",
        latitude=31.2397,
        longitude=121.4998,
        opening_hours=HOURS_ALL_WEEK,
    )
    dairy = await create_category(session, name_zh="乳品", name_en="Dairy")
    await create_category(session, name_zh="饮料", name_en="Drinks")
    _milk, skus = await create_product(
        session,
        dairy,
        name_zh="光明纯牛奶",
        name_en="Bright Pure Milk",
        brand="光明",
        unit="盒",
        prices=[650, 1190],
        spec_names=["规格"],
        specs=[{"规格": "250ml"}, {"规格": "1L"}],
    )
    _other, other_skus = await create_product(
        session,
        dairy,
        name_zh="蒙牛高钙牛奶",
        name_en="Mengniu High-Calcium Milk",
        brand="蒙牛",
        unit="盒",
        prices=[590],
    )
    for sku, code in (
        (skus[0], "6901234561001"),
        (skus[1], "6901234561002"),
        (other_skus[0], "6901234561003"),
    ):
        await add_barcode(session, sku, code)
        await put_stock(session, near, sku, 30)
    await create_promotion(
        session,
        {"type": "threshold", "tiers": [{"threshold": 5000, "off": 500}]},
        name_zh="满50减5",
        name_en="5 off 50",
    )
    member = await create_member(session, phone=PHONE, name="林小满")
    coupon = await create_template(
        session, name_zh="新人券 满15减3", name_en="Welcome 3 off 15", amount=300, threshold=1500
    )
    await create_coupon(session, coupon, member.id)
    picker = await create_staff(session, ["picker", "clerk", "cashier"], [near])

    service = await create_service(
        session, buffer_min=0, free_cancel_hours=2, cancel_fee=1000, duration_min=60
    )
    sku = await session.scalar(select(Sku).where(Sku.id == service.sku_id))
    product = await session.scalar(select(Product).where(Product.id == sku.product_id))
    product.name_zh, product.name_en = "家电深度清洗", "Appliance deep clean"
    category = await session.scalar(select(Category).where(Category.id == product.category_id))
    category.name_zh, category.name_en = "生活服务", "Home services"
    await create_technician(session, near, shifts=[(local_day(d), "00:00", "23:59") for d in (0, 1, 2)])
    await session.commit()
    return near, picker


def scan_qr(picture: Path) -> str | None:
    """The text of the QR code in a screenshot, read the way a till camera does (None without OpenCV)."""
    if importlib.util.find_spec("cv2") is None:
        return None
    import cv2

    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(picture)))
    assert text, f"no QR code readable in {picture}"
    return text


def store_marks_ready(server, store_id: int, username: str) -> None:  # type: ignore[no-untyped-def]
    """The store's picker picks the order and marks it ready, through the API (as the staff app does)."""
    with Client(server.url) as staff:
        staff.auth.staff_login(username, PASSWORD)
        [task] = staff.orders.picking_tasks(store_id=store_id)
        task = staff.orders.start_picking(task.id)
        for line in task.lines:
            staff.orders.scan(task.id, line.barcodes[0], line.quantity)
        staff.orders.mark_ready(task.id)


def use_the_app(server, artifacts, store_id: int, picker: str) -> None:  # type: ignore[no-untyped-def]
    with open_browser() as browser:
        browser.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        app = FlutterPage(foreground_page(browser), artifacts)
        app.open(f"{server.url}/app/shopper")
        app.see("欢迎来到 OMO 商城", timeout_ms=60_000)
        app.fill("手机号", PHONE)
        app.tap("获取验证码")
        app.fill("验证码", wait_for_code(server, PHONE))
        app.tap("登录")

        app.see("选择附近的门店")
        app.choose("上海 · 人民广场")
        app.tap(re.compile("选择最近的门店：人民广场店"))
        app.see("商品分类")
        app.screenshot("01-home")

        app.fill("搜索商品", "niunai")
        app.submit("搜索商品")
        app.see("共 2 件商品")
        app.screenshot("02-search")
        app.tap("光明纯牛奶")
        app.see("商品详情")
        app.tap("加入购物车")
        app.see("购物车 1 件")
        app.choose("1L")
        app.see("¥11.90")
        app.tap("加入购物车")
        app.see("购物车 1 件")
        app.tap("加入购物车")
        app.see("购物车 2 件")
        app.screenshot("03-product")

        app.tap("返回")
        expect(app.button("加入购物车")).to_have_count(0)
        app.tap("返回")
        app.see("商品分类")
        tab(app, "购物车")
        app.see("250ml")
        app.see(re.compile("已自动使用优惠券「新人券 满15减3」"))
        # 6.50 + 2 × 11.90 = 30.30, less the 3.00 coupon = 27.30; 凑单 19.70 more for 满50减5.
        app.see("¥27.30")
        app.see(re.compile("再买 ¥19.70 可享「满50减5」"))
        app.screenshot("04-cart")

        app.tap("去结算")
        app.see("确认订单")
        app.see("自提时间")
        app.screenshot("05-checkout")
        app.tap("提交订单")
        app.see("等待付款")

        with app.page.context.expect_page() as opened:
            app.tap(re.compile(r"去支付 ¥27\.30"))
        gateway = opened.value
        gateway.wait_for_load_state()
        expect(gateway.get_by_text("沙箱支付")).to_be_visible()
        expect(gateway.get_by_text("¥27.30")).to_be_visible()
        gateway.screenshot(path=str(artifacts / "06-sandbox-gateway.png"))
        gateway.get_by_role("button", name="确认支付").click()
        expect(gateway.get_by_text("支付成功")).to_be_visible()
        gateway.close()
        app.page.bring_to_front()

        app.tap("我已支付")
        app.see("已支付，门店即将拣货")
        app.see("取货码")
        app.see("实时更新")
        store_marks_ready(server, store_id, picker)
        app.see("可以取货啦", timeout_ms=30_000)
        app.see("到店出示二维码或取货码即可取货")
        shot = app.screenshot("07-order-ready")
        scanned = scan_qr(shot)
        if scanned is not None:  # the till scans the QR on the screen and finds this order
            with Client(server.url) as till:
                till.auth.staff_login(picker, PASSWORD)
                assert till.orders.verify_pickup(store_id, qr=scanned).status == "ready_for_pickup"

        app.tap("EN")
        app.see("Ready: come and collect it")
        app.see("Pickup code")
        app.screenshot("08-order-ready-en")
        app.tap("中文")

        # The shopper collects it at the counter; at home they ask to return the 250ml carton.
        code = app.page.get_by_text(re.compile(r"^\d( \d){5}$")).first.inner_text().replace(" ", "")
        with Client(server.url) as counter:
            counter.auth.staff_login(picker, PASSWORD)
            assert counter.orders.hand_over(store_id, code=code).status == "completed"
        app.see("订单已完成", timeout_ms=30_000)
        app.page.get_by_role("checkbox").first.click()
        app.see(re.compile("预计退款"))
        app.tap("提交退货申请")
        app.see(re.compile("退货申请："))
        app.screenshot("09-return")

        # The order is completed: the shopper rates it, once.
        app.see("评价订单")
        app.tap("5 星")
        app.fill("说说这次购物体验（选填）", "牛奶很新鲜，取货很快")
        app.tap("提交评价")
        app.see("我的评价")
        app.see("牛奶很新鲜，取货很快")
        expect(app.button("提交评价")).to_have_count(0)
        app.screenshot("09b-rating")

        app.tap("返回")
        app.see("历史订单")
        app.screenshot("10-orders")

        tab(app, "我的")
        app.see("会员中心")
        app.tap("服务预约")
        app.see("家电深度清洗")
        app.tap("预约服务")
        app.see("选择时间")
        app.page.get_by_role("checkbox").first.click()
        app.tap(re.compile("^预约 "))
        app.see(re.compile("预约成功"))
        app.see("我的预约")
        app.screenshot("11-services")
        app.tap("返回")
        app.see("会员中心")

        # Stored value topped up online: pay ¥200 on the gateway's page, credited once confirmed.
        app.tap("储值充值")
        app.see("选择充值金额")
        app.page.get_by_text("¥200", exact=True).first.click()
        with app.page.context.expect_page() as opened:
            app.tap("去支付 ¥200.00")
        gateway = opened.value
        gateway.wait_for_load_state()
        expect(gateway.get_by_text("¥200.00", exact=True)).to_be_visible()
        gateway.get_by_role("button", name="确认支付").click()
        expect(gateway.get_by_text("支付成功")).to_be_visible()
        gateway.close()
        app.page.bring_to_front()
        app.see("请在支付页完成付款，付款确认后余额自动到账。")
        app.screenshot("11b-topup-pay")
        app.tap("我已支付")
        app.see("充值成功：到账 ¥200.00")
        app.see("当前余额 ¥200.00")
        app.screenshot("11c-topup-done")
        app.tap("返回")
        expect(app.text("当前余额 ¥200.00")).to_have_count(0)
        app.see("会员中心")
        app.see("¥200.00")
        app.tap("会员码")
        app.see(re.compile("结账时出示给收银员扫码"))
        app.screenshot("12-member")
        app.tap("EN")
        app.see("Member centre")
        app.screenshot("13-member-en")
        tab(app, "Cart")
        app.see("Your cart is empty")
        assert not app.failed, app.failed


async def test_the_shopping_journey_in_the_browser(shop_server, session, test_db):
    store, picker = await seed(session)
    artifacts = ARTIFACTS / "shopper-journey" / test_db.kind
    await asyncio.to_thread(use_the_app, shop_server, artifacts, store.id, picker.username)
