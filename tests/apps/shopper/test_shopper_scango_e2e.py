"""Scan-and-go in the web app, in headless Chromium against a live backend on a fresh database: a typed
barcode and a barcode photo (picked in the file chooser, decoded by zbar) fill the list, a quantity is
changed, the list is paid on the sandbox page, and the exit pass shows; the store's staff accept it.
Screenshots land in test-artifacts/shopper-scango/<database>/.
"""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from PIL import Image
from skimage import data as skdata

from shared.sdk import Client
from tests.apps.shopper.support import live_shop, wait_for_code
from tests.backend.catalog.factories import add_barcode, create_category, create_product
from tests.backend.orders.factories import put_stock
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, expect, foreground_page, open_browser
from tests.factories import HOURS_24H, PASSWORD, create_member, create_staff, create_store
from tests.shared.devices.barcode_samples import render_symbol

pytestmark = FLET_WEB_E2E

PHONE = "13812349999"
MILK, BREAD = "6901234563009", "6901234563016"


@pytest.fixture
async def shop_server(app, settings):  # type: ignore[no-untyped-def]
    async with live_shop(settings) as server:
        yield server


async def seed(session):  # type: ignore[no-untyped-def]
    store = await create_store(
        session,
        name_zh="人民广场店",
        name_en="People's Square",
        latitude=31.2312,
        longitude=121.4745,
        opening_hours=HOURS_24H,
    )
    food = await create_category(session, name_zh="早餐", name_en="Breakfast")
    _milk, [milk] = await create_product(
        session, food, name_zh="光明纯牛奶", name_en="Bright Pure Milk", prices=[650]
    )
    _bread, [bread] = await create_product(
        session, food, name_zh="全麦吐司", name_en="Wholemeal Toast", prices=[1290]
    )
    for sku, code in ((milk, MILK), (bread, BREAD)):
        await add_barcode(session, sku, code)
        await put_stock(session, store, sku, 20)
    await create_member(session, phone=PHONE, name="林小满")
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    return store, clerk


def barcode_photo(tmp_dir) -> str:  # type: ignore[no-untyped-def]
    """A photo of the toast's EAN-13 on a real picture."""
    scene = Image.fromarray(skdata.coffee()).convert("L").resize((900, 700))
    scene.paste(Image.fromarray(render_symbol("ean13", BREAD)), (120, 160))
    path = tmp_dir / "toast-barcode.jpg"
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return str(path)


def use_the_app(server, artifacts, tmp_dir) -> str:  # type: ignore[no-untyped-def]
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

        app.page.get_by_text("扫码购 · 边逛边扫，扫完即走").first.click()
        app.see("还没有商品，扫一扫货架上商品的条码吧")
        app.fill("输入条码", MILK)
        app.tap("加入")
        app.see("光明纯牛奶")
        with app.page.expect_file_chooser() as chooser:
            app.tap("拍条码")
        chooser.value.set_files(barcode_photo(tmp_dir))
        app.see("全麦吐司", timeout_ms=30_000)
        app.page.get_by_role("button", name="增加").first.click()
        app.see("共 3 件")
        app.see(re.compile(r"去支付 ¥25\.90"))
        app.screenshot("01-scango-list")

        with app.page.context.expect_page() as opened:
            app.tap(re.compile(r"去支付 ¥25\.90"))
        gateway = opened.value
        gateway.wait_for_load_state()
        expect(gateway.get_by_text("¥25.90")).to_be_visible()
        gateway.get_by_role("button", name="确认支付").click()
        expect(gateway.get_by_text("支付成功")).to_be_visible()
        gateway.close()
        app.page.bring_to_front()
        app.tap("我已支付")
        app.see("出店凭证")
        app.see("已支付 ¥25.90")
        app.see("出门时请向店员出示此二维码")
        number = app.text(re.compile(r"^订单号 \d+")).first.inner_text().removeprefix("订单号 ").strip()
        app.screenshot("02-scango-exit-pass")
        app.tap("EN")
        app.see("Exit pass")
        app.screenshot("02b-scango-exit-pass-en")
        assert not app.failed, app.failed
        return number


def staff_check(server, store_id: int, clerk: str, number: str) -> None:  # type: ignore[no-untyped-def]
    with Client(server.url) as door:
        door.auth.staff_login(clerk, PASSWORD)
        order = door.orders.check_exit_pass(store_id, f"OMO-EXIT:{number}")
        assert order.status == "completed" and order.channel == "scan_go"


async def test_scan_and_go_in_the_browser(shop_server, session, test_db, tmp_path):
    store, clerk = await seed(session)
    artifacts = ARTIFACTS / "shopper-scango" / test_db.kind
    number = await asyncio.to_thread(use_the_app, shop_server, artifacts, tmp_path)
    await asyncio.to_thread(staff_check, shop_server, store.id, clerk.username, number)
