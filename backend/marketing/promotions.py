"""Promotions (HQ), the ones running now, and the cart pricer that applies them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.time import utcnow
from backend.marketing import coupons, engine
from backend.marketing import repository as repo
from backend.marketing.errors import PromotionNotFound
from backend.marketing.models import Promotion
from backend.marketing.schemas import Promotion as PromotionOut
from backend.marketing.schemas import (
    PromotionCreate,
    PromotionUpdate,
    Quote,
    QuoteDiscount,
    QuotedLine,
    QuoteGift,
    QuoteHint,
    QuoteRequest,
)
from backend.orders.pricer import CartContext, ContextLine, PricedCart, StorePricePricer
from backend.pricing.service import price_for


def _snapshot(promotion: Promotion) -> dict[str, Any]:
    return PromotionOut.model_validate(promotion).model_dump(mode="json")


async def create(session: AsyncSession, actor: Principal, body: PromotionCreate) -> Promotion:
    data = body.model_dump(mode="json")
    data.update(starts_at=body.starts_at, ends_at=body.ends_at, type=body.rule.type)
    promotion = Promotion(**data)
    session.add(promotion)
    await session.flush()
    audit.record(session, actor, "promotion.create", "promotion", promotion.id, after=_snapshot(promotion))
    return promotion


async def update(
    session: AsyncSession, actor: Principal, promotion_id: int, body: PromotionUpdate
) -> Promotion:
    promotion = await repo.get_promotion(session, promotion_id)
    if promotion is None:
        raise PromotionNotFound()
    before = _snapshot(promotion)
    changes = body.model_dump(mode="json", exclude_unset=True)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = getattr(body, name)
    if body.rule is not None:
        changes["type"] = body.rule.type
    merged = {**before, **changes}
    # Re-check the whole promotion as it will be after the change.
    try:
        PromotionCreate.model_validate(merged)
    except ValidationError as exc:
        raise ValidationFailed(detail=[e["msg"] for e in exc.errors()]) from exc
    for name, value in changes.items():
        setattr(promotion, name, value)
    await session.flush()
    audit.record(
        session,
        actor,
        "promotion.update",
        "promotion",
        promotion.id,
        before=before,
        after=_snapshot(promotion),
    )
    return promotion


def applies(promotion: Promotion, channel: str, store_id: int | None) -> bool:
    if channel not in promotion.channels:
        return False
    return store_id is None or promotion.store_ids is None or store_id in promotion.store_ids


async def active(
    session: AsyncSession, channel: str, store_id: int | None, at: datetime | None = None
) -> list[Promotion]:
    """Promotions running now on ``channel`` at ``store_id``."""
    running = await repo.running_promotions(session, at or utcnow())
    return [p for p in running if applies(p, channel, store_id)]


def to_engine(promotion: Promotion) -> engine.Promo:
    return engine.Promo(
        id=promotion.id,
        name=promotion.name_zh,
        type=promotion.type,
        rule=promotion.rule,
        group=promotion.group,
        exclusive=promotion.exclusive,
        priority=promotion.priority,
        scope=promotion.scope,
        scope_ids=frozenset(int(i) for i in promotion.scope_ids),
        store_ids=None if promotion.store_ids is None else frozenset(int(i) for i in promotion.store_ids),
    )


class PromotionPricer:
    """Store prices, then the running promotions and the coupons the cart names, cheapest combination."""

    def __init__(self) -> None:
        self.base = StorePricePricer()

    async def price_cart(self, session: AsyncSession, cart: CartContext) -> PricedCart:
        priced, _ = await self.evaluate(session, cart)
        return priced

    async def evaluate(
        self,
        session: AsyncSession,
        cart: CartContext,
        coupon_ids: list[int] | None = None,
        suggest: bool = False,
    ) -> tuple[PricedCart, engine.Result | None]:
        """The priced cart and the engine's result (None when nothing could apply)."""
        priced = await self.base.price_cart(session, cart)
        if not priced.lines:
            return priced, None
        at = cart.at or utcnow()
        channel = coupons.channel_of(cart.channel)
        running = await active(session, channel, None, at)
        promos = [to_engine(p) for p in running]
        if coupon_ids is None:
            coupon_ids = list(getattr(cart, "coupon_ids", None) or ())
        offers = (
            await coupons.offers(session, cart.member_id, coupon_ids, cart.channel, at)
            if cart.member_id is not None and coupon_ids
            else []
        )
        if not promos and not offers:
            return priced, None
        categories = await repo.sku_categories(session, [line.sku_id for line in priced.lines])
        lines = [
            engine.Line(
                line.sku_id, line.unit_price, line.quantity, categories.get(line.sku_id), line.store_id
            )
            for line in priced.lines
        ]
        store_id = priced.lines[0].store_id
        catalog = await _scope_catalog(session, running, store_id, at) if suggest else []
        result = engine.price(lines, promos, offers, shipping_fee=priced.shipping_fee, catalog=catalog)
        out_lines = [
            replace(line, discounts=[*line.discounts, *found])
            for line, found in zip(priced.lines, result.line_discounts, strict=True)
        ]
        order_discounts = [{**d, "shipping": True} for d in result.shipping_discounts]
        order_discounts += [
            {"rule": f"赠品 / Gift: {g.rule}", "amount": 0, "gift_sku_id": g.sku_id, "quantity": g.quantity}
            for g in result.gifts
        ]
        return PricedCart(
            lines=out_lines, order_discounts=order_discounts, shipping_fee=priced.shipping_fee
        ), result


SUGGESTION_POOL = 50


async def _scope_catalog(
    session: AsyncSession, running: list[Promotion], store_id: int | None, at: datetime
) -> list[engine.Line]:
    """SKUs (priced at the store) a shopper could add to reach a 满减 tier scoped to SKUs or categories."""
    sku_ids: set[int] = set()
    for promotion in running:
        if promotion.type != "threshold":
            continue
        if promotion.scope == "skus":
            sku_ids.update(int(i) for i in promotion.scope_ids)
        elif promotion.scope == "categories":
            sku_ids.update(await repo.skus_in_categories(session, promotion.scope_ids, SUGGESTION_POOL))
    if not sku_ids:
        return []
    sku_ids = set(await repo.on_sale(session, sku_ids))
    prices = await price_for(session, store_id, sku_ids, at)
    categories = await repo.sku_categories(session, sku_ids)
    return [
        engine.Line(sku_id, resolved.price, 1, categories.get(sku_id), store_id)
        for sku_id, resolved in sorted(prices.items())
    ]


async def quote(session: AsyncSession, member_id: int | None, body: QuoteRequest) -> Quote:
    """Price lines at a store with the running promotions and the member's named coupons, with 凑单 hints."""
    cart = CartContext(
        lines=[ContextLine(line.sku_id, line.quantity, body.store_id) for line in body.lines],
        member_id=member_id,
        channel=body.channel,
    )
    priced, result = await get_promotion_pricer().evaluate(session, cart, list(body.coupon_ids), suggest=True)
    return Quote(
        lines=[
            QuotedLine(
                sku_id=line.sku_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discounts=[QuoteDiscount.model_validate(d) for d in line.discounts],
                line_total=line.line_total,
            )
            for line in priced.lines
        ],
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        total=priced.total,
        coupon_ids=list(result.coupon_ids) if result else [],
        gifts=[
            QuoteGift(sku_id=g.sku_id, quantity=g.quantity, promotion_id=g.promotion_id, rule=g.rule)
            for g in result.gifts
        ]
        if result
        else [],
        hints=[
            QuoteHint(
                promotion_id=h.promotion_id,
                rule=h.rule,
                threshold=h.threshold,
                off=h.off,
                gap=h.gap,
                suggestions=list(h.suggestions),
            )
            for h in result.hints
        ]
        if result
        else [],
    )


_promotion_pricer = PromotionPricer()


def get_promotion_pricer() -> PromotionPricer:
    return _promotion_pricer
