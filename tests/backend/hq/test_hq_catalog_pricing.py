"""商品与价格 through HTTP: HQ schedules a regional price change (refused under cost + margin), sees the
price resolve at its time, cancels it; creates, edits and deletes a near-expiry markdown rule. A franchisee
sees only the changes that reach their stores and can change nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from backend.core.time import utcnow
from tests.backend.hq.factories import csrf_of, hq_login
from tests.factories import create_merchant, create_region, create_sku, create_staff, create_store

LOCAL = ZoneInfo("Asia/Shanghai")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def price_at(client, sku, store, at) -> int:  # type: ignore[no-untyped-def]
    url = f"/api/v1/pricing/price?sku_id={sku.id}&store_id={store.id}&at={quote(at.isoformat())}"
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.json()["price"]


async def test_price_changes_and_markdown_rules_on_the_catalog_page(client, session):
    east, west = await create_region(session, code="EAST"), await create_region(session, code="WEST")
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, region=east, merchant_id=mine.id)
    other = await create_store(session, region=west, merchant_id=theirs.id)
    milk = await create_sku(session, price=1_000, cost_price=600)
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    soon = utcnow() + timedelta(hours=2)

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/catalog")
    form = {
        "csrf": token,
        "name": "华东调价",
        "scope": "region",
        "scope_code": "EAST",
        "effective_at": soon.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M"),
        "items": f"{milk.code}=8.80",
    }
    below = await client.post("/hq/catalog/price-changes", data={**form, "items": f"{milk.code}=5"})
    assert below.status_code == 422 and "价格低于成本加最低毛利" in below.text
    unknown = await client.post("/hq/catalog/price-changes", data={**form, "items": "NOPE=5"})
    assert unknown.status_code == 422 and "找不到 SKU：NOPE" in unknown.text
    made = await client.post("/hq/catalog/price-changes", data=form)
    assert made.status_code == 303, made.text
    west_form = {
        **form,
        "name": "西区调价",
        "scope": "store",
        "scope_code": other.code,
        "items": f"{milk.code}=9.50",
    }
    assert (await client.post("/hq/catalog/price-changes", data=west_form)).status_code == 303
    changes = csv_rows((await client.get("/hq/catalog.csv?table=price_changes")).text)
    east_row = next(r for r in changes if r["name"] == "华东调价")
    assert east_row["status"] == "待生效" and f"{milk.code} ¥8.80" in east_row["items"]
    assert await price_at(client, milk, own, soon + timedelta(minutes=1)) == 880
    assert await price_at(client, milk, own, utcnow()) == 1_000

    cancelled = await client.post(f"/hq/catalog/price-changes/{east_row['id']}/cancel", data={"csrf": token})
    assert cancelled.status_code == 303
    assert await price_at(client, milk, own, soon + timedelta(minutes=1)) == 1_000
    again = await client.post(f"/hq/catalog/price-changes/{east_row['id']}/cancel", data={"csrf": token})
    assert again.status_code == 409

    rule = {"csrf": token, "category": "", "days_left": "3", "percent_off": "30"}
    assert (await client.post("/hq/catalog/markdown-rules", data=rule)).status_code == 303
    assert (
        await client.post("/hq/catalog/markdown-rules", data={**rule, "percent_off": "40"})
    ).status_code == 303
    bad = await client.post("/hq/catalog/markdown-rules", data={**rule, "percent_off": "120"})
    assert bad.status_code == 422 and "折扣力度请填写 1 到 99 之间的数" in bad.text
    rules = csv_rows((await client.get("/hq/catalog.csv?table=markdown_rules")).text)
    assert [(r["category"], r["days_left"], r["off"]) for r in rules] == [("全部品类", "3", "40%")]
    api_rules = (await client.get("/api/v1/pricing/markdown-rules", headers=await _bearer(client, hq))).json()
    assert [(r["days_left"], r["percent_bp"]) for r in api_rules] == [(3, 4000)]

    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/catalog")
    page = await client.get("/hq/catalog")
    assert page.status_code == 200 and "新建计划调价" not in page.text
    names = [r["name"] for r in csv_rows((await client.get("/hq/catalog.csv?table=price_changes")).text)]
    assert names == ["华东调价"]
    west_id = next(r["id"] for r in changes if r["name"] == "西区调价")
    denied = await client.post(f"/hq/catalog/price-changes/{west_id}/cancel", data={"csrf": token})
    assert denied.status_code == 403
    assert (await client.post("/hq/catalog/price-changes", data={**form, "csrf": token})).status_code == 403
    assert (await client.post("/hq/catalog/markdown-rules", data={**rule, "csrf": token})).status_code == 403
    rule_id = rules[0]["id"]
    denied = await client.post(f"/hq/catalog/markdown-rules/{rule_id}/delete", data={"csrf": token})
    assert denied.status_code == 403

    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/catalog")
    assert (
        await client.post(f"/hq/catalog/markdown-rules/{rule_id}/delete", data={"csrf": token})
    ).status_code == 303
    assert csv_rows((await client.get("/hq/catalog.csv?table=markdown_rules")).text) == []


async def _bearer(client, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tests.factories import bearer, staff_token

    return bearer(await staff_token(client, staff))
