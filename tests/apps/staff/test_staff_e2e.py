"""The staff web app as a picker uses it on a tablet: a real backend serving /app/staff, headless
Chromium at 1280×800. A shopper's paid pickup order is picked by scanning its item (typed into the scan
field, the path a scanner or camera read takes), marked ready, then its pickup code is verified and the
order handed over. Screenshots land in test-artifacts/staff/<database>/.
"""

from __future__ import annotations

import asyncio
import re
import time

from tests.backend.orders.factories import pay, pickup_body, place, put_stock, shopper
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, foreground_page, open_browser
from tests.factories import PASSWORD, create_sku, create_staff, create_store

pytestmark = FLET_WEB_E2E

TABLET = {"width": 1280, "height": 800}
BARCODE = "6901234567892"


def work_the_order(server, artifacts, username: str, place_order) -> dict[str, float]:  # type: ignore[no-untyped-def]
    timings: dict[str, float] = {}
    started = time.monotonic()
    with open_browser(viewport=TABLET) as browser:
        app = FlutterPage(foreground_page(browser), artifacts)
        app.open(f"{server.url}/app/staff")
        app.see("门店员工登录", timeout_ms=60_000)
        timings["first screen"] = time.monotonic() - started
        app.fill("工号", username)
        app.fill("密码", PASSWORD)
        app.screenshot("01-sign-in")
        app.tap("登录")

        app.see("拣货任务")
        app.see("暂无待拣货订单")
        # The shopper orders and pays now: the task appears without a reload (the store's live topic).
        number, code = place_order()
        app.see(number, timeout_ms=30_000)
        app.see("人民广场店 · 今日工作")
        app.screenshot("02-today")
        app.tap(number)

        app.see(f"拣货 {number}")
        app.see("已拣 0 / 1")
        app.fill("扫描或输入条码", "0000000000000")
        app.submit("扫描或输入条码")
        app.see("未知条码，请重新扫描")
        app.fill("扫描或输入条码", BARCODE)
        app.submit("扫描或输入条码")
        app.see("已拣 1 / 1")
        app.see("全部商品已拣完")
        app.screenshot("03-picking")
        app.tap("拣货完成，通知顾客取货")
        app.see("订单已备好，等待顾客取货")
        app.screenshot("04-ready")
        app.tap("返回")

        app.see("暂无待拣货订单")
        app.tap("核销取货码")
        app.fill("取货码", code)
        app.submit("取货码")
        app.see(f"订单 {number}")
        app.see(re.compile("光明纯牛奶"))
        app.screenshot("05-pickup")
        app.tap("确认交付")
        app.see(re.compile(f"已交付，订单 {number} 完成"))
        app.screenshot("06-handed-over")

        app.tap("EN")
        app.see(re.compile(f"Handed over; order {number} is complete"))
        app.tap("Back")
        app.see("Picking tasks")
        app.screenshot("07-today-en")
        timings["whole flow"] = time.monotonic() - started
        assert not app.failed, app.failed
        problems = ("Unhandled", "Exception", "Failed to load font", "Could not find a set of Noto fonts")
        assert not [line for line in app.console if any(p in line for p in problems)], app.console
    return timings


async def test_picker_picks_a_paid_order_and_hands_it_over(
    live_server, app, client, session, test_db, monkeypatch
):
    store = await create_store(session, name_zh="人民广场店", name_en="People's Square")
    milk = await create_sku(session, name="光明纯牛奶", shelf="A-03", barcode=BARCODE)
    await put_stock(session, store, milk, 12)
    picker = await create_staff(session, ["picker"], [store])
    await session.commit()
    _member, headers = await shopper(client, app, session)
    monkeypatch.setenv("OMO_PUBLIC_BASE_URL", live_server.url)
    placed: dict[str, object] = {}
    loop = asyncio.get_running_loop()

    async def order_and_pay() -> tuple[str, str]:
        response = await place(client, headers, pickup_body(store, [(milk, 1)]))
        assert response.status_code == 201, response.text
        order = await pay(client, headers, response.json()["id"])
        placed.update(order)
        code = await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=headers)
        return order["number"], code.json()["code"]

    def place_order() -> tuple[str, str]:
        return asyncio.run_coroutine_threadsafe(order_and_pay(), loop).result(60)

    artifacts = ARTIFACTS / "staff" / test_db.kind
    timings = await asyncio.to_thread(work_the_order, live_server, artifacts, picker.username, place_order)
    order = placed
    print(f"staff e2e on {test_db.kind}: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    response = await client.get(f"/api/v1/orders/{order['id']}", headers=headers)
    assert response.json()["status"] == "completed"
