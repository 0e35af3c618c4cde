"""The shopper's newer screens in the web app, in headless Chromium against a live backend on a fresh
database: home with the campaigns running now and in-store mode (walking up to the store's beacon
through the radio simulator shows the welcome and the pushed coupon), a group buy opened and its share
code, the member centre's coupons by name, sharing, and a return request with a photo picked in the
browser's file chooser. Screenshots land in test-artifacts/shopper-more/<database>/.
"""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from datetime import timedelta

import pytest
from PIL import Image
from skimage import data as skdata

from backend.core.time import utcnow
from backend.members.models import EventCoupon
from shared.sdk import Client
from tests.apps.shopper.support import live_shop, tab, wait_for_code
from tests.backend.catalog.factories import add_barcode, create_category, create_product
from tests.backend.marketing.factories import create_template
from tests.backend.orders.factories import put_stock
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, expect, foreground_page, open_browser
from tests.factories import HOURS_24H, PASSWORD, create_member, create_staff, create_store

pytestmark = FLET_WEB_E2E

PHONE = "13812348888"
DOOR = str(uuid.uuid4())


@pytest.fixture
async def shop_server(app, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """No quiet hours for welcomes, and the shopper app's beacon radio simulated (no Bluetooth here)."""
    monkeypatch.setenv("OMO_BEACON_SIMULATOR", "1")
    async with live_shop(settings, arrival_quiet_start="00:00", arrival_quiet_end="00:00") as server:
        yield server


async def seed(session):  # type: ignore[no-untyped-def]
    store = await create_store(
        session,
        name_zh="人民广场店",
        name_en="People's Square",
        address="上海市黄浦区南京东路 100 号",
        latitude=31.2312,
        longitude=121.4745,
        opening_hours=HOURS_24H,
    )
    dairy = await create_category(session, name_zh="乳品", name_en="Dairy")
    _milk, skus = await create_product(
        session,
        dairy,
        name_zh="光明纯牛奶",
        name_en="Bright Pure Milk",
        prices=[650, 1190],
        spec_names=["规格"],
        specs=[{"规格": "250ml"}, {"规格": "1L"}],
    )
    for sku, code in ((skus[0], "6901234562001"), (skus[1], "6901234562002")):
        await add_barcode(session, sku, code)
        await put_stock(session, store, sku, 40)
    # Frames with an AR try-on overlay (assets/tryon/glasses_classic.json names this SKU code).
    _frames, [frames] = await create_product(
        session, dairy, name_zh="经典黑框眼镜", name_en="Classic black frames", prices=[19900]
    )
    frames.code = "DEMO-GLASSES-001"
    await put_stock(session, store, frames, 5)
    await create_member(session, phone=PHONE, name="林小满", marketing_consent=True)
    gift = await create_template(
        session, name_zh="到店礼 满30减5", name_en="In-store 5 off 30", amount=500, threshold=3000
    )
    session.add(EventCoupon(event="arrival", template_id=gift.id))
    staff = await create_staff(session, ["picker", "clerk", "cashier", "store_manager"], [store])
    boss = await create_staff(session, ["hq_admin"], [])
    await session.commit()
    return store, skus, staff, boss


def window(hours: float = 24) -> dict[str, str]:
    now = utcnow()
    return {
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=hours)).isoformat(),
    }


def set_up_the_store(server, store_id: int, skus, staff: str, boss: str) -> None:  # type: ignore[no-untyped-def]
    """HQ starts a flash sale, a group buy and a bargain; the store pairs its door beacon; the member
    already has a collected order (placed, paid in the sandbox, picked and handed over)."""
    with Client(server.url) as hq:
        hq.auth.staff_login(boss, PASSWORD)
        hq.campaigns.create_flash_sale(
            name_zh="10点秒杀",
            name_en="10 o'clock flash sale",
            **window(2),
            items=[
                {"store_id": store_id, "sku_id": skus[0].id, "price": 199, "pool": 20, "per_member_limit": 1}
            ],
        )
        hq.campaigns.create_group_buy(
            sku_id=skus[1].id,
            name_zh="牛奶三人团",
            name_en="Milk for three",
            group_price=890,
            group_size=3,
            time_limit_hours=24,
            per_member_limit=2,
            **window(),
        )
        hq.campaigns.create_bargain_deal(
            sku_id=skus[1].id,
            name_zh="砍到9块9",
            name_en="Cut it to 9.9",
            start_price=1190,
            floor_price=990,
            cuts_needed=3,
            duration_hours=24,
            **window(),
        )
    with Client(server.url) as clerk, Client(server.url) as shopper:
        clerk.auth.staff_login(staff, PASSWORD)
        clerk.stores.pair_beacon(store_id, "entrance", uuid=DOOR, major=9, minor=1, label="正门")
        shopper.auth.request_code(PHONE)
        shopper.auth.verify_code(PHONE, server.app.state.sms.last_codes[PHONE])
        order = shopper.orders.place(
            "pickup",
            lines=[(skus[0].id, 2)],
            store_id=store_id,
            pickup_slot_start=(utcnow() + timedelta(hours=2)).isoformat(),
        )
        started = shopper.orders.start_payment(order.id)
        confirm = "/api/v1" + started.pay_url.split("/api/v1", 1)[1] + "/confirm"
        assert shopper.http.post(confirm).status_code == 200
        shopper.payments.sync(int(started.payment_id))
        code = shopper.orders.pickup_code(order.id).code
        [task] = clerk.orders.picking_tasks(store_id=store_id)
        task = clerk.orders.start_picking(task.id)
        for line in task.lines:
            clerk.orders.scan(task.id, line.barcodes[0], line.quantity)
        clerk.orders.mark_ready(task.id)
        assert clerk.orders.hand_over(store_id, code=code).status == "completed"


def photo_file(tmp_dir) -> str:  # type: ignore[no-untyped-def]
    path = tmp_dir / "milk-carton.jpg"
    picture = io.BytesIO()
    Image.fromarray(skdata.astronaut()).resize((480, 360)).save(picture, "JPEG", quality=85)
    path.write_bytes(picture.getvalue())
    return str(path)


def use_the_app(server, artifacts, tmp_dir) -> None:  # type: ignore[no-untyped-def]
    with open_browser() as browser:
        browser.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        app = FlutterPage(foreground_page(browser), artifacts)
        app.open(f"{server.url}/app/shopper")
        app.see("欢迎来到 OMO 商城", timeout_ms=60_000)
        earlier = server.app.state.sms.last_codes.get(PHONE)
        app.fill("手机号", PHONE)
        app.tap("获取验证码")
        app.fill("验证码", wait_for_code(server, PHONE, earlier))
        app.tap("登录")
        app.see("选择附近的门店")
        app.choose("上海 · 人民广场")
        app.tap(re.compile("选择最近的门店：人民广场店"))

        # Home: campaigns running now, and in-store mode.
        app.see("限时活动")
        app.see("牛奶三人团")
        app.see("10点秒杀")
        app.see("到店模式")
        app.screenshot("01-home-campaigns")
        app.tap("开启到店模式")
        app.see("到店礼", timeout_ms=90_000)
        app.see(re.compile("林小满，欢迎"))
        app.see("到店礼 满30减5")
        app.see("满¥30.00减¥5.00")
        app.screenshot("02-instore-welcome")
        app.tap("EN")
        app.see("Welcome gift")
        app.see("In-store 5 off 30")
        app.screenshot("02b-instore-welcome-en")
        app.tap("中文")
        app.see("到店礼 满30减5")
        app.tap("知道了")
        expect(app.text("到店礼 满30减5")).to_have_count(0)

        # A group buy: open it from its tile, start a group, share its code.
        app.page.get_by_text("牛奶三人团").first.click()
        app.see("活动详情")
        app.tap("我要开团")
        app.see("分享码")
        app.see(re.compile(r"已有 1/3 人参团"))
        app.screenshot("03-campaign-group")
        app.tap("返回")
        expect(app.text("活动详情")).to_have_count(0)
        app.see("限时活动")

        # The member centre: coupons by name and terms; the groups and bargains to share.
        tab(app, "我的")
        app.see("会员中心")
        app.see("到店礼 满30减5")
        app.screenshot("04-member-coupons")
        app.text("生日特权").first.scroll_into_view_if_needed()
        app.see("填写生日，生日当月送你生日礼券（生日只能填写一次）。")
        app.screenshot("04b-member-birthday")
        app.tap("拼团砍价")
        app.see("我的拼团")
        app.see(re.compile(r"已有 1/3 人参团"))
        app.screenshot("05-shares")
        app.tap("EN")
        app.see("My groups")
        app.screenshot("05b-shares-en")
        app.tap("中文")
        app.see("我的拼团")
        app.tap("返回")
        expect(app.text("我的拼团")).to_have_count(0)
        app.see("会员码")

        # The referral centre: become a promoter and get a code to share.
        app.tap("推广中心")
        app.tap("立即加入")
        app.see("我的推广码")
        app.see("邀请的好友")
        app.screenshot("05c-referral")
        app.tap("返回")
        expect(app.text("我的推广码")).to_have_count(0)
        app.see("会员码")

        # A return with a photo of the carton, picked in the browser's file chooser.
        tab(app, "订单")
        app.see("历史订单")
        app.page.get_by_text(re.compile("^订单号")).first.click()
        app.see("订单已完成")
        app.page.get_by_role("checkbox").first.click()
        app.see(re.compile("预计退款"))
        with app.page.expect_file_chooser() as chooser:
            app.tap("添加照片")
        chooser.value.set_files(photo_file(tmp_dir))
        app.see("删除照片")
        app.screenshot("06-return-photo")
        app.tap("提交退货申请")
        app.see(re.compile("已附 1 张照片"))
        app.screenshot("07-return-sent")

        # Search with its sort orders and the in-stock filter.
        app.tap("返回")
        expect(app.text("订单已完成")).to_have_count(0)
        tab(app, "首页")
        app.fill("搜索商品", "niunai")
        app.submit("搜索商品")
        app.see("共 1 件商品")
        app.choose("价格↓")
        app.choose("本店有货")
        app.see("共 1 件商品")
        expect(app.button("扫码找商品")).to_be_visible()
        app.screenshot("08-search-sorted")

        # AR try-on: the frames drawn on a photo picked in the file chooser.
        app.fill("搜索商品", "眼镜")
        app.submit("搜索商品")
        app.tap(re.compile("^经典黑框眼镜"))
        app.see("AR 试戴 · 经典黑框眼镜")
        with app.page.expect_file_chooser() as chooser:
            app.tap("选照片试戴")
        face = tmp_dir / "me.jpg"
        Image.fromarray(skdata.astronaut()).save(face, "JPEG", quality=90)
        chooser.value.set_files(str(face))
        expect(app.button("换一张照片")).to_be_visible(timeout=60_000)  # once the picture is back
        expect(app.page.get_by_role("img", name="试戴效果")).to_be_visible()
        app.screenshot("09-tryon")
        assert not app.failed, app.failed


async def test_the_newer_screens_in_the_browser(shop_server, session, test_db, tmp_path):
    store, skus, staff, boss = await seed(session)
    await asyncio.to_thread(set_up_the_store, shop_server, store.id, skus, staff.username, boss.username)
    artifacts = ARTIFACTS / "shopper-more" / test_db.kind
    await asyncio.to_thread(use_the_app, shop_server, artifacts, tmp_path)
