"""The HQ pages in a real browser: sign in, read the dashboard, export a table."""

from __future__ import annotations

import asyncio

import pytest

from backend.inventory.models import Stock
from tests.e2e.browser import ARTIFACTS, chromium_available, open_browser
from tests.factories import PASSWORD, create_sku, create_staff, create_store

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")]


async def test_hq_sign_in_and_dashboard_in_chromium(live_server, session, test_db):
    stores = [
        await create_store(session, name_zh=name, city=city)
        for name, city in [
            ("人民广场店", "上海"),
            ("陆家嘴店", "上海"),
            ("西湖店", "杭州"),
            ("春熙路店", "成都"),
        ]
    ]
    milk = await create_sku(session, cost_price=320)
    session.add_all(
        Stock(store_id=s.id, sku_id=milk.id, on_hand=20 * (i + 1), reorder_point=30)
        for i, s in enumerate(stores)
    )
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    shot = ARTIFACTS / f"hq-dashboard-{test_db.kind}.png"

    def browse() -> dict[str, str]:
        with open_browser(viewport={"width": 1366, "height": 900}) as context:
            page = context.new_page()
            page.goto(live_server.url + "/hq")
            page.get_by_label("用户名").fill(hq.username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(live_server.url + "/hq")
            page.locator(".chart .main-svg").first.wait_for(timeout=20_000)
            page.screenshot(path=str(shot), full_page=True)
            kpis = {
                key: page.locator(f'[data-kpi="{key}"]').inner_text()
                for key in ("stores", "units", "low_lines")
            }
            fonts_ok = page.evaluate("document.fonts.check('16px \"Noto Sans SC\"', '门店')")
            page.get_by_role("link", name="门店").click()
            with page.expect_download() as download:
                page.get_by_role("link", name="导出 CSV").click()
            kpis["csv"] = download.value.suggested_filename
            kpis["fonts"] = str(fonts_ok)
            return kpis

    seen = await asyncio.to_thread(browse)
    assert seen["stores"] == "4" and seen["units"] == f"{20 + 40 + 60 + 80:,}" and seen["low_lines"] == "1"
    assert seen["csv"] == "stores.csv" and seen["fonts"] == "True"
    assert shot.exists()
