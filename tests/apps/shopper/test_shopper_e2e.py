"""The shopper web app as a person uses it: a real backend serving /app/shopper, headless Chromium.

Signs in with a phone and the SMS code (read from the backend's development SMS provider), picks the
nearest store, searches ``niunai``, opens the product, switches to English. Screenshots of every
screen land in test-artifacts/shopper/<database>/.
"""

from __future__ import annotations

import asyncio
import re
import time

from tests.apps.shopper.support import wait_for_code
from tests.backend.catalog.factories import create_category, create_product, set_stock
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, foreground_page, open_browser
from tests.factories import HOURS_ALL_WEEK, create_store

pytestmark = FLET_WEB_E2E

PHONE = "13812345678"
# The Flutter client bundled in flet-web 1.0.5 asks jsDelivr for Rive's wasm runtime at start-up; it
# is not used by these apps and the page works without it. Anything else from outside is a failure.
KNOWN_EXTERNAL = re.compile(r"^https://cdn\.jsdelivr\.net/npm/@rive-app/")


async def seed(session):  # type: ignore[no-untyped-def]
    near = await create_store(
        session,
        name_zh="人民广场店",
        name_en="People's Square",
        address="上海市黄浦区南京东路 100 号",
        latitude=31.2312,
        longitude=121.4745,
        opening_hours=HOURS_ALL_WEEK,
    )
    other = await create_store(
        session,
        name_zh="陆家嘴店",
        name_en="Lujiazui",
        address="上海市浦东新区世纪大道 8 号",
        latitude=31.2397,
        longitude=121.4998,
    )
    await create_store(
        session,
        name_zh="王府井店",
        name_en="Wangfujing",
        city="北京",
        address="北京市东城区王府井大街 1 号",
        latitude=39.9139,
        longitude=116.4103,
    )
    dairy = await create_category(session, name_zh="乳品", name_en="Dairy")
    await create_category(session, name_zh="饮料", name_en="Drinks")
    milk, skus = await create_product(
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
    await create_product(
        session,
        dairy,
        name_zh="蒙牛高钙牛奶",
        name_en="Mengniu High-Calcium Milk",
        brand="蒙牛",
        unit="盒",
        prices=[590],
    )
    await set_stock(session, near, skus[0], 24)
    await set_stock(session, other, skus[1], 5)
    await session.commit()


def use_the_app(server, artifacts) -> dict[str, float]:  # type: ignore[no-untyped-def]
    timings: dict[str, float] = {}
    started = time.monotonic()
    external: list[str] = []
    with open_browser() as browser:
        browser.route(
            re.compile(r"^https?://(?!127\.0\.0\.1)"),
            lambda route: (external.append(route.request.url), route.abort()),
        )
        app = FlutterPage(foreground_page(browser), artifacts)
        app.open(f"{server.url}/app/shopper")
        app.see("欢迎来到 OMO 商城", timeout_ms=60_000)
        timings["first screen"] = time.monotonic() - started
        app.screenshot("01-sign-in")

        app.fill("手机号", PHONE)
        app.tap("获取验证码")
        app.see(re.compile(r"验证码已发送至 138\*\*\*\*5678"))
        app.fill("验证码", wait_for_code(server, PHONE))
        app.screenshot("02-code")
        app.tap("登录")

        app.see("选择附近的门店")
        app.choose("上海 · 人民广场")
        app.see(re.compile("选择最近的门店：人民广场店"))
        app.screenshot("03-onboarding")
        app.tap(re.compile("选择最近的门店：人民广场店"))

        app.see("商品分类")
        app.see("人民广场店")
        app.screenshot("04-home")

        app.fill("搜索商品", "niunai")
        app.submit("搜索商品")
        app.see("共 2 件商品")
        app.see("光明纯牛奶")
        app.see("¥6.50")
        app.see("本店有货")
        app.screenshot("05-search")

        app.tap("光明纯牛奶")
        app.see("商品详情")
        app.see("本店库存 24")
        app.choose("1L")
        app.see("¥11.90")
        app.see("本店缺货")
        app.tap("查看附近门店库存")
        app.see("陆家嘴店")
        app.see("5 件")
        app.screenshot("06-product")

        app.tap("EN")
        app.see("Product")
        app.see("Bright Pure Milk")
        app.screenshot("07-product-en")
        app.tap("Back")
        app.tap("Back")
        app.see("Categories")
        app.screenshot("08-home-en")

        # A reload keeps the sign-in, the store and the language (browser storage via SharedPreferences).
        app.open(f"{server.url}/app/shopper")
        app.see("Categories", timeout_ms=60_000)
        app.see("People's Square")
        app.tap("Sign out")
        app.see("Welcome to OMO Shop")
        timings["whole flow"] = time.monotonic() - started

        unexpected = [u for u in external if not KNOWN_EXTERNAL.match(u)]
        assert not unexpected, f"fetched from outside: {unexpected}"
        # Nothing missing (a 404 for a Noto fallback font would mean a glyph our CJK font lacks).
        assert not app.failed, app.failed
        fonts = {u.rsplit("/app/shopper/", 1)[-1] for u in app.requests if "NotoSans" in u}
        assert fonts == {"fonts/NotoSansSC-Regular.otf", "fonts/NotoSansSC-Bold.otf"}, fonts
        problems = ("Unhandled", "Exception", "Failed to load font", "Could not find a set of Noto fonts")
        assert not [line for line in app.console if any(p in line for p in problems)], app.console
    return timings


async def test_shopper_signs_in_picks_the_nearest_store_and_searches(live_server, session, test_db):
    await seed(session)
    artifacts = ARTIFACTS / "shopper" / test_db.kind
    timings = await asyncio.to_thread(use_the_app, live_server, artifacts)
    print(f"shopper e2e on {test_db.kind}: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    member = live_server.app.state.sms.last_codes
    assert PHONE in member
