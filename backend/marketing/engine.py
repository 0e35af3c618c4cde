"""The promotion engine: pure pricing over integer fen, no database.

Rounding rule: every percentage is taken per cart line on that line's current amount and rounded half
up to the fen (``backend.core.money.percent_of``). Order-level discounts (满减, order percent, coupons)
are split back across the lines they cover by the largest-remainder method
(``backend.core.money.allocate``, weighted by each line's amount after item-level discounts), so the
line shares always sum exactly to the order discount and a refund of a line returns its share.

Stacking: item-level promotions (group "item") apply first, in priority order (highest first), each on
what is left of the line; order-level promotions (any other group, e.g. "order") apply next on the
discounted subtotal of their scope; coupons apply last. An exclusive promotion does not stack with any
other promotion of its group. At most one coupon is used per order unless every coupon used is
stackable, or one non-stackable coupon is combined with stackable ones. The engine enumerates the valid
combinations and keeps the lowest total, ties broken by fewer coupons, then fewer promotions.

第N件N折 counts each line (SKU) on its own: every n-th unit of a line gets the rate. A bundle takes one
unit of each of its SKUs per set, as many whole sets as the cart holds.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.core.money import allocate, percent_of

ITEM = "item"
MAX_COMBINATIONS = 4096


@dataclass(frozen=True, slots=True)
class Line:
    sku_id: int
    unit_price: int
    quantity: int
    category_id: int | None = None
    store_id: int | None = None

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Promo:
    """A promotion as the engine sees it. ``rule`` holds the type's parameters (see schemas)."""

    id: int
    name: str
    type: str
    rule: dict[str, Any]
    group: str = ITEM
    exclusive: bool = False
    priority: int = 0
    # all | skus | categories
    scope: str = "all"
    scope_ids: frozenset[int] = frozenset()
    # None: every store.
    store_ids: frozenset[int] | None = None

    def covers(self, line: Line) -> bool:
        if self.store_ids is not None and line.store_id not in self.store_ids:
            return False
        if self.scope == "skus":
            return line.sku_id in self.scope_ids
        if self.scope == "categories":
            return line.category_id in self.scope_ids
        return True


@dataclass(frozen=True, slots=True)
class CouponOffer:
    """A shopper's coupon: kind fixed | percent | threshold | free_shipping."""

    id: int
    name: str
    kind: str
    amount: int = 0
    percent_bp: int = 0
    threshold: int = 0
    stackable: bool = False
    store_ids: frozenset[int] | None = None

    def covers(self, line: Line) -> bool:
        return self.store_ids is None or line.store_id in self.store_ids


@dataclass(frozen=True, slots=True)
class GiftLine:
    sku_id: int
    quantity: int
    promotion_id: int
    rule: str


@dataclass(frozen=True, slots=True)
class Hint:
    """凑单: spend ``gap`` more on the promotion's scope to reach ``threshold`` and save ``off``."""

    promotion_id: int
    rule: str
    threshold: int
    off: int
    gap: int
    suggestions: tuple[int, ...] = ()


@dataclass(slots=True)
class Result:
    # Per line, in cart order: [{"rule", "amount", ...}].
    line_discounts: list[list[dict[str, Any]]]
    shipping_discounts: list[dict[str, Any]] = field(default_factory=list)
    gifts: list[GiftLine] = field(default_factory=list)
    promotion_ids: tuple[int, ...] = ()
    coupon_ids: tuple[int, ...] = ()
    hints: list[Hint] = field(default_factory=list)
    subtotal: int = 0
    shipping_fee: int = 0

    @property
    def goods_discount(self) -> int:
        return sum(int(d["amount"]) for ds in self.line_discounts for d in ds)

    @property
    def shipping_discount(self) -> int:
        return sum(int(d["amount"]) for d in self.shipping_discounts)

    @property
    def total(self) -> int:
        return self.subtotal - self.goods_discount + self.shipping_fee - self.shipping_discount


class _State:
    def __init__(self, lines: Sequence[Line], shipping_fee: int) -> None:
        self.lines = lines
        self.left = [line.amount for line in lines]
        self.discounts: list[list[dict[str, Any]]] = [[] for _ in lines]
        self.shipping_left = shipping_fee
        self.shipping: list[dict[str, Any]] = []
        self.gifts: list[GiftLine] = []

    def take(self, index: int, amount: int, rule: str, **ref: Any) -> int:
        amount = max(0, min(amount, self.left[index]))
        if amount:
            self.left[index] -= amount
            self.discounts[index].append({"rule": rule, "amount": amount, **ref})
        return amount

    def spread(self, indexes: list[int], amount: int, rule: str, **ref: Any) -> int:
        """Split an order-level discount over ``indexes`` by what is left of each line."""
        amount = max(0, min(amount, sum(self.left[i] for i in indexes)))
        if not amount:
            return 0
        for i, part in zip(indexes, allocate(amount, [self.left[i] for i in indexes]), strict=True):
            self.take(i, part, rule, **ref)
        return amount


def _tiers(rule: dict[str, Any]) -> list[tuple[int, int]]:
    return sorted((int(t["threshold"]), int(t["off"])) for t in rule["tiers"])


def _apply_item(state: _State, promo: Promo) -> None:
    rule, ref = promo.rule, {"promotion_id": promo.id}
    covered = [i for i, line in enumerate(state.lines) if promo.covers(line)]
    if promo.type == "bundle":
        skus = [int(s) for s in rule["sku_ids"]]
        where = {}
        for i in covered:
            where.setdefault(state.lines[i].sku_id, i)
        if not skus or any(s not in where for s in skus):
            return
        sets = min(state.lines[where[s]].quantity for s in skus)
        list_price = sum(state.lines[where[s]].unit_price for s in skus)
        saving = sets * max(0, list_price - int(rule["price"]))
        state.spread([where[s] for s in skus], saving, promo.name, **ref)
        return
    for i in covered:
        line = state.lines[i]
        if promo.type == "percent":
            state.take(i, percent_of(state.left[i], int(rule["percent_bp"])), promo.name, **ref)
        elif promo.type == "fixed":
            state.take(i, min(int(rule["amount"]), line.unit_price) * line.quantity, promo.name, **ref)
        elif promo.type == "special_price":
            state.take(i, max(0, line.unit_price - int(rule["price"])) * line.quantity, promo.name, **ref)
        elif promo.type == "nth_discount":
            n = int(rule["n"])
            units = line.quantity // n
            per_unit = line.unit_price - percent_of(line.unit_price, int(rule["rate_bp"]))
            state.take(i, units * per_unit, promo.name, **ref)


def _apply_order(state: _State, promo: Promo) -> None:
    rule, ref = promo.rule, {"promotion_id": promo.id}
    covered = [i for i, line in enumerate(state.lines) if promo.covers(line)]
    base = sum(state.left[i] for i in covered)
    if promo.type == "threshold":
        reached = [off for threshold, off in _tiers(rule) if base >= threshold]
        if reached:
            state.spread(covered, reached[-1], promo.name, **ref)
    elif promo.type == "percent":
        state.spread(covered, percent_of(base, int(rule["percent_bp"])), promo.name, **ref)
    elif promo.type == "fixed":
        state.spread(covered, int(rule["amount"]), promo.name, **ref)
    elif promo.type == "gift":
        if covered and base >= int(rule["threshold"]):
            state.gifts.append(
                GiftLine(int(rule["gift_sku_id"]), int(rule.get("quantity", 1)), promo.id, promo.name)
            )
    else:
        _apply_item(state, promo)


def _apply_coupon(state: _State, coupon: CouponOffer) -> bool:
    """Apply a coupon; False when it does not apply (threshold unmet or nothing to discount)."""
    ref = {"coupon_id": coupon.id}
    covered = [i for i, line in enumerate(state.lines) if coupon.covers(line)]
    base = sum(state.left[i] for i in covered)
    if coupon.kind == "free_shipping":
        if state.shipping_left <= 0 or base < coupon.threshold:
            return False
        state.shipping.append({"rule": coupon.name, "amount": state.shipping_left, **ref})
        state.shipping_left = 0
        return True
    if base <= 0 or base < coupon.threshold:
        return False
    amount = percent_of(base, coupon.percent_bp) if coupon.kind == "percent" else coupon.amount
    return state.spread(covered, amount, coupon.name, **ref) > 0


def _run(
    lines: Sequence[Line], promos: Sequence[Promo], coupons: Sequence[CouponOffer], shipping_fee: int
) -> Result | None:
    state = _State(lines, shipping_fee)
    ordered = sorted(promos, key=lambda p: (p.group != ITEM, -p.priority, p.id))
    for promo in ordered:
        if promo.group == ITEM and promo.type not in ("threshold", "gift"):
            _apply_item(state, promo)
        else:
            _apply_order(state, promo)
    for coupon in coupons:
        if not _apply_coupon(state, coupon):
            return None
    return Result(
        line_discounts=state.discounts,
        shipping_discounts=state.shipping,
        gifts=state.gifts,
        promotion_ids=tuple(p.id for p in ordered),
        coupon_ids=tuple(c.id for c in coupons),
        subtotal=sum(line.amount for line in lines),
        shipping_fee=shipping_fee,
    )


def _promotion_choices(promos: Sequence[Promo]) -> list[list[Promo]]:
    """Per group: all its non-exclusive promotions together, or one exclusive promotion alone."""
    groups: dict[str, list[Promo]] = {}
    for promo in promos:
        groups.setdefault(promo.group, []).append(promo)
    options: list[list[list[Promo]]] = []
    for members in groups.values():
        shared = [p for p in members if not p.exclusive]
        group_options = [shared] + [[p] for p in members if p.exclusive]
        options.append(group_options)
    return [[p for part in combo for p in part] for combo in itertools.product(*options)]


def _coupon_choices(coupons: Sequence[CouponOffer]) -> list[tuple[CouponOffer, ...]]:
    """No coupon, or any set holding at most one non-stackable coupon."""
    stackable = [c for c in coupons if c.stackable]
    single = [c for c in coupons if not c.stackable]
    choices: list[tuple[CouponOffer, ...]] = []
    for size in range(len(stackable) + 1):
        for stack in itertools.combinations(stackable, size):
            choices.append(stack)
            choices.extend((one, *stack) for one in single)
            if len(choices) > MAX_COMBINATIONS:
                return choices
    return choices


def price(
    lines: Sequence[Line],
    promos: Sequence[Promo],
    coupons: Sequence[CouponOffer] = (),
    *,
    shipping_fee: int = 0,
    catalog: Sequence[Line] = (),
) -> Result:
    """The cheapest valid combination of ``promos`` and ``coupons`` for ``lines``.

    ``catalog`` (optional) lists SKUs a shopper could add (unit price, category), for 凑单 suggestions.
    """
    best: Result | None = None
    best_key: tuple[int, int, int] | None = None
    for promo_set in _promotion_choices(promos):
        for coupon_set in _coupon_choices(coupons):
            result = _run(lines, promo_set, coupon_set, shipping_fee)
            if result is None:
                continue
            key = (result.total, len(result.coupon_ids), len(result.promotion_ids))
            if best_key is None or key < best_key:
                best, best_key = result, key
    assert best is not None
    best.hints = hints(lines, promos, best, catalog)
    return best


def hints(
    lines: Sequence[Line], promos: Sequence[Promo], result: Result, catalog: Sequence[Line] = ()
) -> list[Hint]:
    """For each 满减 not at its top tier: how much more to reach the next tier, and SKUs that fill the gap."""
    item_left = [
        line.amount - sum(int(d["amount"]) for d in ds if _is_item(d, promos))
        for line, ds in zip(lines, result.line_discounts, strict=True)
    ]
    out = []
    for promo in promos:
        if promo.type != "threshold":
            continue
        base = sum(left for line, left in zip(lines, item_left, strict=True) if promo.covers(line))
        higher = [(t, off) for t, off in _tiers(promo.rule) if t > base]
        if not higher:
            continue
        threshold, off = higher[0]
        gap = threshold - base
        fits = [c for c in catalog if promo.covers(c)]
        enough = sorted((c for c in fits if c.unit_price >= gap), key=lambda c: (c.unit_price, c.sku_id))
        short = sorted((c for c in fits if c.unit_price < gap), key=lambda c: (-c.unit_price, c.sku_id))
        suggestions = tuple(c.sku_id for c in [*enough, *short][:3])
        out.append(Hint(promo.id, promo.name, threshold, off, gap, suggestions))
    return out


def _is_item(discount: dict[str, Any], promos: Sequence[Promo]) -> bool:
    pid = discount.get("promotion_id")
    return any(p.id == pid and p.group == ITEM for p in promos)
