"""HQ promotion and coupon endpoints, claiming under limits and concurrency, carts with promotions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.core.audit import AuditEntry
from backend.core.events import Event
from backend.core.time import utcnow
from backend.marketing import coupons
from backend.marketing.errors import CouponUnavailable
from backend.marketing.models import Coupon, CouponTemplate
from backend.marketing.promotions import PromotionPricer
from backend.orders.pricer import CartContext, ContextLine
from tests.backend.catalog.factories import create_category, hq_headers
from tests.backend.marketing.factories import create_coupon, create_promotion, create_template
from tests.backend.orders.factories import pickup_body, place, put_stock, shopper, staff
from tests.factories import bearer, create_member, create_sku, create_store, member_token

MANJIAN = {
    "type": "threshold",
    "tiers": [{"threshold": 10000, "off": 1000}, {"threshold": 20000, "off": 3000}],
}


def window(days: int = 3) -> dict[str, str]:
    now = utcnow()
    return {
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=days)).isoformat(),
    }


async def test_hq_creates_lists_and_updates_promotions_and_others_are_refused(app, client, session):
    store = await create_store(session)
    hq = await hq_headers(client, session)
    manager = await staff(client, session, ["store_manager"], [store])
    _, member = await shopper(client, app, session)
    body = {"name_zh": "满100减10", "name_en": "10 off 100", "rule": MANJIAN, "group": "order", **window()}
    for headers, code in ((manager, 403), (member, 403), ({}, 401)):
        r = await client.post("/api/v1/marketing/promotions", json=body, headers=headers)
        assert r.status_code == code, r.text
    r = await client.post("/api/v1/marketing/promotions", json=body, headers=hq)
    assert r.status_code == 201, r.text
    promotion = r.json()
    assert promotion["type"] == "threshold" and promotion["rule"]["tiers"][1] == {
        "threshold": 20000,
        "off": 3000,
    }
    # Rules are checked per type.
    bad_rules = [
        {"type": "threshold", "tiers": []},
        {"type": "threshold", "tiers": [{"threshold": 1000, "off": 2000}]},
        {"type": "percent", "percent_bp": 0},
        {"type": "bundle", "sku_ids": [1], "price": 100},
        {"type": "nth_discount", "n": 1, "rate_bp": 5000},
        {"type": "lottery"},
    ]
    for rule in bad_rules:
        r = await client.post("/api/v1/marketing/promotions", json={**body, "rule": rule}, headers=hq)
        assert r.status_code == 422, rule
    backwards = {**body, "starts_at": body["ends_at"], "ends_at": body["starts_at"]}
    assert (await client.post("/api/v1/marketing/promotions", json=backwards, headers=hq)).status_code == 422
    skus_without_ids = {**body, "scope": "skus"}
    assert (
        await client.post("/api/v1/marketing/promotions", json=skus_without_ids, headers=hq)
    ).status_code == 422
    r = await client.patch(
        f"/api/v1/marketing/promotions/{promotion['id']}",
        json={"rule": {"type": "percent", "percent_bp": 1500}, "exclusive": True},
        headers=hq,
    )
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "percent" and r.json()["exclusive"] is True
    r = await client.patch(
        f"/api/v1/marketing/promotions/{promotion['id']}", json={"ends_at": body["starts_at"]}, headers=hq
    )
    assert r.status_code == 422
    assert (
        await client.patch(f"/api/v1/marketing/promotions/{promotion['id']}", json={}, headers=manager)
    ).status_code == 403
    assert (await client.patch("/api/v1/marketing/promotions/999999", json={}, headers=hq)).status_code == 404
    r = await client.get("/api/v1/marketing/promotions", headers=hq)
    assert [p["id"] for p in r.json()] == [promotion["id"]]
    assert (await client.get("/api/v1/marketing/promotions", headers=manager)).status_code == 403
    actions = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "promotion")))
    assert sorted(actions) == ["promotion.create", "promotion.update"]


async def test_active_promotions_by_store_channel_and_time(app, client, session):
    a, b = await create_store(session), await create_store(session)
    now = utcnow()
    everywhere = await create_promotion(session, {"type": "percent", "percent_bp": 1000})
    only_a = await create_promotion(session, {"type": "percent", "percent_bp": 500}, store_ids=[a.id])
    await create_promotion(session, {"type": "percent", "percent_bp": 500}, channels=["in_store"])
    await create_promotion(
        session,
        {"type": "percent", "percent_bp": 500},
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2),
    )
    await create_promotion(session, {"type": "percent", "percent_bp": 500}, active=False)
    await session.commit()
    r = await client.get(
        "/api/v1/marketing/promotions/active", params={"store_id": a.id, "channel": "online"}
    )
    assert r.status_code == 200 and {p["id"] for p in r.json()} == {everywhere.id, only_a.id}
    r = await client.get("/api/v1/marketing/promotions/active", params={"store_id": b.id})
    assert {p["id"] for p in r.json()} == {everywhere.id}
    r = await client.get(
        "/api/v1/marketing/promotions/active", params={"channel": "in_store", "store_id": b.id}
    )
    assert len(r.json()) == 2
    assert (
        await client.get("/api/v1/marketing/promotions/active", params={"channel": "tv"})
    ).status_code == 422


async def test_coupon_templates_and_claim_limits(app, client, session):
    hq = await hq_headers(client, session)
    member_id, member = await shopper(client, app, session)
    body = {
        "name_zh": "满100减20",
        "name_en": "20 off 100",
        "kind": "threshold",
        "amount": 2000,
        "threshold": 10000,
        "valid_days": 7,
        "per_member_limit": 2,
        "total_quantity": 3,
    }
    assert (
        await client.post("/api/v1/marketing/coupon-templates", json=body, headers=member)
    ).status_code == 403
    for bad in (
        {"amount": 0},
        {"threshold": 1000},
        {"valid_days": None},
        {"total_quantity": 0},
        {"kind": "cash"},
    ):
        r = await client.post("/api/v1/marketing/coupon-templates", json={**body, **bad}, headers=hq)
        assert r.status_code == 422, bad
    r = await client.post("/api/v1/marketing/coupon-templates", json=body, headers=hq)
    assert r.status_code == 201, r.text
    template_id = r.json()["id"]
    first = await client.post(
        "/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=member
    )
    assert first.status_code == 201, first.text
    coupon = first.json()
    assert coupon["status"] == "unused" and coupon["member_id"] == member_id
    span = datetime.fromisoformat(coupon["valid_to"]) - datetime.fromisoformat(coupon["valid_from"])
    assert span == timedelta(days=7)
    assert (
        await client.post(
            "/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=member
        )
    ).status_code == 201
    r = await client.post(
        "/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=member
    )
    assert r.status_code == 409 and r.json()["error"] == "coupon_limit_reached"
    _, other = await shopper(client, app, session)
    assert (
        await client.post("/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=other)
    ).status_code == 201
    _, third = await shopper(client, app, session)
    r = await client.post("/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=third)
    assert r.status_code == 409 and r.json()["error"] == "coupon_sold_out"
    r = await client.post("/api/v1/marketing/coupons/claim", json={"template_id": 999999}, headers=third)
    assert r.status_code == 404
    r = await client.get("/api/v1/marketing/coupons/mine", headers=member)
    assert len(r.json()) == 2 and {c["template_id"] for c in r.json()} == {template_id}
    assert (
        await client.get("/api/v1/marketing/coupons/mine", params={"status": "used"}, headers=member)
    ).json() == []
    r = await client.get("/api/v1/marketing/coupon-templates", headers=hq)
    assert r.json()[0]["issued"] == 3
    # HQ cannot shrink the quantity below what is already out; it can stop claims.
    r = await client.patch(
        f"/api/v1/marketing/coupon-templates/{template_id}", json={"total_quantity": 2}, headers=hq
    )
    assert r.status_code == 409
    r = await client.patch(
        f"/api/v1/marketing/coupon-templates/{template_id}",
        json={"total_quantity": 10, "active": False},
        headers=hq,
    )
    assert r.status_code == 200 and r.json()["total_quantity"] == 10
    r = await client.post("/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=third)
    assert r.status_code == 409 and r.json()["error"] == "coupon_not_claimable"
    actions = sorted(
        await session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "coupon_template"))
    )
    assert actions == ["coupon_template.create", "coupon_template.update"]


async def test_50_concurrent_claims_of_10_coupons_issue_exactly_10(app, client, session):
    # Five members, ten claims each, each allowed ten: only the total quantity limits them.
    template = await create_template(session, total_quantity=10, per_member_limit=10)
    members = [await create_member(session) for _ in range(5)]
    await session.commit()
    template_id = template.id
    headers = [bearer(await member_token(client, app, m.phone)) for m in members] * 10

    async def claim(h: dict[str, str]):
        return await client.post(
            "/api/v1/marketing/coupons/claim", json={"template_id": template_id}, headers=h
        )

    responses = await asyncio.gather(*(claim(h) for h in headers))
    codes = [r.status_code for r in responses]
    assert codes.count(201) == 10, {c: codes.count(c) for c in set(codes)}
    assert {r.json()["error"] for r in responses if r.status_code != 201} == {"coupon_sold_out"}
    async with app.state.db.sessionmaker() as check:
        assert await check.scalar(select(func.count()).select_from(Coupon)) == 10
        assert (await check.get(CouponTemplate, template_id)).issued == 10


async def test_100_concurrent_uses_of_one_coupon_exactly_one_succeeds(app, session):
    member = await create_member(session)
    coupon = await create_coupon(session, await create_template(session), member.id)
    coupon_id = coupon.id
    await session.commit()
    maker = app.state.db.sessionmaker

    async def use(i: int) -> bool:
        async with maker() as s:
            try:
                await coupons.use_coupon(s, coupon_id, f"ORDER-{i}")
            except CouponUnavailable:
                await s.rollback()
                return False
            await s.commit()
            return True

    results = await asyncio.gather(*(use(i) for i in range(100)))
    assert sum(results) == 1
    winner = f"ORDER-{results.index(True)}"
    async with maker() as s:
        row = await s.get(Coupon, coupon_id)
        assert (row.status, row.used_order_ref) == ("used", winner)
        used_events = await s.scalars(select(Event.payload).where(Event.type == "coupon.used"))
        assert [e["order_ref"] for e in used_events] == [winner]
        # Only the order that used it can give it back; then it can be used again.
        assert await coupons.release_coupon(s, coupon_id, "ORDER-x") is False
        assert await coupons.release_coupon(s, coupon_id, winner) is True
        await coupons.use_coupon(s, coupon_id, "ORDER-again")
        await s.commit()


async def test_expired_coupon_cannot_be_used(app, session):
    member = await create_member(session)
    now = utcnow()
    coupon = await create_coupon(
        session,
        await create_template(session),
        member.id,
        valid_from=now - timedelta(days=8),
        valid_to=now - timedelta(days=1),
    )
    fresh = await create_coupon(session, await create_template(session), member.id)
    with pytest.raises(CouponUnavailable):
        await coupons.use_coupon(session, coupon.id, "ORDER-1")
    assert await coupons.expire_lapsed(session) == 1
    await session.refresh(coupon)
    await session.refresh(fresh)
    assert (coupon.status, fresh.status) == ("expired", "unused")


async def test_cart_and_checkout_show_the_promotion_breakdown(app, client, session):
    store = await create_store(session)
    milk = await create_sku(session, price=6000)
    bread = await create_sku(session, price=1000)
    await put_stock(session, store, milk, 10)
    await put_stock(session, store, bread, 10)
    await create_promotion(
        session,
        {"type": "nth_discount", "n": 2, "rate_bp": 5000},
        name_zh="第二件半价",
        scope="skus",
        scope_ids=[bread.id],
    )
    await create_promotion(session, MANJIAN, name_zh="满100减10", group="order")
    _, headers = await shopper(client, app, session)
    await session.commit()
    for sku, qty in ((milk, 2), (bread, 3)):
        r = await client.post("/api/v1/cart/lines", json={"sku_id": sku.id, "quantity": qty}, headers=headers)
        assert r.status_code == 200, r.text
    r = await client.put("/api/v1/cart/store", json={"store_id": store.id}, headers=headers)
    cart = r.json()
    by_sku = {line["sku_id"]: line for line in cart["lines"]}
    # Bread: 3 × 10.00, one at half price: 25.00. Goods after item discounts: 120 + 25 = 145 → 满100减10,
    # split 120:25 → 8.28 and 1.72 (largest remainder).
    assert cart["subtotal"] == 15000
    bread_rules = [(d["rule"], d["amount"]) for d in by_sku[bread.id]["discounts"]]
    assert bread_rules == [("第二件半价", 500), ("满100减10", 172)]
    assert [(d["rule"], d["amount"]) for d in by_sku[milk.id]["discounts"]] == [("满100减10", 828)]
    assert cart["discount_total"] == 1500 and cart["total"] == 13500
    assert by_sku[milk.id]["line_total"] + by_sku[bread.id]["line_total"] == 13500
    r = await place(client, headers, pickup_body(store, [(milk, 2), (bread, 3)]))
    assert r.status_code == 201, r.text
    assert r.json()["total"] == 13500 and r.json()["discount_total"] == 1500


@dataclass(frozen=True, slots=True)
class _WithCoupons(CartContext):
    coupon_ids: list[int] = field(default_factory=list)


async def test_pricer_applies_the_coupons_a_cart_names(app, session):
    store = await create_store(session)
    member = await create_member(session)
    sku = await create_sku(session, price=15000)
    await put_stock(session, store, sku, 5)
    small = await create_coupon(
        session, await create_template(session, amount=1000, threshold=10000), member.id
    )
    big = await create_coupon(
        session, await create_template(session, amount=2000, threshold=10000), member.id
    )
    pos_only = await create_coupon(
        session,
        await create_template(session, amount=5000, threshold=10000, channels=["in_store"]),
        member.id,
    )
    await session.flush()
    cart = _WithCoupons(
        lines=[ContextLine(sku.id, 1, store.id)],
        member_id=member.id,
        coupon_ids=[small.id, big.id, pos_only.id],
    )
    priced = await PromotionPricer().price_cart(session, cart)
    # One coupon per order: the 20.00 one; the in-store coupon does not count online.
    assert priced.total == 13000
    assert [d["coupon_id"] for d in priced.lines[0].discounts] == [big.id]
    # Someone else's coupon ids are ignored.
    other = await create_member(session)
    priced = await PromotionPricer().price_cart(
        session, _WithCoupons(lines=cart.lines, member_id=other.id, coupon_ids=[big.id])
    )
    assert priced.total == 15000


async def test_quote_prices_lines_with_coupons_and_hints_what_to_add(app, client, session):
    store = await create_store(session)
    drinks = await create_category(session)
    tea = await create_sku(session, price=3000, category=drinks)
    juice = await create_sku(session, price=3500, category=drinks)
    water = await create_sku(session, price=500, category=drinks)
    chips = await create_sku(session, price=4000)
    promotion = await create_promotion(
        session, MANJIAN, name_zh="饮料满100减10", group="order", scope="categories", scope_ids=[drinks.id]
    )
    member_id, headers = await shopper(client, app, session)
    coupon = await create_coupon(
        session, await create_template(session, kind="fixed", amount=500, threshold=0), member_id
    )
    await session.commit()
    body = {
        "store_id": store.id,
        "lines": [{"sku_id": tea.id, "quantity": 2}, {"sku_id": chips.id, "quantity": 1}],
        "coupon_ids": [coupon.id],
    }
    r = await client.post("/api/v1/marketing/quote", json=body, headers=headers)
    assert r.status_code == 200, r.text
    quote = r.json()
    # Drinks 60.00 < 100: no 满减; the 5.00 coupon on 100.00 split 60:40 → 3.00 and 2.00: 95.00.
    assert quote["subtotal"] == 10000 and quote["total"] == 9500 and quote["coupon_ids"] == [coupon.id]
    assert [ln["line_total"] for ln in quote["lines"]] == [5700, 3800]
    # 40.00 more drinks reach 满100: nothing costs 40 or more, so the dearest drinks first.
    [hint] = quote["hints"]
    assert (hint["promotion_id"], hint["gap"], hint["threshold"], hint["off"]) == (
        promotion.id,
        4000,
        10000,
        1000,
    )
    assert hint["suggestions"] == [juice.id, tea.id, water.id]
    # Without signing in the coupon is not applied.
    r = await client.post("/api/v1/marketing/quote", json=body)
    assert r.json()["total"] == 10000 and r.json()["coupon_ids"] == []
    bad = {**body, "lines": []}
    assert (await client.post("/api/v1/marketing/quote", json=bad)).status_code == 422
