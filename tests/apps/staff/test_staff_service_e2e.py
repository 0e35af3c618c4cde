"""The staff web app's service desks in headless Chromium (real backend serving /app/staff, tablet size),
as a store manager who also works as a technician: one-tap markdown on the near-expiry list, member
look-up by phone (masked), beacons heard through the radio simulator bound and verified, and the day's
appointment worked as a work order: parts scanned, quoted, a real photo uploaded through the browser's
file chooser, the customer confirms and pays in their app, the after photo, completed. Screenshots land
in test-artifacts/staff/<database>/."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import httpx
from PIL import Image
from skimage import data as photos

from backend.appointments.models import Booking, TechnicianProfile
from backend.core.time import utcnow
from backend.pricing.days import local_date
from tests.apps.staff.staff_world import ean13
from tests.backend.appointments.factories import create_service, signed_in_member
from tests.backend.inventory.factories import put_stock
from tests.backend.orders.factories import stock_row
from tests.e2e.browser import ARTIFACTS, FLET_WEB_E2E, FlutterPage, foreground_page, open_browser
from tests.factories import PASSWORD, bearer, create_member, create_sku, create_staff, create_store

pytestmark = FLET_WEB_E2E

TABLET = {"width": 1280, "height": 800}


def photo_file(folder: Path, name: str) -> Path:
    path = folder / name
    Image.fromarray(photos.astronaut()).resize((400, 400)).save(path, format="JPEG", quality=85)
    return path


def upload(app: FlutterPage, button: str, path: Path) -> None:
    """Tap an upload button and choose the file in the browser's file chooser."""
    with app.page.expect_file_chooser(timeout=20_000) as chooser:
        app.tap(button)
    chooser.value.set_files(str(path))


def customer_pays(base: str, token: str, work_order_id: int) -> None:
    """The customer accepts the quote and pays it through the sandbox gateway, as their app does."""
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30, headers=bearer(token)) as api:
        confirmed = api.post(f"/appointments/work-orders/{work_order_id}/confirm")
        assert confirmed.status_code == 200, confirmed.text
        started = api.post("/payments", json={"ref_type": "work_order", "ref_id": str(work_order_id)})
        assert started.status_code == 201, started.text
        paid = api.post(started.json()["pay_url"].split("/api/v1", 1)[1] + "/confirm")
        assert paid.status_code == 200, paid.text
        synced = api.post(f"/payments/{started.json()['id']}/sync")
        assert synced.status_code == 200 and synced.json()["status"] == "succeeded", synced.text


def work_the_service_desks(server, artifacts: Path, world: dict) -> None:  # type: ignore[no-untyped-def]
    artifacts.mkdir(parents=True, exist_ok=True)
    with open_browser(viewport=TABLET) as browser:
        app = FlutterPage(foreground_page(browser), artifacts)
        app.open(f"{server.url}/app/staff")
        app.see("门店员工登录", timeout_ms=60_000)
        app.fill("工号", world["username"])
        app.fill("密码", PASSWORD)
        app.tap("登录")
        app.see("徐家汇店 · 今日工作")

        # Near expiry: one tap marks the batch down 30%, the store's price follows.
        app.tap("临期商品")
        app.see(re.compile("批次 M1 · 4 件"))
        app.tap("一键降价 30%")
        app.see("已降价 30% · 现价 ¥8.40")
        app.screenshot("21-expiry-markdown")
        app.tap("返回")

        # Member look-up by phone: masked, the member number shown.
        app.tap("会员查询")
        app.fill("手机号或会员码", world["phone"])
        app.tap("查询")
        app.see(f"会员号 #{world['member_id']}")
        app.see(re.compile(r"手机：\d{3}\*+\d{4}"))
        app.see("个人信息已按岗位脱敏显示")
        app.screenshot("22-member-lookup")
        app.tap("返回")

        # Beacons: hear the nearby ones (radio simulator), bind the nearest, verify it again.
        app.tap("信标配对")
        app.fill("区域", "收银台")
        app.tap("扫描附近信标")
        app.see(re.compile(r"100-1 · 约 \d+\.\d 米"))
        app.tap("绑定到本店")
        app.see(re.compile("验证通过：约"))
        app.see("收银台 · 100-1")
        app.tap("验证")
        app.see(re.compile("验证通过：约"))
        app.screenshot("23-beacons")
        app.tap("返回")

        # The day's appointment worked as a work order.
        app.tap("预约")
        app.see(re.compile(r"技师 #\d+ · ¥50\.00"))
        app.screenshot("24-appointments")
        app.tap("开始工单")
        app.see(re.compile(r"工单 #\d+"))
        app.see("施工中，待报价")
        app.fill("扫描配件条码", world["part_code"])
        app.submit("扫描配件条码")
        app.see(re.compile(r"空调滤网\d* × 1"))
        # Labour typed and entered: Enter sends the quote with the field's text.
        app.fill("工时费（元）", "80")
        app.page.wait_for_timeout(500)
        app.submit("工时费（元）")
        app.see("已报价，待顾客确认")
        app.see(re.compile(r"合计 ¥115\.00"))
        upload(app, "上传施工前照片", photo_file(world["photos"], "before.jpg"))
        app.see("照片：施工前 1 张 · 完工 0 张")
        app.screenshot("25-work-order-quoted")
        title = app.text(re.compile(r"工单 #\d+")).first.text_content() or ""
        found = re.search(r"工单 #(\d+)", title)
        assert found, title
        number = int(found.group(1))
        customer_pays(server.url, world["token"], number)
        upload(app, "上传完工照片", photo_file(world["photos"], "after.jpg"))
        app.see("照片：施工前 1 张 · 完工 1 张")
        app.see("顾客已确认")
        app.tap("完成工单")
        app.see("工单已完成")
        app.screenshot("26-work-order-completed")
        app.tap("EN")
        app.see("Work order completed")
        app.screenshot("27-work-order-en")
        assert not [f for f in app.failed if not f.startswith("4")], app.failed
        problems = ("Unhandled", "Exception", "Failed to load font", "Could not find a set of Noto fonts")
        assert not [line for line in app.console if any(p in line for p in problems)], app.console


async def test_service_desks_in_the_browser(live_server, app, session, test_db, monkeypatch, tmp_path):
    monkeypatch.setenv("OMO_BEACON_SIMULATOR", "1")
    store = await create_store(session, name_zh="徐家汇店", name_en="Xujiahui")
    milk = await create_sku(session, name="鲜牛奶", price=1200)
    await put_stock(
        session, store, milk, 4, batch_no="M1", expires_on=local_date(utcnow()) + timedelta(days=2)
    )
    part_code = ean13()
    part = await create_sku(session, name="空调滤网", price=3500, barcode=part_code)
    await put_stock(session, store, part, 5)
    service = await create_service(session, price=5000, buffer_min=0)
    manager = await create_staff(session, ["store_manager", "technician"], [store])
    session.add(TechnicianProfile(staff_id=manager.id, home_store_id=store.id, skills=["clean"], capacity=1))
    member = await create_member(session, name="赵六")
    customer_id, token = await signed_in_member(session, live_server.app.state.settings)
    now = utcnow().replace(second=0, microsecond=0)
    await session.flush()
    session.add(
        Booking(
            member_id=customer_id,
            offering_id=service.id,
            sku_id=service.sku_id,
            store_id=store.id,
            technician_id=manager.id,
            status="booked",
            start_at=now,
            end_at=now + timedelta(hours=1),
            occupied_from=now,
            occupied_until=now + timedelta(hours=1),
            price=5000,
        )
    )
    world = {
        "username": manager.username,
        "phone": member.phone,
        "member_id": member.id,
        "part_code": part_code,
        "token": token,
        "photos": tmp_path,
    }
    await session.commit()

    artifacts = ARTIFACTS / "staff" / test_db.kind
    await asyncio.to_thread(work_the_service_desks, live_server, artifacts, world)

    # The quoted part left the store's stock when the customer confirmed.
    assert await stock_row(session, store, part) == (4, 0)
