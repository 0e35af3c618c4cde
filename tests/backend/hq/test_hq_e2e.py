"""The HQ pages in a real browser: sign in, read the dashboard, export a table."""

from __future__ import annotations

import asyncio
from pathlib import Path

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
            page.get_by_role("link", name="门店", exact=True).click()
            with page.expect_download() as download:
                page.get_by_role("link", name="导出 CSV").click()
            kpis["csv"] = download.value.suggested_filename
            kpis["fonts"] = str(fonts_ok)
            return kpis

    seen = await asyncio.to_thread(browse)
    assert seen["stores"] == "4" and seen["units"] == f"{20 + 40 + 60 + 80:,}" and seen["low_lines"] == "1"
    assert seen["csv"] == "stores.csv" and seen["fonts"] == "True"
    assert shot.exists()


async def test_hq_runs_a_promotion_approves_a_transfer_and_a_held_order_and_settles_in_chromium(
    app, live_server, client, session, test_db
):
    """Create a promotion in the browser and see a shopper's cart priced by it through the API; approve a
    transfer a store requested; release an order the risk rules held; generate and download a franchise
    settlement; every page screenshotted."""
    from datetime import timedelta

    import httpx
    from sqlalchemy import update

    from backend.core.time import utcnow
    from backend.orders.models import Order
    from backend.payments.config import configure
    from backend.pricing.days import local_date
    from tests.backend.distribution.factories import till_sale
    from tests.backend.orders.factories import ADDRESS, key, put_stock, shopper, staff
    from tests.factories import create_merchant

    configure(app.state.settings)
    merchant = await create_merchant(session, name="浦江加盟", commission_bp=500)
    a = await create_store(session, name_zh="人民广场店", merchant_id=merchant.id)
    b = await create_store(session, name_zh="陆家嘴店")
    tea = await create_sku(session, price=6000, name="龙井茶")
    await put_stock(session, a, tea, 30)
    await put_stock(session, b, tea, 0)
    manager = await staff(client, session, ["store_manager"], [a, b])
    body = {"from_store_id": a.id, "to_store_id": b.id, "lines": [{"sku_id": tea.id, "quantity": 6}]}
    transfer = (await client.post("/api/v1/inventory/transfers", json=body, headers=manager)).json()
    cashier = await staff(client, session, ["cashier"], [a])
    sold = await till_sale(client, cashier, a, [(tea, 1)])
    yesterday = utcnow() - timedelta(days=1)
    await session.execute(
        update(Order)
        .where(Order.id == sold["id"])
        .values(paid_at=yesterday, sold_at=yesterday, completed_at=yesterday)
    )
    _, shopper_headers = await shopper(client, app, session)
    odd = {
        "fulfilment": "shipping",
        "store_id": a.id,
        "address": {**ADDRESS, "latitude": 0.0, "longitude": 0.0},
        "lines": [{"sku_id": tea.id, "quantity": 1}],
    }
    held = (await client.post("/api/v1/orders", json=odd, headers={**shopper_headers, **key()})).json()
    assert held["status"] == "held"
    day = local_date(yesterday).isoformat()
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    shots = ARTIFACTS / "hq" / test_db.kind
    shots.mkdir(parents=True, exist_ok=True)

    def browse() -> dict[str, str]:
        seen: dict[str, str] = {}
        with open_browser(viewport={"width": 1440, "height": 900}) as context:
            page = context.new_page()
            page.goto(live_server.url + "/hq")
            page.get_by_label("用户名").fill(hq.username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(live_server.url + "/hq")
            page.locator(".chart .main-svg").first.wait_for(timeout=20_000)
            page.screenshot(path=str(shots / "01-dashboard.png"), full_page=True)

            page.get_by_role("link", name="营销", exact=True).click()
            page.get_by_label("活动名称").fill("龙井满100减25")
            page.get_by_label("参数一").fill("100")
            page.get_by_label("参数二").fill("25")
            page.get_by_label("开始（北京时间）").fill("2020-01-01T00:00")
            page.get_by_label("结束（北京时间）").fill("2099-01-01T00:00")
            page.screenshot(path=str(shots / "02-new-promotion.png"), full_page=True)
            page.get_by_role("button", name="创建").click()
            page.locator(".flash").wait_for()
            seen["flash"] = page.locator(".flash").inner_text()
            page.screenshot(path=str(shots / "03-promotions.png"), full_page=True)

            page.get_by_role("link", name="库存", exact=True).click()
            row = page.locator('table[data-table="transfers"] tr', has_text="人民广场店")
            row.get_by_role("button", name="批准").click()
            page.locator(".flash").wait_for()
            seen["transfer"] = page.locator(".flash").inner_text()
            seen["transfer_row"] = page.locator('table[data-table="transfers"] tbody').inner_text()
            page.screenshot(path=str(shots / "04-inventory.png"), full_page=True)

            page.get_by_role("link", name="风控审核", exact=True).click()
            page.locator('table[data-table="holds"] tr', has_text=held["number"]).get_by_role(
                "button", name="放行"
            ).click()
            page.locator(".flash").wait_for()
            seen["hold"] = page.locator('table[data-table="holds"] tbody').inner_text()
            page.screenshot(path=str(shots / "05-risk.png"), full_page=True)

            page.get_by_role("link", name="加盟结算", exact=True).click()
            page.get_by_label("开始日期").fill(day)
            page.get_by_label("结束日期").fill(day)
            page.get_by_role("button", name="生成").click()
            page.locator(".flash").wait_for()
            page.screenshot(path=str(shots / "06-franchise.png"), full_page=True)
            with page.expect_download() as download:
                page.locator('table[data-table="statements"]').get_by_role("link", name="PDF").first.click()
            seen["pdf"] = download.value.suggested_filename
            seen["pdf_head"] = Path(download.value.path()).read_bytes()[:4].decode()
        return seen

    seen = await asyncio.to_thread(browse)
    assert "龙井满100减25" in seen["flash"]
    assert f"调拨单 {transfer['id']} 已批准" in seen["transfer"] and "待发货" in seen["transfer_row"]
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        quote = await api.post(
            "/api/v1/marketing/quote", json={"store_id": a.id, "lines": [{"sku_id": tea.id, "quantity": 2}]}
        )
    assert quote.status_code == 200 and quote.json()["discount_total"] == 2500, quote.text
    assert "已放行" in seen["hold"]
    assert seen["pdf"].startswith(f"statement-{merchant.id}-") and seen["pdf_head"] == "%PDF"
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        order = await api.get(f"/api/v1/orders/{held['id']}", headers=shopper_headers)
    assert order.json()["status"] == "pending_payment"
