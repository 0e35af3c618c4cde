"""门店业绩 through HTTP: HQ records a store's area and sets its monthly target on the page; 坪效, 人效 and
attainment follow from real till sales; a franchisee sees only their stores and cannot set targets."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.core.time import utcnow
from backend.pricing.days import local_date
from backend.stores.models import StoreTarget
from tests.backend.distribution.factories import till_sale
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_merchant, create_sku, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_targets_areas_and_kpis_on_the_performance_page(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="南京路店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="别家店", area_sqm=50)
    tea = await create_sku(session, price=10_000)
    await put_stock(session, own, tea, 10)
    cashier = await staff(client, session, ["cashier"], [own])
    await staff(client, session, ["clerk"], [own])
    await till_sale(client, cashier, own, [(tea, 2)])
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    month = f"{local_date(utcnow()):%Y-%m}"

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/performance")
    page = await client.get("/hq/performance")
    assert page.status_code == 200 and "设置月度销售目标" in page.text and "南京路店" in page.text
    area = await client.post(
        "/hq/performance/areas", data={"csrf": token, "store": own.code, "area_sqm": "100"}
    )
    assert area.status_code == 303
    target = {"csrf": token, "store": own.code, "month": month, "amount": "400"}
    assert (await client.post("/hq/performance/targets", data=target)).status_code == 303
    bad = await client.post("/hq/performance/targets", data={**target, "amount": "-5"})
    assert bad.status_code == 422 and "目标金额必须大于 0" in bad.text
    unknown = await client.post("/hq/performance/targets", data={**target, "store": "NOPE"})
    assert unknown.status_code == 422 and "找不到门店：NOPE" in unknown.text

    rows = {r["code"]: r for r in csv_rows((await client.get("/hq/performance.csv?table=stores")).text)}
    row = rows[own.code]
    assert (row["area_sqm"], row["staff"], row["sales"], row["orders"]) == ("100", "2", "200.00", "1")
    assert (row["per_sqm"], row["per_staff"], row["target"], row["attainment"]) == (
        "2.00",
        "100.00",
        "400.00",
        "0.5",
    )
    assert rows[other.code]["per_sqm"] == "0.00" and rows[other.code]["target"] == ""
    stored = await session.scalar(select(StoreTarget).where(StoreTarget.store_id == own.id))
    assert stored is not None and stored.amount == 40_000 and stored.month.day == 1
    actions = set(await session.scalars(select(AuditEntry.action).where(AuditEntry.store_id == own.id)))
    assert {"store.target", "store.update"} <= actions
    await session.commit()
    assert 'data-kpi="attainment">50.0%' in (await client.get(f"/hq/performance?month={month}")).text

    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/performance")
    page = await client.get("/hq/performance")
    assert "设置月度销售目标" not in page.text and "别家店" not in page.text
    assert [r["code"] for r in csv_rows((await client.get("/hq/performance.csv?table=stores")).text)] == [
        own.code
    ]
    denied = await client.post("/hq/performance/targets", data={**target, "store": other.code, "csrf": token})
    assert denied.status_code == 403
    denied = await client.post(
        "/hq/performance/areas", data={"csrf": token, "store": other.code, "area_sqm": "9"}
    )
    assert denied.status_code == 403
