"""The newer HQ pages in a real browser: set a store's monthly target and see 坪效/人效 and attainment,
create a flash sale, approve a smart-transfer suggestion, read the RFM segments, answer a ticket; every
page screenshotted."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.browser import ARTIFACTS, chromium_available, open_browser
from tests.factories import PASSWORD, create_sku, create_staff, create_store

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")]


async def test_hq_targets_flash_sale_transfers_segments_and_tickets_in_chromium(
    app, live_server, client, session, settings, test_db
):
    from backend.core.time import utcnow
    from backend.intelligence.tasks import plan_stock, score_members
    from backend.payments.config import configure
    from backend.pricing.days import local_date
    from tests.backend.appointments.factories import signed_in_member
    from tests.backend.distribution.factories import till_sale
    from tests.backend.intelligence.factories import sale
    from tests.backend.orders.factories import put_stock, staff
    from tests.factories import bearer, create_member, create_region

    configure(app.state.settings)
    region = await create_region(session)
    busy = await create_store(session, region, name_zh="人民广场店", area_sqm=120)
    quiet = await create_store(session, region, name_zh="陆家嘴店", area_sqm=80)
    tea = await create_sku(session, price=6000, cost_price=3000, name="龙井茶")
    now = utcnow()
    members = [await create_member(session, home_store_id=busy.id) for _ in range(6)]
    for day in range(1, 60):
        weekend = (now - timedelta(days=day)).weekday() >= 5
        await sale(session, tea, now - timedelta(days=day), store=busy, quantity=12 if weekend else 8)
        if day % 4 == 0:
            await sale(session, tea, now - timedelta(days=day), store=quiet, quantity=1)
    for i, member in enumerate(members):
        for week in range(2 + i):
            days = 3 + 7 * week + (100 if i % 2 else 0)
            await sale(session, tea, now - timedelta(days=days), member_id=member.id, store=busy, amount=6000)
    await put_stock(session, busy, tea, 15)
    await put_stock(session, quiet, tea, 200)
    cashier = await staff(client, session, ["cashier"], [busy])
    await staff(client, session, ["clerk"], [busy])
    for qty in (3, 5, 2):
        await till_sale(client, cashier, busy, [(tea, qty)])
    await session.commit()
    await plan_stock(session)
    await score_members(session)
    await session.commit()
    _, token = await signed_in_member(session, settings)
    await session.commit()
    ticket = await client.post(
        "/api/v1/tickets",
        json={
            "category": "delivery",
            "subject": "配送超时",
            "body": "两小时还没到，请帮忙催一下",
            "store_id": busy.id,
        },
        headers=bearer(token),
    )
    assert ticket.status_code == 201, ticket.text
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    month = f"{local_date(now):%Y-%m}"
    start = (now - timedelta(minutes=5)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    end = (now + timedelta(hours=3)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
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

            page.get_by_role("link", name="门店业绩", exact=True).click()
            form = page.locator("#form-target")
            form.locator("select[name=store]").select_option(busy.code)
            form.get_by_label("月份（年-月）").fill(month)
            form.get_by_label("目标金额（元）").fill("1000")
            form.get_by_role("button", name="保存").click()
            page.locator(".flash").wait_for()
            page.locator(".chart .main-svg").first.wait_for(timeout=20_000)
            seen["attainment"] = page.locator('[data-kpi="attainment"]').inner_text()
            seen["per_staff"] = page.locator('[data-kpi="per_staff"]').inner_text()
            page.screenshot(path=str(shots / "10-performance.png"), full_page=True)

            page.get_by_role("link", name="秒杀与拼团", exact=True).click()
            form = page.locator("#form-flash_sale")
            form.get_by_label("场次名称").fill("午间秒杀")
            form.get_by_label("门店编码（逗号分隔）").fill(quiet.code)
            form.get_by_label("SKU 编码").fill(tea.code)
            form.get_by_label("秒杀价（元）").fill("29.9")
            form.get_by_label("每店库存池（件）").fill("10")
            form.get_by_label("开始（北京时间）").fill(start)
            form.get_by_label("结束（北京时间）").fill(end)
            form.get_by_role("button", name="创建").click()
            page.locator(".flash").wait_for()
            seen["flash_rows"] = page.locator('table[data-table="flash_sales"] tbody').inner_text()
            page.screenshot(path=str(shots / "11-campaigns.png"), full_page=True)

            page.get_by_role("link", name="库存", exact=True).click()
            page.screenshot(path=str(shots / "12-inventory-suggestions.png"), full_page=True)
            page.locator('table[data-table="transfer_suggestions"] tr', has_text="陆家嘴店").get_by_role(
                "button", name="批准调拨"
            ).click()
            page.locator(".flash").wait_for()
            seen["transfer"] = page.locator(".flash").inner_text()
            seen["transfers"] = page.locator('table[data-table="transfers"] tbody').inner_text()

            page.get_by_role("link", name="会员", exact=True).click()
            seen["segments"] = page.locator('table[data-table="segments"] tbody').inner_text()
            page.screenshot(path=str(shots / "13-members.png"), full_page=True)

            page.get_by_role("link", name="商品与价格", exact=True).click()
            form = page.locator("#form-price_change")
            form.get_by_label("名称").fill("华东春季调价")
            form.locator("select[name=scope]").select_option("region")
            form.get_by_label("区域 / 门店编码或城市等级").fill(region.code)
            form.get_by_label("生效（北京时间）").fill(end)
            form.get_by_label("SKU 编码=新价（元），逗号分隔").fill(f"{tea.code}=55")
            form.get_by_role("button", name="计划").click()
            page.locator(".flash").wait_for()
            seen["changes"] = page.locator('table[data-table="price_changes"] tbody').inner_text()
            page.screenshot(path=str(shots / "15-catalog.png"), full_page=True)

            page.get_by_role("link", name="分销", exact=True).click()
            page.screenshot(path=str(shots / "16-distribution.png"), full_page=True)

            page.get_by_role("link", name="售后", exact=True).click()
            page.get_by_role("link", name="查看 / 回复").first.click()
            page.get_by_label("内容").fill("非常抱歉，已联系骑手，十分钟内送达。")
            page.get_by_role("button", name="发送").click()
            page.locator(".flash").wait_for()
            seen["thread"] = page.locator("ol.thread").inner_text()
            page.screenshot(path=str(shots / "14-ticket.png"), full_page=True)
        return seen

    seen = await asyncio.to_thread(browse)
    # 10 tins × 60.00 = 600.00 against a 1,000.00 target; two staff at the store.
    assert seen["attainment"] == "60.0%" and seen["per_staff"] == "300.00"
    assert "午间秒杀" in seen["flash_rows"] and "进行中" in seen["flash_rows"]
    assert (
        "已生成调拨单" in seen["transfer"]
        and "陆家嘴店" in seen["transfers"]
        and "待发货" in seen["transfers"]
    )
    assert "重要价值" in seen["segments"] or "沉睡" in seen["segments"]
    assert "华东春季调价" in seen["changes"] and "¥55.00" in seen["changes"] and "待生效" in seen["changes"]
    assert "两小时还没到" in seen["thread"] and "十分钟内送达" in seen["thread"]
