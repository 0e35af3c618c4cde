"""The staff web app at the till and the stock desks, as a store manager of two stores uses it on a
tablet (real backend serving /app/staff, headless Chromium at 1280×800): a till sale with the
member's code and their coupon, a stocktake with a variance, a transfer between the two stores.
Scans are typed into the scan fields, the path a scanner or camera read takes. Screenshots land in
test-artifacts/staff/<database>/."""

from __future__ import annotations

import asyncio
import re

from tests.apps.staff.staff_world import ean13
from tests.backend.marketing.factories import create_coupon, create_template
from tests.backend.orders.factories import put_stock, stock_row
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, expect, foreground_page, open_browser
from tests.factories import (
    PASSWORD,
    bearer,
    create_member,
    create_sku,
    create_staff,
    create_store,
    member_token,
)

pytestmark = FLET_WEB_E2E

TABLET = {"width": 1280, "height": 800}


def work_the_desks(server, artifacts, username: str, codes: list[str], member_qr: str) -> None:  # type: ignore[no-untyped-def]
    milk, bread = codes
    with open_browser(viewport=TABLET) as browser:
        app = FlutterPage(foreground_page(browser), artifacts)
        app.open(f"{server.url}/app/staff")
        app.see("门店员工登录", timeout_ms=60_000)
        app.fill("工号", username)
        app.fill("密码", PASSWORD)
        app.tap("登录")
        app.see("选择门店")
        app.tap(re.compile("人民广场店"))
        app.see("人民广场店 · 今日工作")

        # The till: two items, the member's code from their phone, cash with change.
        app.tap("收银")
        app.see("请扫描商品")
        for code, seen in ((milk, "¥12.00 × 1"), (milk, "¥12.00 × 2"), (bread, "¥8.00 × 1")):
            app.fill("扫描商品、会员码或小票二维码", code)
            app.submit("扫描商品、会员码或小票二维码")
            app.see(seen)
        app.fill("扫描商品、会员码或小票二维码", member_qr)
        app.page.wait_for_timeout(500)
        app.tap("确认")
        app.see(re.compile("会员："))
        app.see("应收")
        # The member's coupon (满30减3) is in the total before payment, as the sale will charge it.
        app.see(re.compile(r"^-¥3\.00$"))
        app.see(re.compile(r"^¥29\.00$"))
        app.screenshot("11-till-basket")
        # Cash typed and entered: Enter carries the field's text with it.
        app.fill("实收现金（元）", "50")
        app.page.wait_for_timeout(500)
        app.submit("实收现金（元）")
        app.see(re.compile("收款完成"))
        app.see(re.compile("优惠："))
        app.see("找零 ¥21.00")
        app.screenshot("12-till-receipt")
        app.tap("下一位顾客")
        app.tap("返回")

        # A stocktake with a variance: 5 milk on the shelf, 4 counted.
        app.tap("盘点")
        app.fill("货架区域（留空为全店）", "")
        app.tap("开始盘点")
        app.see(re.compile("盘点单 #\\d+ · 盘点中"))
        app.fill("数量", "4")
        app.fill("扫描商品计数", milk)
        app.page.wait_for_timeout(300)
        app.tap("计数")
        app.see("已盘 4 件")
        app.fill("数量", "2")
        app.fill("扫描商品计数", bread)
        app.page.wait_for_timeout(300)
        app.tap("计数")
        app.see("已盘 2 件")
        app.tap("查看差异")
        app.see(re.compile("差异 -1"))
        app.screenshot("13-stocktake-variance")
        app.tap("提交盘点")
        app.see(re.compile("盘点单 #\\d+ · 已提交，待过账"))
        app.tap("过账（调整库存）")
        app.see(re.compile("盘点单 #\\d+ · 已过账"))
        app.tap("返回")

        # A transfer: 陆家嘴店 asks 人民广场店 for bread; it is approved, shipped and received.
        app.tap("切换门店")
        app.tap(re.compile("陆家嘴店"))
        app.see("陆家嘴店 · 今日工作")
        app.tap("调拨")
        app.fill("扫描要调入的商品", bread)
        app.submit("扫描要调入的商品")
        app.see(re.compile("× 1"))
        app.tap("提交调拨申请")
        app.see(re.compile("人民广场店 → 陆家嘴店 · 待批准"))
        app.screenshot("14-transfer-requested")
        app.tap("返回")
        app.tap("切换门店")
        app.tap(re.compile("人民广场店"))
        app.see("人民广场店 · 今日工作")
        app.tap("调拨")
        # Each step waits for the state it acts on, so a tap never lands on the page being left.
        app.see(re.compile("人民广场店 → 陆家嘴店 · 待批准"))
        app.tap("批准")
        app.see(re.compile("人民广场店 → 陆家嘴店 · 已批准"))
        app.tap("发货")
        app.see(re.compile("人民广场店 → 陆家嘴店 · 在途"))
        app.tap("返回")
        app.tap("切换门店")
        app.tap(re.compile("陆家嘴店"))
        app.see("陆家嘴店 · 今日工作")
        app.tap("调拨")
        app.see(re.compile("人民广场店 → 陆家嘴店 · 在途"))
        app.screenshot("15-transfer-arriving")
        app.tap("确认收货")
        # Received: both lists (coming in, going out) are empty, not only the outgoing one.
        expect(app.text("暂无进行中的调拨")).to_have_count(2, timeout=20_000)
        app.tap("EN")
        app.see("No open transfers")
        app.screenshot("16-transfers-en")
        assert not app.failed, app.failed
        problems = ("Unhandled", "Exception", "Failed to load font", "Could not find a set of Noto fonts")
        assert not [line for line in app.console if any(p in line for p in problems)], app.console


async def test_till_stocktake_and_transfer_in_the_browser(live_server, app, client, session, test_db):
    a = await create_store(session, name_zh="人民广场店", name_en="People's Square")
    b = await create_store(session, name_zh="陆家嘴店", name_en="Lujiazui")
    codes = [ean13(), ean13()]
    milk = await create_sku(session, name="光明纯牛奶", price=1200, barcode=codes[0])
    bread = await create_sku(session, name="全麦面包", price=800, barcode=codes[1])
    await put_stock(session, a, milk, 7)
    await put_stock(session, a, bread, 3)
    manager = await create_staff(session, ["store_manager"], [a, b])
    member = await create_member(session, name="王小明")
    template = await create_template(
        session, name_zh="满30减3", name_en="3 off 30", amount=300, threshold=3000
    )
    await create_coupon(session, template, member.id)
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))
    member_qr = (await client.get("/api/v1/members/me/code", headers=headers)).json()["code"]

    artifacts = ARTIFACTS / "staff" / test_db.kind
    await asyncio.to_thread(work_the_desks, live_server, artifacts, manager.username, codes, member_qr)

    # Sold 2 milk + 1 bread; counted milk 4 (of 5 left) and bread 2; 1 bread went to 陆家嘴店.
    assert await stock_row(session, a, milk) == (4, 0)
    assert await stock_row(session, a, bread) == (1, 0)
    assert (await stock_row(session, b, bread))[0] == 1
    coupons = (await client.get("/api/v1/marketing/coupons/mine", headers=headers)).json()
    assert [c["status"] for c in coupons] == ["used"]
