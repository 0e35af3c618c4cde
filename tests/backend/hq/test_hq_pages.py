from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from backend.core.time import utcnow
from backend.inventory.models import Stock, StockBatch
from tests.factories import PASSWORD, create_merchant, create_sku, create_staff, create_store


async def _login(client, username: str, password: str = PASSWORD):
    return await client.post("/hq/login", data={"username": username, "password": password})


async def test_login_required_and_wrong_password_is_explained(client, session):
    page = await client.get("/hq")
    assert page.status_code == 303 and page.headers["location"] == "/hq/login"
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    wrong = await _login(client, hq.username, "nope")
    assert wrong.status_code == 200 and "用户名或密码错误" in wrong.text


async def test_store_staff_cannot_use_the_hq_pages(client, session):
    clerk = await create_staff(session, ["clerk"], [await create_store(session)])
    await session.commit()
    response = await _login(client, clerk.username)
    assert "不是总部或加盟商账号" in response.text and "omo_hq_access" not in response.cookies


async def test_dashboard_numbers_match_the_database(client, session):
    store_a = await create_store(session, name_zh="人民广场店")
    store_b = await create_store(session, name_zh="陆家嘴店", city="上海")
    milk = await create_sku(session, cost_price=250)
    session.add_all(
        [
            Stock(store_id=store_a.id, sku_id=milk.id, on_hand=10, reserved=0, reorder_point=20),
            Stock(store_id=store_b.id, sku_id=milk.id, on_hand=4, reserved=1, reorder_point=0),
            StockBatch(
                store_id=store_b.id,
                sku_id=milk.id,
                batch_key="B1|x",
                batch_no="B1",
                quantity=4,
                expires_on=(utcnow() + timedelta(days=2)).date(),
            ),
        ]
    )
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    assert (await _login(client, hq.username)).status_code == 303
    page = await client.get("/hq")
    assert page.status_code == 200
    kpi = dict(re.findall(r'data-kpi="(\w+)">([^<]+)<', page.text))
    assert kpi["stores"] == "2" and kpi["units"] == "14"
    assert kpi["stock_value"] == "¥35.00"  # 14 units × 2.50 at cost
    assert kpi["low_lines"] == "1"
    assert kpi["near_expiry"] == "4 / ¥10.00"
    assert "人民广场店" in page.text and "销售趋势" in page.text


async def test_franchisee_sees_only_their_stores(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="自营加盟店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="别家加盟店")
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    await _login(client, admin.username)
    page = await client.get("/hq/stores")
    assert own.name_zh in page.text and other.name_zh not in page.text
    exported = await client.get("/hq/stores.csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == [own.code]


async def test_audit_log_page_and_export(client, session):
    store = await create_store(session)
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    from tests.factories import bearer, staff_token

    token = await staff_token(client, hq)
    await client.patch(f"/api/v1/stores/{store.id}", json={"delivery_radius_m": 2500}, headers=bearer(token))
    await _login(client, hq.username)
    page = await client.get("/hq/audit")
    assert "store.update" in page.text
    exported = await client.get("/hq/audit.csv?table=log")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0]["action"] == "store.update" and "2500" in rows[0]["after"]
    assert rows[0]["actor"] == f"{hq.name} (#{hq.id})"


async def test_logout_needs_the_forms_csrf_token(client, session):
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await _login(client, hq.username)
    forged = await client.post("/hq/logout", data={"csrf": "guess"})
    assert forged.status_code == 403
    page = await client.get("/hq")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    out = await client.post("/hq/logout", data={"csrf": token})
    assert out.status_code == 303
    assert (await client.get("/hq")).status_code == 303


async def test_static_assets_come_from_packages(client):
    assert (await client.get("/hq/vendor/plotly.min.js")).status_code == 200
    assert (await client.get("/hq/fonts/NotoSansSC-Regular.otf")).status_code == 200
    assert (await client.get("/hq/static/hq.css")).status_code == 200
