"""The HQ area pages through HTTP: inventory decisions, catalog and prices, members (masked), jobs; every
table exports as CSV and every page keeps a franchisee inside their merchant's stores."""

from __future__ import annotations

import csv
import io
import re

from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_member, create_merchant, create_sku, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def request_transfer(client, headers, source, target, sku, qty: int) -> int:  # type: ignore[no-untyped-def]
    body = {
        "from_store_id": source.id,
        "to_store_id": target.id,
        "lines": [{"sku_id": sku.id, "quantity": qty}],
    }
    response = await client.post("/api/v1/inventory/transfers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_hq_approves_and_rejects_transfers_from_the_inventory_page(client, session):
    a = await create_store(session, name_zh="人民广场店")
    b = await create_store(session, name_zh="陆家嘴店")
    milk = await create_sku(session, cost_price=300)
    await put_stock(session, a, milk, 40)
    await put_stock(session, b, milk, 0)
    clerk = await staff(client, session, ["clerk", "store_manager"], [a, b])
    first = await request_transfer(client, clerk, a, b, milk, 5)
    second = await request_transfer(client, clerk, a, b, milk, 7)
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)

    page = await client.get("/hq/inventory")
    assert page.status_code == 200
    assert "调拨单" in page.text and f"/hq/inventory/transfers/{first}/approve" in page.text
    # The token the row's own form carries (the one a browser submits).
    form = re.search(
        rf'action="/hq/inventory/transfers/{first}/approve"><input type="hidden" name="csrf" value="([^"]*)"',
        page.text,
    )
    token = form.group(1)
    assert token == await csrf_of(client, "/hq/inventory")
    forged = await client.post(f"/hq/inventory/transfers/{first}/approve", data={"csrf": "x"})
    assert forged.status_code == 403
    done = await client.post(f"/hq/inventory/transfers/{first}/approve", data={"csrf": token})
    assert done.status_code == 303 and "flash=" in done.headers["location"]
    rejected = await client.post(f"/hq/inventory/transfers/{second}/cancel", data={"csrf": token})
    assert rejected.status_code == 303
    statuses = {
        t["id"]: t["status"] for t in (await client.get("/api/v1/inventory/transfers", headers=clerk)).json()
    }
    assert statuses[first] == "approved" and statuses[second] == "cancelled"
    again = await client.post(f"/hq/inventory/transfers/{second}/approve", data={"csrf": token})
    assert again.status_code == 409

    exported = csv_rows((await client.get("/hq/inventory.csv?table=stock")).text)
    row = next(r for r in exported if r["sku"] == milk.code)
    assert (
        row["on_hand"] == "40"
        and row["stores"] == "2"
        and row["stores_out"] == "1"
        and row["value"] == "120.00"
    )
    transfers = csv_rows((await client.get("/hq/inventory.csv?table=transfers")).text)
    assert [(r["id"], r["status"]) for r in transfers] == [(str(first), "待发货")]
    assert (await client.get("/hq/inventory.csv?table=nope")).status_code == 404


async def test_stocktake_is_posted_from_the_inventory_page(client, session):
    store = await create_store(session)
    milk = await create_sku(session, barcode="6901234567892")
    await put_stock(session, store, milk, 10)
    manager = await staff(client, session, ["store_manager"], [store])
    take = (
        await client.post("/api/v1/inventory/stocktakes", json={"store_id": store.id}, headers=manager)
    ).json()
    scan = {"barcode": "6901234567892", "quantity": 8}
    assert (
        await client.post(f"/api/v1/inventory/stocktakes/{take['id']}/scans", json=scan, headers=manager)
    ).is_success
    assert (
        await client.post(f"/api/v1/inventory/stocktakes/{take['id']}/submit", headers=manager)
    ).is_success
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/inventory")
    assert f"/hq/inventory/stocktakes/{take['id']}/post" in (await client.get("/hq/inventory")).text
    posted = await client.post(f"/hq/inventory/stocktakes/{take['id']}/post", data={"csrf": token})
    assert posted.status_code == 303
    rows = (await client.get(f"/api/v1/inventory/skus/{milk.id}/stock", headers=manager)).json()
    assert [r["on_hand"] for r in rows if r["store_id"] == store.id] == [8]


async def test_catalog_members_and_jobs_pages_with_exports(client, session):
    store = await create_store(session)
    await create_sku(session, price=1290, name="鲜牛奶", barcode="6901234567953")
    member = await create_member(session, name="王小明", home_store_id=store.id)
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)

    catalog = await client.get("/hq/catalog")
    assert catalog.status_code == 200 and "鲜牛奶" in catalog.text and "¥12.90" in catalog.text
    products = csv_rows((await client.get("/hq/catalog.csv?table=products")).text)
    row = next(r for r in products if r["name"].startswith("鲜牛奶"))
    assert row["barcodes"] == "1" and row["skus"] == "1" and row["price_from"] == "12.90"

    members = await client.get("/hq/members")
    assert members.status_code == 200
    assert member.phone not in members.text and member.phone[-4:] in members.text
    assert "王小明" not in members.text
    exported = csv_rows((await client.get("/hq/members.csv?table=members")).text)
    assert all(member.phone != r["phone"] for r in exported)

    jobs = await client.get("/hq/jobs")
    assert jobs.status_code == 200 and "orders.cancel_unpaid" in jobs.text and "尚未运行" in jobs.text


async def test_franchisee_pages_stay_inside_their_merchant(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="自营加盟店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="别家加盟店")
    own_sku = await create_sku(session, name="自家货")
    other_sku = await create_sku(session, name="别家货")
    await put_stock(session, own, own_sku, 3)
    await put_stock(session, other, other_sku, 3)
    await create_member(session, home_store_id=other.id, name="别家会员")
    own_member = await create_member(session, home_store_id=own.id)
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    await hq_login(client, admin)
    stock = csv_rows((await client.get("/hq/inventory.csv?table=stock")).text)
    assert [r["sku"] for r in stock] == [own_sku.code]
    members = csv_rows((await client.get("/hq/members.csv?table=members")).text)
    assert [r["id"] for r in members] == [str(own_member.id)]
    audit = await client.get("/hq/audit")
    assert audit.status_code == 200


PAGES = [
    "/hq",
    "/hq/stores",
    "/hq/performance",
    "/hq/catalog",
    "/hq/inventory",
    "/hq/marketing",
    "/hq/campaigns",
    "/hq/distribution",
    "/hq/members",
    "/hq/franchise",
    "/hq/services",
    "/hq/aftersales",
    "/hq/risk",
    "/hq/inspection",
    "/hq/assistant",
    "/hq/jobs",
    "/hq/audit",
]


async def test_every_page_renders_and_every_table_exports_for_hq_and_franchisee(client, session):
    merchant = await create_merchant(session)
    await create_store(session, merchant_id=merchant.id)
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    await session.commit()
    for person in (hq, admin):
        await hq_login(client, person)
        for path in PAGES:
            page = await client.get(path)
            assert page.status_code == 200, (path, page.text[:500])
            for name in re.findall(r'data-table="(\w+)"', page.text):
                if path == "/hq":
                    continue
                exported = await client.get(f"{path}.csv?table={name}")
                assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        token = await csrf_of(client, "/hq")
        await client.post("/hq/logout", data={"csrf": token})


async def test_hq_edits_the_assistants_knowledge_base_and_it_answers_from_it(client, session):
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/assistant")
    form = {
        "csrf": token,
        "question_zh": "可以开发票吗",
        "answer_zh": "可以，在订单详情页申请电子发票。",
        "question_en": "can i get an invoice",
        "answer_en": "Yes, request an e-invoice on the order page.",
        "keywords": "发票 invoice",
    }
    added = await client.post("/hq/assistant/faq", data=form)
    assert added.status_code == 303
    reply = (await client.post("/api/v1/assistant/chat", json={"message": "发票能开吗"})).json()
    assert reply["intent"] == "faq" and "电子发票" in reply["answer"]
    page = await client.get("/hq/assistant")
    faq_id = reply["grounding"]["faq_id"]
    assert "可以开发票吗" in page.text and "发票能开吗" in page.text
    retired = await client.post(f"/hq/assistant/faq/{faq_id}/retire", data={"csrf": token})
    assert retired.status_code == 303
    again = (await client.post("/api/v1/assistant/chat", json={"message": "发票能开吗"})).json()
    assert again["intent"] != "faq"
