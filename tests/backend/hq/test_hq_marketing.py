"""HQ creates a promotion from the marketing page, a shopper's quote and a till sale get it at once, and
the page reports its orders, discount and lift."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from backend.core.time import utcnow
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_merchant, create_sku, create_staff, create_store

LOCAL = ZoneInfo("Asia/Shanghai")


def local(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def form(csrf: str, **overrides: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "name": "周末满100减20",
        "kind": "threshold",
        "a": "100",
        "b": "20",
        "scope": "all",
        "online": "true",
        "in_store": "true",
        "starts_at": local(timedelta(minutes=-5)),
        "ends_at": local(timedelta(days=2)),
        **overrides,
    }


async def test_a_promotion_made_on_the_page_prices_carts_and_tills_at_once(client, session):
    store = await create_store(session)
    tea = await create_sku(session, price=6000, name="龙井茶")
    await put_stock(session, store, tea, 20)
    cashier = await staff(client, session, ["cashier"], [store])
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/marketing")

    created = await client.post("/hq/marketing/promotions", data=form(token))
    assert created.status_code == 303, created.text

    quote = await client.post(
        "/api/v1/marketing/quote", json={"store_id": store.id, "lines": [{"sku_id": tea.id, "quantity": 2}]}
    )
    assert quote.status_code == 200, quote.text
    assert quote.json()["subtotal"] == 12_000 and quote.json()["discount_total"] == 2000

    sale = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "lines": [{"sku_id": tea.id, "quantity": 2}],
        "tenders": [{"method": "cash", "amount": 10_000}],
    }
    response = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert response.status_code == 201 and response.json()["total"] == 10_000

    page = await client.get("/hq/marketing")
    assert "周末满100减20" in page.text and "满100.00减20.00" in page.text
    rows = list(
        csv.DictReader(
            io.StringIO((await client.get("/hq/marketing.csv?table=promotions")).text.lstrip("\ufeff"))
        )
    )
    row = next(r for r in rows if r["name"] == "周末满100减20")
    assert (
        row["orders"] == "1"
        and row["discount"] == "20.00"
        and row["sales"] == "100.00"
        and row["state"] == "进行中"
    )
    # Nothing sold before it started: the lift is the whole 100.00, ROI (100 − 20) / 20.
    assert row["lift"] == "100.00" and row["roi"] == "4.00"

    stopped = await client.post(f"/hq/marketing/promotions/{row['id']}/stop", data={"csrf": token})
    assert stopped.status_code == 303
    quote = await client.post(
        "/api/v1/marketing/quote", json={"store_id": store.id, "lines": [{"sku_id": tea.id, "quantity": 2}]}
    )
    assert quote.json()["discount_total"] == 0


async def test_bad_promotion_forms_are_explained_and_franchisees_cannot_create(client, session):
    hq = await create_staff(session, ["hq_admin"])
    merchant = await create_merchant(session)
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/marketing")
    backwards = await client.post(
        "/hq/marketing/promotions", data=form(token, ends_at=local(timedelta(hours=-1)))
    )
    assert backwards.status_code == 422 and "ends_at must be after starts_at" in backwards.text
    unknown = await client.post("/hq/marketing/promotions", data=form(token, scope="skus", codes="NOPE-1"))
    assert unknown.status_code == 422 and "找不到编码：NOPE-1" in unknown.text
    too_much = await client.post("/hq/marketing/promotions", data=form(token, a="10", b="20"))
    assert too_much.status_code == 422 and "off must not exceed threshold" in too_much.text

    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/marketing")
    page = await client.get("/hq/marketing")
    assert page.status_code == 200 and "新建促销" not in page.text
    denied = await client.post("/hq/marketing/promotions", data=form(token))
    assert denied.status_code == 403


async def test_coupon_templates_are_created_and_stopped_on_the_marketing_page(app, client, session, settings):
    from tests.backend.appointments.factories import signed_in_member
    from tests.factories import bearer

    hq = await create_staff(session, ["hq_admin"])
    merchant = await create_merchant(session)
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    _, member_token = await signed_in_member(session, settings)
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/marketing")
    coupon = {
        "csrf": token,
        "name": "满50减10",
        "kind": "threshold",
        "amount": "10",
        "threshold": "50",
        "total": "100",
        "valid_days": "7",
        "online": "true",
    }
    low = await client.post("/hq/marketing/coupon-templates", data={**coupon, "threshold": "5"})
    assert low.status_code == 422 and "threshold must be at least the amount" in low.text
    assert (await client.post("/hq/marketing/coupon-templates", data=coupon)).status_code == 303
    rows = list(
        csv.DictReader(
            io.StringIO((await client.get("/hq/marketing.csv?table=coupons")).text.lstrip("\ufeff"))
        )
    )
    row = next(r for r in rows if r["name"] == "满50减10")
    assert (row["kind"], row["face"], row["threshold"], row["channels"], row["total"]) == (
        "满减券",
        "10.00",
        "50.00",
        "线上",
        "100",
    )
    claimed = await client.post(
        "/api/v1/marketing/coupons/claim", json={"template_id": int(row["id"])}, headers=bearer(member_token)
    )
    assert claimed.status_code == 201, claimed.text
    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, admin)
    franchisee_token = await csrf_of(client, "/hq/marketing")
    assert "新建优惠券模板" not in (await client.get("/hq/marketing")).text
    denied = await client.post(
        f"/hq/marketing/coupon-templates/{row['id']}/stop", data={"csrf": franchisee_token}
    )
    assert denied.status_code == 403
    assert (
        await client.post("/hq/marketing/coupon-templates", data={**coupon, "csrf": franchisee_token})
    ).status_code == 403
    await client.post("/hq/logout", data={"csrf": franchisee_token})
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/marketing")
    assert (
        await client.post(f"/hq/marketing/coupon-templates/{row['id']}/stop", data={"csrf": token})
    ).status_code == 303
    rows = list(
        csv.DictReader(
            io.StringIO((await client.get("/hq/marketing.csv?table=coupons")).text.lstrip("\ufeff"))
        )
    )
    assert next(r for r in rows if r["id"] == row["id"])["active"] == "停用"
