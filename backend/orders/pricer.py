"""The seam where promotions price a cart.

``CartPricer.price_cart`` turns a cart context (lines with the store that sells each, the shopper, the
channel, the fulfilment and its fee) into a priced cart: per-line unit prices and discounts with their
explanations, order-level discounts, the shipping fee and the total. The default pricer applies the
store prices from ``backend.pricing`` and no promotions; the promotion engine installs its own with
``set_pricer``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import Conflict
from backend.pricing.service import price_for


@dataclass(frozen=True, slots=True)
class ContextLine:
    sku_id: int
    quantity: int
    # The store whose prices apply (None: base prices).
    store_id: int | None
    # A scale label's net weight (grams) or printed price (fen): each unit of the line is one labelled
    # pack charged from its label (see ``scale_price``), not the SKU's unit price.
    weight_g: int | None = None
    label_price: int | None = None


@dataclass(frozen=True, slots=True)
class CartContext:
    lines: list[ContextLine]
    member_id: int | None = None
    # online | pos | kiosk
    channel: str = "online"
    # pickup | delivery | shipping | in_store
    fulfilment: str = "pickup"
    shipping_fee: int = 0
    at: datetime | None = None
    # The member's coupons to use; None: the best combination of all their usable coupons (自动匹配).
    coupon_ids: tuple[int, ...] | None = None


@dataclass(slots=True)
class PricedLineData:
    sku_id: int
    quantity: int
    store_id: int | None
    base_price: int
    unit_price: int
    price_reason: str
    # [{"rule": "...", "amount": fen}]
    discounts: list[dict[str, Any]] = field(default_factory=list)
    # A scale label's pack: its net weight and the price per kg it was charged at, or its printed price.
    weight_g: int | None = None
    price_per_kg: int | None = None
    label_price: int | None = None

    @property
    def discount_total(self) -> int:
        return sum(int(d["amount"]) for d in self.discounts)

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity - self.discount_total


@dataclass(slots=True)
class PricedCart:
    lines: list[PricedLineData]
    order_discounts: list[dict[str, Any]] = field(default_factory=list)
    shipping_fee: int = 0

    @property
    def subtotal(self) -> int:
        return sum(line.unit_price * line.quantity for line in self.lines)

    @property
    def discount_total(self) -> int:
        return sum(line.discount_total for line in self.lines) + sum(
            int(d["amount"]) for d in self.order_discounts
        )

    @property
    def total(self) -> int:
        return max(0, self.subtotal - self.discount_total + self.shipping_fee)

    @property
    def coupon_ids(self) -> list[int]:
        """The coupons the priced cart uses (named in its discounts)."""
        found = {
            int(d["coupon_id"])
            for d in [*(d for line in self.lines for d in line.discounts), *self.order_discounts]
            if d.get("coupon_id") is not None
        }
        return sorted(found)


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def scale_price(unit_price: int, unit_weight_g: int | None, weight_g: int) -> int:
    """What ``weight_g`` grams cost when the SKU's price is for ``unit_weight_g`` grams (1 kg when the
    SKU names no unit weight), rounded half up to the fen."""
    return _half_up(unit_price * weight_g, unit_weight_g or 1000)


def per_kg(unit_price: int, unit_weight_g: int | None) -> int:
    return scale_price(unit_price, unit_weight_g, 1000)


class CartPricer(Protocol):
    async def price_cart(self, session: AsyncSession, cart: CartContext) -> PricedCart: ...


class StorePricePricer:
    """Store prices from the pricing domain, no promotions."""

    async def price_cart(self, session: AsyncSession, cart: CartContext) -> PricedCart:
        by_store: dict[int | None, list[int]] = defaultdict(list)
        for line in cart.lines:
            by_store[line.store_id].append(line.sku_id)
        prices = {store: await price_for(session, store, skus, cart.at) for store, skus in by_store.items()}
        weighed = {line.sku_id for line in cart.lines if line.weight_g is not None}
        unit_weights = await _unit_weights(session, weighed) if weighed else {}
        lines = []
        for line in cart.lines:
            resolved = prices[line.store_id][line.sku_id]
            data = PricedLineData(
                sku_id=line.sku_id,
                quantity=line.quantity,
                store_id=line.store_id,
                base_price=resolved.base_price,
                unit_price=resolved.price,
                price_reason=resolved.reason,
            )
            if line.label_price is not None:
                # The scale printed the pack's price: that is what it costs.
                data.base_price = data.unit_price = data.label_price = line.label_price
                data.price_reason = "scale_label"
            elif line.weight_g is not None:
                unit_weight = unit_weights.get(line.sku_id)
                data.weight_g = line.weight_g
                data.price_per_kg = per_kg(resolved.price, unit_weight)
                data.unit_price = scale_price(resolved.price, unit_weight, line.weight_g)
                data.base_price = scale_price(resolved.base_price, unit_weight, line.weight_g)
            lines.append(data)
        return PricedCart(lines=lines, shipping_fee=cart.shipping_fee)


async def _unit_weights(session: AsyncSession, sku_ids: set[int]) -> dict[int, int | None]:
    from sqlalchemy import select

    from backend.catalog.models import Sku

    rows = await session.execute(select(Sku.id, Sku.weight_g).where(Sku.id.in_(sku_ids)))
    return {sku_id: weight for sku_id, weight in rows.all()}


_pricer: CartPricer = StorePricePricer()


def get_pricer() -> CartPricer:
    return _pricer


def set_pricer(pricer: CartPricer | None) -> None:
    """Install the pricer carts and orders use (None restores store prices without promotions)."""
    global _pricer
    _pricer = pricer or StorePricePricer()


class CouponNotApplicable(Conflict):
    code = "coupon_unavailable"
    default_message = "优惠券不可用于此订单 / A named coupon cannot be used on this order."


async def _member_coupon_ids(session: AsyncSession, member_id: int) -> tuple[int, ...]:
    from backend.marketing import repository as marketing_repo
    from backend.marketing.models import CouponStatus

    held = await marketing_repo.member_coupons(session, member_id, CouponStatus.UNUSED)
    return tuple(coupon.id for coupon, _ in held)


async def _tier_perk(session: AsyncSession, cart: CartContext, priced: PricedCart) -> None:
    """The member's tier discount on lines without a promotion discount (see ``backend.members.loyalty``)."""
    from backend.members import loyalty

    if cart.member_id is None or not priced.lines:
        return
    tier = await loyalty.tier_of(session, cart.member_id)
    if tier is None or tier.discount_bp <= 0:
        return
    parts = loyalty.tier_discounts(
        tier.discount_bp,
        [line.line_total for line in priced.lines],
        [any(d.get("promotion_id") is not None for d in line.discounts) for line in priced.lines],
    )
    rate = (10_000 - tier.discount_bp) / 1000
    label = f"{tier.name_zh} {rate:g}折 / {tier.name_en} member price"
    for line, amount in zip(priced.lines, parts, strict=True):
        if amount > 0:
            line.discounts.append({"rule": label, "amount": amount, "tier": tier.code})


async def price(
    session: AsyncSession, cart: CartContext, *, exclude: frozenset[int] = frozenset()
) -> PricedCart:
    """Price a cart for a member at any channel: the installed pricer (promotions and coupons, the
    member's best coupons when the cart names none), then the tier discount.

    Named coupons must all apply; otherwise ``CouponNotApplicable`` says which did not. ``exclude``
    leaves coupons out of the automatic choice (taken by a concurrent checkout).
    """
    named = cart.coupon_ids
    if cart.member_id is None:
        if named:
            raise CouponNotApplicable(
                "优惠券须由会员使用 / Coupons need a member.", detail={"coupon_ids": named}
            )
        cart = replace(cart, coupon_ids=())
    elif named is None:
        held = await _member_coupon_ids(session, cart.member_id)
        cart = replace(cart, coupon_ids=tuple(i for i in held if i not in exclude))
    priced = await get_pricer().price_cart(session, cart)
    if named:
        missing = sorted(set(named) - set(priced.coupon_ids))
        if missing:
            raise CouponNotApplicable(detail={"coupon_ids": missing})
    await _tier_perk(session, cart, priced)
    return priced
