"""Loyalty as data: earn rules, the tier discount at every channel, event coupons (sign-up, birthday), the
points mall and merging two accounts without losing a balance."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.marketing.models import Coupon
from backend.members.loyalty import EarnLine, points_for
from backend.members.models import EarnRule, Member
from backend.members.tasks import birthday
from tests.backend.marketing.factories import create_coupon, create_promotion, create_template
from tests.backend.members.factories import balances, give_points, hq, top_up
from tests.backend.orders.factories import member_code, pickup_body, place, put_stock, shopper, staff
from tests.factories import create_member, create_sku, create_store

AT = datetime(2026, 6, 18, 4, 0, tzinfo=UTC)


def _rule(**fields: object) -> EarnRule:
    return EarnRule(**{"active": True, "name": "rule", "channel": None, "category_id": None, **fields})


def test_points_follow_the_rate_the_category_the_campaign_and_the_tier_and_floor_once():
    lines = [EarnLine(12345, 1), EarnLine(9999, 2)]
    # 1 point per yuan: 123.45 + 99.99 = 223.44 -> 223 (floored once, not per line).
    assert points_for(lines, [], points_per_yuan=1, tier_multiplier_bp=10000, channel="online", at=AT) == 223
    rules = [
        _rule(kind="category", category_id=2, multiplier_bp=20000),
        _rule(kind="category", category_id=2, multiplier_bp=15000),
        _rule(
            kind="campaign",
            multiplier_bp=30000,
            channel="in_store",
            starts_at=datetime(2026, 6, 18, tzinfo=UTC),
            ends_at=datetime(2026, 6, 19, tzinfo=UTC),
        ),
        _rule(
            kind="campaign",
            multiplier_bp=50000,
            starts_at=datetime(2026, 7, 1, tzinfo=UTC),
            ends_at=datetime(2026, 7, 2, tzinfo=UTC),
        ),
    ]
    # Online: the in-store campaign and the July one do not apply; category 2 doubles (highest rule).
    assert points_for(lines, rules, points_per_yuan=1, tier_multiplier_bp=10000, channel="online", at=AT) == (
        (12345 + 9999 * 2) // 100
    )
    # In store on 18 June: the campaign triples everything; 金卡 1.5x on top.
    expected = (12345 * 3 * 15 + 9999 * 2 * 3 * 15) // (100 * 10)
    assert (
        points_for(lines, rules, points_per_yuan=1, tier_multiplier_bp=15000, channel="in_store", at=AT)
        == expected
    )


async def test_the_tier_discount_applies_online_and_at_the_till_on_lines_without_a_promotion(
    app, client, session
):
    store = await create_store(session)
    plain = await create_sku(session, price=10000)
    promoted = await create_sku(session, price=10000)
    await put_stock(session, store, plain, 10)
    await put_stock(session, store, promoted, 10)
    await create_promotion(
        session, {"type": "percent", "percent_bp": 1000}, scope="skus", scope_ids=[promoted.id]
    )
    cashier = await staff(client, session, ["cashier"], [store])
    admin = await hq(client, session)
    member_id, member = await shopper(client, app, session)
    tiers = [
        {"code": "silver", "name_zh": "银卡", "name_en": "Silver", "min_spend_12m": 1, "discount_bp": 0},
        {"code": "gold", "name_zh": "金卡", "name_en": "Gold", "min_spend_12m": 10000, "discount_bp": 200},
    ]
    assert (await client.put("/api/v1/members/tiers", json=tiers, headers=admin)).status_code == 200
    # A till sale of 100 yuan makes the member 金卡 at once (tiers are recomputed on every order).
    sale = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "member_id": member_id,
        "lines": [{"sku_id": plain.id, "quantity": 1}],
        "tenders": [{"method": "cash", "amount": 10000}],
    }
    first = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert first.status_code == 201 and first.json()["total"] == 10000, first.text
    wallet = (await client.get("/api/v1/members/me/wallet", headers=member)).json()
    assert wallet["tier"]["code"] == "gold"

    lines = [(plain, 1), (promoted, 1)]
    online = await place(client, member, pickup_body(store, lines))
    assert online.status_code == 201, online.text
    by_sku = {ln["sku_id"]: ln for ln in online.json()["lines"]}
    assert [d["rule"] for d in by_sku[plain.id]["discounts"]] == ["金卡 9.8折 / Gold member price"]
    assert by_sku[plain.id]["line_total"] == 9800
    assert by_sku[promoted.id]["line_total"] == 9000, "a promoted line gets no tier discount"
    till = await client.post(
        "/api/v1/pos/sales",
        json={**sale, "client_id": uuid.uuid4().hex, "tenders": [{"method": "cash", "amount": 20000}]},
        headers=cashier,
    )
    assert till.status_code == 201 and till.json()["total"] == 9800, till.text


async def test_sign_up_and_birthday_coupons_are_issued_once(app, client, session):
    welcome = await create_template(session, kind="fixed", amount=500, threshold=0)
    cake = await create_template(session, kind="fixed", amount=1000, threshold=0, per_member_limit=1)
    admin = await hq(client, session)
    rows = [{"event": "signup", "template_id": welcome.id}, {"event": "birthday", "template_id": cake.id}]
    assert (await client.put("/api/v1/members/event-coupons", json=rows, headers=admin)).status_code == 200

    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    await client.post("/api/v1/auth/otp/request", json={"phone": phone})
    code = app.state.sms.last_codes[phone]
    assert (
        await client.post("/api/v1/auth/otp/verify", json={"phone": phone, "code": code})
    ).status_code == 200
    async with app.state.db.sessionmaker() as check:
        new = await check.scalar(select(Member).where(Member.phone == phone))
        assert new is not None
        held = list(await check.scalars(select(Coupon).where(Coupon.member_id == new.id)))
        assert [c.template_id for c in held] == [welcome.id]

    today = date.today()
    born = await create_member(session, birthday=date(1990, today.month, 1))
    other = await create_member(session, birthday=date(1990, today.month % 12 + 1, 1))
    await session.commit()
    async with app.state.db.sessionmaker() as job:
        first = await birthday(job)
        await job.commit()
    async with app.state.db.sessionmaker() as job:
        again = await birthday(job)
        await job.commit()
    assert first["coupons_issued"] >= 1 and again == {"coupons_issued": 0}
    async with app.state.db.sessionmaker() as check:
        got = list(await check.scalars(select(Coupon.member_id).where(Coupon.template_id == cake.id)))
        assert born.id in got and other.id not in got
        assert got.count(born.id) == 1


async def test_the_points_mall_takes_points_within_stock_and_the_per_member_limit(app, client, session):
    admin = await hq(client, session)
    template = await create_template(session, kind="fixed", amount=500, threshold=0, total_quantity=10)
    alice_id, alice = await shopper(client, app, session)
    bob_id, bob = await shopper(client, app, session)
    await give_points(session, alice_id, 1000)
    await give_points(session, bob_id, 250)
    await session.commit()
    item = {
        "name_zh": "5元券",
        "name_en": "5 yuan off",
        "kind": "coupon",
        "template_id": template.id,
        "points": 300,
        "stock": 2,
        "per_member_limit": 1,
    }
    created = await client.post("/api/v1/members/mall/items", json=item, headers=admin)
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    key = uuid.uuid4().hex
    first = await client.post(
        f"/api/v1/members/mall/items/{item_id}/redeem", headers={**alice, "Idempotency-Key": key}
    )
    assert first.status_code == 201 and first.json()["coupon_id"], first.text
    replay = await client.post(
        f"/api/v1/members/mall/items/{item_id}/redeem", headers={**alice, "Idempotency-Key": key}
    )
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    limit = await client.post(
        f"/api/v1/members/mall/items/{item_id}/redeem", headers={**alice, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert limit.status_code == 409 and limit.json()["error"] == "mall_limit_reached"
    poor = await client.post(
        f"/api/v1/members/mall/items/{item_id}/redeem", headers={**bob, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert poor.status_code == 409 and poor.json()["error"] == "insufficient_points"
    assert (await balances(app, alice_id))["points"] == 700
    assert (await balances(app, bob_id))["points"] == 250
    items = (await client.get("/api/v1/members/mall/items")).json()
    assert [(i["id"], i["redeemed"]) for i in items] == [(item_id, 1)]
    history = (await client.get("/api/v1/members/me/points", headers=alice)).json()
    assert history[0]["kind"] == "redeem" and history[0]["ref_type"] == "mall"


async def test_merging_two_accounts_keeps_every_balance_coupon_order_and_spend(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session, price=5000)
    await put_stock(session, store, sku, 5)
    cashier = await staff(client, session, ["cashier"], [store])
    admin = await hq(client, session)
    kept_id, kept = await shopper(client, app, session)
    merged_id, merged = await shopper(client, app, session)
    template = await create_template(session, kind="fixed", amount=300, threshold=0)
    await create_coupon(session, template, kept_id, claim_no=1)
    await create_coupon(session, template, merged_id, claim_no=1)
    await give_points(session, kept_id, 300)
    await give_points(session, merged_id, 200)
    await session.commit()
    await top_up(client, cashier, kept_id, store, 1000)
    await top_up(client, cashier, merged_id, store, 500)
    sale = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "member_id": merged_id,
        "member_code": await member_code(client, merged),
        "coupon_ids": [],
        "lines": [{"sku_id": sku.id, "quantity": 1}],
        "tenders": [{"method": "stored_value", "amount": 500}, {"method": "cash", "amount": 4500}],
    }
    sold = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert sold.status_code == 201, sold.text
    before = {m: await balances(app, m) for m in (kept_id, merged_id)}
    assert before[merged_id]["points"] == 250 and before[merged_id]["stored_value"] == 0

    refused = await client.post(
        "/api/v1/members/merge", json={"kept_id": kept_id, "merged_id": merged_id}, headers=cashier
    )
    assert refused.status_code == 403
    response = await client.post(
        "/api/v1/members/merge", json={"kept_id": kept_id, "merged_id": merged_id}, headers=admin
    )
    assert response.status_code == 201, response.text
    assert response.json()["moved"]["points"] == 250

    after = await balances(app, kept_id)
    assert after["points"] == 300 + 250 == after["points_ledger"]
    assert after["stored_value"] == 1000 == after["stored_value_ledger"]
    assert after["spend_12m"] == 5000
    orders = (await client.get("/api/v1/orders", headers=kept)).json()
    assert [o["id"] for o in orders] == [sold.json()["id"]]
    async with app.state.db.sessionmaker() as check:
        coupons = list(
            await check.scalars(select(Coupon).where(Coupon.member_id == kept_id).order_by(Coupon.id))
        )
        assert [(c.template_id, c.claim_no, c.status) for c in coupons] == [
            (template.id, 1, "unused"),
            (template.id, 2, "unused"),
        ]
        gone = await check.get(Member, merged_id)
        assert gone is not None and gone.deleted_at is not None
        audit = await check.scalar(select(AuditEntry).where(AuditEntry.action == "member.merge"))
        assert audit is not None and audit.after["points"] == 250
    # The merged account's sign-in ends with it.
    assert (await client.get("/api/v1/members/me", headers=merged)).status_code == 401
    again = await client.post(
        "/api/v1/members/merge", json={"kept_id": kept_id, "merged_id": merged_id}, headers=admin
    )
    assert again.status_code == 404
