"""Franchise settlement: a period statement per merchant from real till sales, a return at another
merchant's store, discounts funded by HQ and by the merchant and a distribution commission; every
figure is checked by hand and the statements reconcile to the order ledger to the fen. Generation is
idempotent per period; franchisee admins see only their own merchant; CSV and PDF downloads."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select, update

from backend.core.audit import AuditEntry
from backend.core.time import utcnow
from backend.distribution.models import LedgerEntry
from backend.orders.models import Order, Refund
from backend.pricing.days import day_start, local_date
from tests.backend.distribution.factories import return_units, till_sale
from tests.backend.marketing.factories import create_promotion
from tests.backend.orders.factories import put_stock
from tests.factories import (
    bearer,
    create_member,
    create_merchant,
    create_sku,
    create_staff,
    create_store,
    member_token,
    staff_token,
)

API = "/api/v1/franchise"


async def test_statement_figures_reconcile_to_the_order_ledger(
    app, client: httpx.AsyncClient, session
) -> None:  # type: ignore[no-untyped-def]
    m1 = await create_merchant(session, commission_bp=500)
    m2 = await create_merchant(session, commission_bp=800)
    s1 = await create_store(session, merchant_id=m1.id)
    s2 = await create_store(session, merchant_id=m1.id)
    s3 = await create_store(session, merchant_id=m2.id)
    s4 = await create_store(session)  # run by HQ itself
    a = await create_sku(session, price=10_000)
    b = await create_sku(session, price=5_000)
    for store in (s1, s2, s3, s4):
        await put_stock(session, store, a, 10)
        await put_stock(session, store, b, 10)
    merchant_promo = await create_promotion(
        session, {"type": "percent", "percent_bp": 1000}, scope="skus", scope_ids=[a.id]
    )
    await create_promotion(session, {"type": "percent", "percent_bp": 2000}, scope="skus", scope_ids=[b.id])
    hq_staff = await create_staff(session, ["hq_admin"])
    cashier_staff = await create_staff(session, ["cashier"], [s1, s2, s3, s4])
    franchisee_staff = await create_staff(session, ["franchisee_admin"], [s3], merchant_id=m2.id)
    referrer = await create_member(session)
    buyer = await create_member(session)
    await session.commit()
    hq = bearer(await staff_token(client, hq_staff))
    cashier = bearer(await staff_token(client, cashier_staff))
    franchisee = bearer(await staff_token(client, franchisee_staff))
    referrer_h = bearer(await member_token(client, app, referrer.phone))
    buyer_h = bearer(await member_token(client, app, buyer.phone))

    r = await client.put(
        f"{API}/funding",
        json={"kind": "promotion", "ref_id": merchant_promo.id, "funder": "merchant"},
        headers=hq,
    )
    assert r.status_code == 200 and r.json()["funder"] == "merchant", r.text
    r = await client.put(
        f"{API}/funding", json={"kind": "promotion", "ref_id": 999_999, "funder": "hq"}, headers=hq
    )
    assert r.status_code == 404
    code = (await client.post("/api/v1/distribution/me", headers=referrer_h)).json()["code"]
    assert (
        await client.post("/api/v1/distribution/bind", json={"code": code}, headers=buyer_h)
    ).status_code == 201

    o1 = await till_sale(client, cashier, s1, [(a, 2), (b, 1)], member_id=buyer.id)  # 18000 + 4000
    o2 = await till_sale(client, cashier, s2, [(b, 2)])  # 8000
    o3 = await till_sale(client, cashier, s3, [(a, 1)])  # 9000
    o4 = await till_sale(client, cashier, s4, [(b, 1)])  # 4000
    assert [o["total"] for o in (o1, o2, o3, o4)] == [22_000, 8_000, 9_000, 4_000]
    # One unit of A bought at merchant 1's store comes back at merchant 2's store: 90.00 back.
    a_line = next(ln for ln in o1["lines"] if ln["sku_id"] == a.id)
    await return_units(client, cashier, o1, s3, {a_line["id"]: 1})
    # Commission: 5% of 180.00 and of 40.00 = 11.00; after the return 5% of 90.00 + 2.00 = 6.50.
    synced = (await client.post("/api/v1/distribution/sync", headers=hq)).json()
    assert (synced["accrued"], synced["reversed"]) == (1100, 450)

    # The sales happened two days ago (local), inside the period.
    today = local_date(utcnow())
    when = day_start(today - timedelta(days=2)) + timedelta(hours=3)
    ids = [o["id"] for o in (o1, o2, o3, o4)]
    await session.execute(
        update(Order).where(Order.id.in_(ids)).values(paid_at=when, completed_at=when, sold_at=when)
    )
    await session.execute(
        update(Refund).where(Refund.order_id.in_(ids)).values(created_at=when + timedelta(hours=1))
    )
    await session.execute(update(LedgerEntry).values(created_at=when + timedelta(hours=2)))
    await session.commit()
    period = {"period_start": str(today - timedelta(days=3)), "period_end": str(today - timedelta(days=1))}

    r = await client.post(f"{API}/statements", json={"merchant_id": m1.id, **period}, headers=hq)
    assert r.status_code == 201, r.text
    st1 = r.json()
    figures = {
        k: st1[k]
        for k in (
            "orders",
            "gross_sales",
            "discounts_hq",
            "discounts_merchant",
            "shipping",
            "collected",
            "refunds",
            "net_sales",
            "hq_commission",
            "distribution_commissions",
            "payable",
        )
    }
    assert figures == {
        "orders": 2,
        "gross_sales": 20_000 + 5_000 + 10_000,
        "discounts_hq": 1_000 + 2_000,
        "discounts_merchant": 2_000,
        "shipping": 0,
        "collected": 30_000,
        "refunds": 9_000,
        "net_sales": 30_000 + 3_000 - 9_000,
        "hq_commission": 1_200,
        "distribution_commissions": 650,
        "payable": 24_000 - 1_200 - 650,
    }
    by_store = {s["store_id"]: s for s in st1["stores"]}
    assert (by_store[s1.id]["collected"], by_store[s1.id]["refunds"], by_store[s1.id]["net_sales"]) == (
        22_000,
        9_000,
        14_000,
    )
    assert (by_store[s2.id]["collected"], by_store[s2.id]["discounts_hq"], by_store[s2.id]["net_sales"]) == (
        8_000,
        2_000,
        10_000,
    )
    for key in ("gross_sales", "discounts_hq", "discounts_merchant", "collected", "refunds", "net_sales"):
        assert sum(s[key] for s in st1["stores"]) == st1[key]

    st2 = (await client.post(f"{API}/statements", json={"merchant_id": m2.id, **period}, headers=hq)).json()
    assert (st2["gross_sales"], st2["discounts_merchant"], st2["collected"], st2["refunds"]) == (
        10_000,
        1_000,
        9_000,
        0,
    )
    assert (st2["net_sales"], st2["hq_commission"], st2["payable"]) == (9_000, 720, 8_280)

    # Reconciliation with the order ledger: what the merchants' statements and HQ's own store collected
    # is what the orders of the period took; the refunds are the refunds given.
    start, end = day_start(today - timedelta(days=3)), day_start(today)
    order_totals = await session.scalar(
        select(func.sum(Order.total)).where(Order.paid_at >= start, Order.paid_at < end)
    )
    refunds = await session.scalar(
        select(func.sum(Refund.amount)).where(Refund.created_at >= start, Refund.created_at < end)
    )
    await session.commit()
    assert st1["collected"] + st2["collected"] + o4["total"] == order_totals == 43_000
    assert st1["refunds"] + st2["refunds"] == refunds == 9_000

    # Idempotent: the same period gives the same statement, even after more sales are booked into it.
    late = await till_sale(client, cashier, s1, [(b, 1)])
    await session.execute(update(Order).where(Order.id == late["id"]).values(paid_at=when))
    await session.commit()
    again = await client.post(f"{API}/statements", json={"merchant_id": m1.id, **period}, headers=hq)
    assert (
        again.status_code == 200
        and again.json()["id"] == st1["id"]
        and again.json()["payable"] == st1["payable"]
    )
    # Only whole past days.
    r = await client.post(
        f"{API}/statements",
        json={"merchant_id": m1.id, "period_start": str(today), "period_end": str(today)},
        headers=hq,
    )
    assert r.status_code == 422 and r.json()["error"] == "period_not_closed"

    # A franchisee admin sees only their own merchant.
    assert [s["id"] for s in (await client.get(f"{API}/statements", headers=franchisee)).json()] == [
        st2["id"]
    ]
    assert (await client.get(f"{API}/statements/{st1['id']}", headers=franchisee)).status_code == 404
    assert (await client.get(f"{API}/statements/{st2['id']}", headers=franchisee)).status_code == 200
    r = await client.post(f"{API}/statements", json={"merchant_id": m1.id, **period}, headers=franchisee)
    assert r.status_code == 403
    assert [m["id"] for m in (await client.get(f"{API}/merchants", headers=franchisee)).json()] == [m2.id]
    assert (await client.get(f"{API}/statements", headers=cashier)).status_code == 403
    assert len((await client.get(f"{API}/statements", headers=hq)).json()) == 2

    csv_doc = await client.get(f"{API}/statements/{st1['id']}/document?format=csv", headers=hq)
    assert csv_doc.status_code == 200 and csv_doc.headers["content-type"].startswith("text/csv")
    text = csv_doc.content.decode("utf-8-sig")
    assert "应付加盟商 / Payable to merchant,221.50" in text and "总部佣金 / HQ commission,12.00" in text
    pdf_doc = await client.get(f"{API}/statements/{st2['id']}/document?format=pdf", headers=franchisee)
    assert pdf_doc.status_code == 200 and pdf_doc.content.startswith(b"%PDF")
    # The CJK font travels inside the file.
    assert b"/FontFile" in pdf_doc.content and b"NotoSans" in pdf_doc.content
    assert (await client.get(f"{API}/statements/{st1['id']}/document", headers=franchisee)).status_code == 404


async def test_merchants_are_managed_by_hq(app, client: httpx.AsyncClient, session) -> None:  # type: ignore[no-untyped-def]
    hq_staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    hq = bearer(await staff_token(client, hq_staff))
    r = await client.post(
        f"{API}/merchants", json={"code": "FR-9", "name": "杭州加盟商", "commission_bp": 600}, headers=hq
    )
    assert r.status_code == 201, r.text
    merchant = r.json()
    assert (
        await client.post(
            f"{API}/merchants", json={"code": "FR-9", "name": "x", "commission_bp": 1}, headers=hq
        )
    ).status_code == 409
    r = await client.patch(f"{API}/merchants/{merchant['id']}", json={"commission_bp": 700}, headers=hq)
    assert r.json()["commission_bp"] == 700
    r = await client.patch(f"{API}/merchants/{merchant['id']}", json={"commission_bp": 20_000}, headers=hq)
    assert r.status_code == 422
    entries = await session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "merchant"))
    assert sorted(entries) == ["merchant.create", "merchant.update"]
