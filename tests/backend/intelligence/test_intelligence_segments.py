"""Segments: RFM scores from purchases, sleeping members, and a reactivation campaign whose coupons go
out through the marketing engine and whose response (orders after the coupon) is tracked."""

from __future__ import annotations

from datetime import timedelta

from backend.core.time import utcnow
from backend.intelligence.tasks import score_members
from backend.orders.models import Order
from tests.backend.intelligence.factories import sale
from tests.backend.marketing.factories import create_template
from tests.backend.orders.factories import staff
from tests.factories import create_member, create_sku, create_store


async def test_segments_and_reactivation_campaign(client, app, session) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session)
    weekly, lapsed, once, twice, thrice = [await create_member(session) for _ in range(5)]
    now = utcnow()
    for week in range(10):  # buys every week, most recently 2 days ago
        await sale(
            session, sku, now - timedelta(days=2 + 7 * week), member_id=weekly.id, store=store, amount=5000
        )
    for week in range(6):  # bought every week, but not for the last 90 days
        await sale(
            session, sku, now - timedelta(days=90 + 7 * week), member_id=lapsed.id, store=store, amount=8000
        )
    await sale(session, sku, now - timedelta(days=20), member_id=once.id, store=store, amount=1000)
    for member in (twice, thrice):
        await sale(session, sku, now - timedelta(days=10), member_id=member.id, store=store, amount=1500)
    template = await create_template(session, per_member_limit=1, total_quantity=10)
    await session.commit()

    summary = await score_members(session)
    await session.commit()
    assert summary == {"members": 5, "sleeping": 1}

    hq = await staff(client, session, ["hq_admin"], [])
    rows = {r["member_id"]: r for r in (await client.get("/api/v1/intelligence/segments", headers=hq)).json()}
    assert rows[weekly.id]["frequency"] == 10 and rows[weekly.id]["monetary"] == 50000
    assert rows[weekly.id]["recency_days"] == 2 and rows[weekly.id]["usual_interval_days"] == 7.0
    assert rows[weekly.id]["sleeping"] is False and rows[weekly.id]["segment_zh"] == "重要价值"
    assert rows[lapsed.id]["sleeping"] is True and rows[lapsed.id]["churn_risk"] > 0.99
    assert (rows[lapsed.id]["r_score"], rows[lapsed.id]["f_score"], rows[lapsed.id]["m_score"]) == (1, 4, 4)
    assert rows[lapsed.id]["segment"] == "important_recall" and rows[lapsed.id]["segment_zh"] == "重要唤回"
    assert rows[once.id]["usual_interval_days"] is None and rows[once.id]["sleeping"] is False
    sleeping = (
        await client.get("/api/v1/intelligence/segments", params={"sleeping": True}, headers=hq)
    ).json()
    assert [r["member_id"] for r in sleeping] == [lapsed.id]

    response = await client.post(
        "/api/v1/intelligence/campaigns",
        json={"name": "唤醒老客", "template_id": template.id, "audience": "sleeping"},
        headers=hq,
    )
    assert response.status_code == 201, response.text
    campaign = response.json()
    assert (campaign["targets"], campaign["coupons_issued"], campaign["responders"]) == (1, 1, 0)

    # the lapsed member comes back and buys
    session.add(
        Order(
            number="R0001",
            channel="pos",
            fulfilment="in_store",
            status="completed",
            member_id=lapsed.id,
            store_id=store.id,
            subtotal=3000,
            total=3000,
            paid_amount=3000,
            discounts=[],
        )
    )
    await session.commit()
    report = (await client.get(f"/api/v1/intelligence/campaigns/{campaign['id']}", headers=hq)).json()
    assert (report["responders"], report["orders"], report["revenue"], report["response_rate"]) == (
        1,
        1,
        3000,
        1.0,
    )

    bad = await client.post(
        "/api/v1/intelligence/campaigns",
        json={"name": "x", "template_id": template.id, "audience": "segment:nobody"},
        headers=hq,
    )
    assert bad.status_code == 400
    assert (await client.get("/api/v1/intelligence/campaigns/999", headers=hq)).status_code == 404
