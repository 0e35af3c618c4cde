"""Smart transfers and replenishment on the inventory page through HTTP: the plan_stock job's transfer
suggestion approved into a real transfer, a store's suggestions raised as an order draft and the draft
approved, a store's own receipt rejected; a franchisee cannot act on another merchant's stores."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import unquote

from backend.core.time import utcnow
from backend.intelligence.tasks import plan_stock
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.intelligence.factories import sale
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_merchant, create_region, create_sku, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_transfer_suggestions_and_replenishment_drafts(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    region = await create_region(session)
    busy = await create_store(session, region, merchant_id=mine.id, name_zh="繁忙店")
    quiet = await create_store(session, region, merchant_id=theirs.id, name_zh="清闲店")
    sku = await create_sku(session, price=2000, cost_price=1200)
    now = utcnow()
    for day in range(1, 60):
        weekend = (now - timedelta(days=day)).weekday() >= 5
        await sale(session, sku, now - timedelta(days=day), store=busy, quantity=12 if weekend else 8)
        if day % 4 == 0:
            await sale(session, sku, now - timedelta(days=day), store=quiet, quantity=1)
    await put_stock(session, busy, sku, 5)
    await put_stock(session, quiet, sku, 200)
    await session.commit()
    assert (await plan_stock(session))["transfers"] == 1
    await session.commit()
    clerk = await staff(client, session, ["clerk"], [busy])
    manual = await client.post(
        "/api/v1/inventory/documents",
        json={
            "kind": "receipt",
            "store_id": busy.id,
            "supplier": "本地供应商",
            "lines": [{"sku_id": sku.id, "quantity": 3}],
        },
        headers=clerk,
    )
    assert manual.status_code == 201, manual.text
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()

    # The franchisee of the busy store sees neither the suggestion (the other merchant's store sends the
    # stock) nor may approve it, nor raise a draft for the other merchant's store.
    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/inventory")
    assert csv_rows((await client.get("/hq/inventory.csv?table=transfer_suggestions")).text) == []
    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/inventory")
    suggestions = csv_rows((await client.get("/hq/inventory.csv?table=transfer_suggestions")).text)
    assert [(r["from"], r["to"], r["sku"]) for r in suggestions] == [("清闲店", "繁忙店", sku.code)]
    page = await client.get("/hq/inventory")
    suggestion_id = page.text.split("/hq/inventory/transfer-suggestions/")[1].split("/")[0]
    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/inventory")
    denied = await client.post(
        f"/hq/inventory/transfer-suggestions/{suggestion_id}/approve", data={"csrf": token}
    )
    assert denied.status_code == 403
    denied = await client.post(f"/hq/inventory/replenishment/{quiet.id}/draft", data={"csrf": token})
    assert denied.status_code == 403
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/inventory")
    approved = await client.post(
        f"/hq/inventory/transfer-suggestions/{suggestion_id}/approve", data={"csrf": token}
    )
    assert approved.status_code == 303 and "已生成调拨单" in unquote(approved.headers["location"])
    transfers = csv_rows((await client.get("/hq/inventory.csv?table=transfers")).text)
    assert [(r["from"], r["to"], r["status"], r["units"]) for r in transfers] == [
        ("清闲店", "繁忙店", "待发货", suggestions[0]["quantity"])
    ]
    assert csv_rows((await client.get("/hq/inventory.csv?table=transfer_suggestions")).text) == []
    again = await client.post(
        f"/hq/inventory/transfer-suggestions/{suggestion_id}/approve", data={"csrf": token}
    )
    assert again.status_code == 404

    to_order = csv_rows((await client.get("/hq/inventory.csv?table=replenishment")).text)
    assert [r["store"] for r in to_order] == ["繁忙店"]
    drafted = await client.post(f"/hq/inventory/replenishment/{busy.id}/draft", data={"csrf": token})
    assert drafted.status_code == 303
    assert csv_rows((await client.get("/hq/inventory.csv?table=replenishment")).text) == []
    drafts = {
        r["source"]: r for r in csv_rows((await client.get("/hq/inventory.csv?table=receipt_drafts")).text)
    }
    assert set(drafts) == {"智能补货", "门店录入"} and drafts["智能补货"]["units"] == to_order[0]["units"]
    smart, own = drafts["智能补货"]["id"], drafts["门店录入"]["id"]
    assert (
        await client.post(f"/hq/inventory/receipts/{smart}/approve", data={"csrf": token})
    ).status_code == 303
    assert (
        await client.post(f"/hq/inventory/receipts/{own}/reject", data={"csrf": token})
    ).status_code == 303
    statuses = {
        d["id"]: d["status"]
        for d in (
            await client.get("/api/v1/inventory/documents", params={"store_id": busy.id}, headers=clerk)
        ).json()
    }
    assert statuses[int(smart)] == "approved" and statuses[int(own)] == "cancelled"
    assert csv_rows((await client.get("/hq/inventory.csv?table=receipt_drafts")).text) == []
