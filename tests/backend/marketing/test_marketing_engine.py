"""The promotion engine on written cases; each expected total is worked out by hand in its comment."""

from __future__ import annotations

from typing import Any

import pytest

from backend.marketing.engine import CouponOffer, GiftLine, Line, Promo, price

MANJIAN = {"tiers": [{"threshold": 10000, "off": 1000}, {"threshold": 20000, "off": 3000}]}


def L(sku: int, unit: int, qty: int = 1, cat: int | None = None, store: int | None = None) -> Line:  # noqa: N802
    return Line(sku, unit, qty, cat, store)


def P(pid: int, type_: str, rule: dict[str, Any], group: str = "item", **kw: Any) -> Promo:  # noqa: N802
    return Promo(id=pid, name=f"P{pid}", type=type_, rule=rule, group=group, **kw)


def C(cid: int, kind: str, **kw: Any) -> CouponOffer:  # noqa: N802
    return CouponOffer(id=cid, name=f"C{cid}", kind=kind, **kw)


def pct(pid: int, bp: int, group: str = "item", **kw: Any) -> Promo:
    return P(pid, "percent", {"percent_bp": bp}, group, **kw)


def half(pid: int) -> Promo:
    return P(pid, "nth_discount", {"n": 2, "rate_bp": 5000})


# (name, lines, promotions, coupons, shipping fee, expected total, expected coupon ids)
CASES: list[tuple[str, list[Line], list[Promo], list[CouponOffer], int, int, tuple[int, ...]]] = [
    # 2 × 10.00 = 20.00, nothing applies.
    ("no promotions", [L(1, 1000, 2)], [], [], 0, 2000, ()),
    # 2 × 60.00 = 120.00 reaches 满100减10 only: 120 − 10 = 110.00.
    ("manjian tier 1", [L(1, 6000, 2)], [P(1, "threshold", MANJIAN, "order")], [], 0, 11000, ()),
    # 2 × 100.00 = 200.00 reaches 满200减30 (the highest tier): 200 − 30 = 170.00.
    ("manjian tier 2", [L(1, 10000, 2)], [P(1, "threshold", MANJIAN, "order")], [], 0, 17000, ()),
    # 99.99 is one fen short of 100: no discount.
    ("manjian below", [L(1, 9999)], [P(1, "threshold", MANJIAN, "order")], [], 0, 9999, ()),
    # Only category 7 counts: 80.00 < 100, so 80 + 50 = 130.00 with no discount.
    (
        "manjian category scope",
        [L(1, 8000, cat=7), L(2, 5000, cat=8)],
        [P(1, "threshold", MANJIAN, "order", scope="categories", scope_ids=frozenset({7}))],
        [],
        0,
        13000,
        (),
    ),
    # Item 10% first: 110 − 11 = 99.00, below 满100, so 99.00.
    (
        "manjian after item discount",
        [L(1, 11000)],
        [pct(1, 1000), P(2, "threshold", MANJIAN, "order")],
        [],
        0,
        9900,
        (),
    ),
    # SKU 1 20% off: 3 × 10 = 30 − 6 = 24; SKU 2 20.00 untouched: 44.00.
    (
        "percent on a SKU",
        [L(1, 1000, 3), L(2, 2000)],
        [pct(1, 2000, scope="skus", scope_ids=frozenset({1}))],
        [],
        0,
        4400,
        (),
    ),
    # 3 × 3.33 = 9.99; 15% = 1.4985 → 1.50 (half up on the line); 9.99 − 1.50 = 8.49.
    ("rounding 3 x 3.33 at 15%", [L(1, 333, 3)], [pct(1, 1500)], [], 0, 849, ()),
    # 0.10 at 5% = 0.005 → 0.01 (half up): 0.09.
    ("rounding half up", [L(1, 10)], [pct(1, 500)], [], 0, 9, ()),
    # 2.00 off each of 3 units of 5.00: 15 − 6 = 9.00.
    ("fixed off per unit", [L(1, 500, 3)], [P(1, "fixed", {"amount": 200})], [], 0, 900, ()),
    # 2.00 off a 1.50 unit is capped at 1.50: 2 units free.
    ("fixed off capped", [L(1, 150, 2)], [P(1, "fixed", {"amount": 200})], [], 0, 0, ()),
    # 特价 9.99 instead of 12.99, 2 units: 19.98.
    ("special price", [L(1, 1299, 2)], [P(1, "special_price", {"price": 999})], [], 0, 1998, ()),
    # 特价 9.99 above the 8.00 price changes nothing.
    ("special price above price", [L(1, 800)], [P(1, "special_price", {"price": 999})], [], 0, 800, ()),
    # 第二件半价, 3 units of 10.00: one unit at half (5.00 off): 25.00.
    ("second half price odd 3", [L(1, 1000, 3)], [half(1)], [], 0, 2500, ()),
    # 4 units: two halves, 10.00 off: 30.00.
    ("second half price even 4", [L(1, 1000, 4)], [half(1)], [], 0, 3000, ()),
    # 5 units: two halves (the 5th is full price): 50 − 10 = 40.00.
    ("second half price odd 5", [L(1, 1000, 5)], [half(1)], [], 0, 4000, ()),
    # 1 unit: no second item: 10.00.
    ("second half price single", [L(1, 1000)], [half(1)], [], 0, 1000, ()),
    # Half of 9.99 = 4.995 → 5.00 paid, so 4.99 off: 19.98 − 4.99 = 14.99.
    ("second half price odd cents", [L(1, 999, 2)], [half(1)], [], 0, 1499, ()),
    # Bundle 30 + 20 for 40: 10.00 off: 40.00.
    (
        "bundle",
        [L(1, 3000), L(2, 2000)],
        [P(1, "bundle", {"sku_ids": [1, 2], "price": 4000})],
        [],
        0,
        4000,
        (),
    ),
    # Two of SKU 1 but one of SKU 2: one set, 60 + 20 − 10 = 70.00.
    (
        "bundle one set",
        [L(1, 3000, 2), L(2, 2000)],
        [P(1, "bundle", {"sku_ids": [1, 2], "price": 4000})],
        [],
        0,
        7000,
        (),
    ),
    # SKU 2 missing: no bundle: 30.00.
    (
        "bundle incomplete",
        [L(1, 3000)],
        [P(1, "bundle", {"sku_ids": [1, 2], "price": 4000})],
        [],
        0,
        3000,
        (),
    ),
    # Bundle first (priority 10): 10 off split 6/4 → 24 and 16; then 10% of each: 2.40 + 1.60: 36.00.
    (
        "bundle then percent",
        [L(1, 3000), L(2, 2000)],
        [P(1, "bundle", {"sku_ids": [1, 2], "price": 4000}, priority=10), pct(2, 1000)],
        [],
        0,
        3600,
        (),
    ),
    # Exclusive bundle (40.00) vs the 30% percent (50 × 0.7 = 35.00): the percent wins, 35.00.
    (
        "exclusive bundle vs percent",
        [L(1, 3000), L(2, 2000)],
        [P(1, "bundle", {"sku_ids": [1, 2], "price": 4000}, exclusive=True), pct(2, 3000)],
        [],
        0,
        3500,
        (),
    ),
    # Shared: 10% (20 → 18) then 1.00 off each unit (18 → 16); exclusive 50% alone: 10.00. Cheapest 10.00.
    (
        "exclusive beats stacked",
        [L(1, 1000, 2)],
        [pct(1, 1000), P(2, "fixed", {"amount": 100}), pct(3, 5000, exclusive=True)],
        [],
        0,
        1000,
        (),
    ),
    # Exclusive item 10% leaves 90.00 which still reaches 满90减10 of the order group: 80.00.
    (
        "exclusive item does not block order group",
        [L(1, 10000)],
        [
            pct(1, 1000, exclusive=True),
            P(2, "threshold", {"tiers": [{"threshold": 9000, "off": 1000}]}, "order"),
        ],
        [],
        0,
        8000,
        (),
    ),
    # Order group: 满200减30 → 170.00, or exclusive 8% (16.00 off) → 184.00: 170.00.
    (
        "order group exclusive loses",
        [L(1, 20000)],
        [P(1, "threshold", MANJIAN, "order"), pct(2, 800, "order", exclusive=True)],
        [],
        0,
        17000,
        (),
    ),
    # 特价 8.00 first (priority 10), then 10% of 8.00 = 0.80: 7.20.
    (
        "priority order",
        [L(1, 1000)],
        [P(1, "special_price", {"price": 800}, priority=10), pct(2, 1000)],
        [],
        0,
        720,
        (),
    ),
    # Exclusive 5% → 95.00 makes the 满100减20 coupon unusable; skipping it, the coupon gives 80.00.
    (
        "coupon beats promotion",
        [L(1, 10000)],
        [pct(1, 500, exclusive=True)],
        [C(1, "threshold", threshold=10000, amount=2000)],
        0,
        8000,
        (1,),
    ),
    # Coupons 5.00 off vs 20% (10.00 off) on 50.00, one only: 40.00 with coupon 2.
    (
        "best of two coupons",
        [L(1, 5000)],
        [],
        [C(1, "fixed", amount=500), C(2, "percent", percent_bp=2000)],
        0,
        4000,
        (2,),
    ),
    # Two non-stackable coupons cannot both apply: the 8.00 one: 42.00.
    (
        "one coupon per order",
        [L(1, 5000)],
        [],
        [C(1, "fixed", amount=500), C(2, "fixed", amount=800)],
        0,
        4200,
        (2,),
    ),
    # Stackable 5.00 joins the non-stackable 8.00: 50 − 13 = 37.00.
    (
        "stackable coupon joins",
        [L(1, 5000)],
        [],
        [C(1, "fixed", amount=500, stackable=True), C(2, "fixed", amount=800)],
        0,
        3700,
        (2, 1),
    ),
    # 10.00 free with one coupon or two stackable 6.00 ones: both 0.00, fewer coupons wins.
    (
        "tie broken by fewer coupons",
        [L(1, 1000)],
        [],
        [
            C(1, "fixed", amount=1000),
            C(2, "fixed", amount=600, stackable=True),
            C(3, "fixed", amount=600, stackable=True),
        ],
        0,
        0,
        (1,),
    ),
    # 满100 coupon on 50.00: unusable: 50.00.
    (
        "coupon threshold unmet",
        [L(1, 5000)],
        [],
        [C(1, "threshold", threshold=10000, amount=1000)],
        0,
        5000,
        (),
    ),
    # 30.00 + 8.00 shipping, free-shipping coupon: 30.00.
    ("free shipping", [L(1, 3000)], [], [C(1, "free_shipping")], 800, 3000, (1,)),
    # 满减 after 满100减10 promotion: 150 → 140, then coupon 满100减20 on 140 → 120.00.
    (
        "promotion then coupon",
        [L(1, 15000)],
        [P(1, "threshold", MANJIAN, "order")],
        [C(1, "threshold", threshold=10000, amount=2000)],
        0,
        12000,
        (1,),
    ),
    # 满10减1 on 3.33 + 3.33 + 3.34 = 10.00: 1.00 split 0.33/0.33/0.34: 9.00.
    (
        "allocation three lines",
        [L(1, 333), L(2, 333), L(3, 334)],
        [P(1, "threshold", {"tiers": [{"threshold": 1000, "off": 100}]}, "order")],
        [],
        0,
        900,
        (),
    ),
    # Coupon 15% of 10.00 = 1.50, split 999:1 → 1.50 and 0.00: 8.50.
    ("allocation percent coupon", [L(1, 999), L(2, 1)], [], [C(1, "percent", percent_bp=1500)], 0, 850, (1,)),
    # Store 5 only: 10% of line 1's 10.00: 19.00.
    (
        "store scope",
        [L(1, 1000, store=5), L(2, 1000, store=6)],
        [pct(1, 1000, store_ids=frozenset({5}))],
        [],
        0,
        1900,
        (),
    ),
    # Gift at 满200: 200.00 and a gift line, no money off.
    (
        "gift reached",
        [L(1, 20000)],
        [P(1, "gift", {"threshold": 20000, "gift_sku_id": 99, "quantity": 1}, "order")],
        [],
        0,
        20000,
        (),
    ),
]


@pytest.mark.parametrize(
    ("name", "lines", "promos", "coupons", "shipping", "total", "used"), CASES, ids=[c[0] for c in CASES]
)
def test_engine_case(name, lines, promos, coupons, shipping, total, used):  # type: ignore[no-untyped-def]
    result = price(lines, promos, coupons, shipping_fee=shipping)
    assert result.total == total
    assert result.coupon_ids == used
    # Every discount stays within its line, so no line is priced below zero.
    for line, discounts in zip(lines, result.line_discounts, strict=True):
        assert 0 <= sum(d["amount"] for d in discounts) <= line.amount


def test_case_table_is_large_enough():
    assert len(CASES) >= 30


def _by_ref(result: Any, key: str, ref: int) -> list[int]:
    return [sum(d["amount"] for d in ds if d.get(key) == ref) for ds in result.line_discounts]


def test_order_discount_allocation_sums_exactly():
    # 1.00 over 3.33/3.33/3.34: floors 0.33 each, the largest remainder (line 3) takes the last fen.
    result = price(
        [L(1, 333), L(2, 333), L(3, 334)],
        [P(1, "threshold", {"tiers": [{"threshold": 1000, "off": 100}]}, "order")],
    )
    assert _by_ref(result, "promotion_id", 1) == [33, 33, 34]
    # 15% coupon on 9.99 + 0.01 = 1.50: 149.85 → 149 (+1 largest remainder) and 0.15 → 0.
    result = price([L(1, 999), L(2, 1)], [], [C(7, "percent", percent_bp=1500)])
    assert _by_ref(result, "coupon_id", 7) == [150, 0]
    # Seven lines of odd prices with 满减 30: the shares add up to exactly 30.00.
    lines = [L(i, p) for i, p in enumerate([1999, 2999, 3333, 4567, 123, 5001, 2978], start=1)]
    result = price(lines, [P(1, "threshold", MANJIAN, "order")])
    assert sum(_by_ref(result, "promotion_id", 1)) == 3000


def test_gift_line_only_when_threshold_reached():
    gift = P(1, "gift", {"threshold": 20000, "gift_sku_id": 99, "quantity": 2}, "order")
    assert price([L(1, 20000)], [gift]).gifts == [GiftLine(99, 2, 1, "P1")]
    assert price([L(1, 19999)], [gift]).gifts == []


def test_free_shipping_discount_is_the_fee():
    result = price([L(1, 3000)], [], [C(1, "free_shipping")], shipping_fee=800)
    assert result.shipping_discounts[0]["amount"] == 800 and result.goods_discount == 0


def test_hints_for_the_next_tier_with_suggestions():
    catalog = [L(10, 2500), L(11, 3500), L(12, 1000), L(13, 5000)]
    # 70.00 in the cart: 30.00 short of 满100. SKUs at least 30.00, cheapest first, then the largest below.
    result = price([L(1, 7000)], [P(1, "threshold", MANJIAN, "order")], catalog=catalog)
    [hint] = result.hints
    assert (hint.threshold, hint.off, hint.gap, hint.suggestions) == (10000, 1000, 3000, (11, 13, 10))
    # 120.00 reached 满100: 80.00 short of 满200.
    [hint] = price([L(1, 12000)], [P(1, "threshold", MANJIAN, "order")]).hints
    assert (hint.threshold, hint.gap, hint.suggestions) == (20000, 8000, ())
    # At the top tier there is nothing to hint.
    assert price([L(1, 25000)], [P(1, "threshold", MANJIAN, "order")]).hints == []
    # Suggestions stay within the promotion's scope.
    scoped = P(1, "threshold", MANJIAN, "order", scope="skus", scope_ids=frozenset({1, 12}))
    [hint] = price([L(1, 7000)], [scoped], catalog=catalog).hints
    assert hint.suggestions == (12,)
