"""The seam where promotions price a cart.

``CartPricer.price_cart`` turns a cart context (lines with the store that sells each, the shopper, the
channel, the fulfilment and its fee) into a priced cart: per-line unit prices and discounts with their
explanations, order-level discounts, the shipping fee and the total. The default pricer applies the
store prices from ``backend.pricing`` and no promotions; the promotion engine installs its own with
``set_pricer``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.pricing.service import price_for


@dataclass(frozen=True, slots=True)
class ContextLine:
    sku_id: int
    quantity: int
    # The store whose prices apply (None: base prices).
    store_id: int | None


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


class CartPricer(Protocol):
    async def price_cart(self, session: AsyncSession, cart: CartContext) -> PricedCart: ...


class StorePricePricer:
    """Store prices from the pricing domain, no promotions."""

    async def price_cart(self, session: AsyncSession, cart: CartContext) -> PricedCart:
        by_store: dict[int | None, list[int]] = defaultdict(list)
        for line in cart.lines:
            by_store[line.store_id].append(line.sku_id)
        prices = {store: await price_for(session, store, skus, cart.at) for store, skus in by_store.items()}
        lines = []
        for line in cart.lines:
            resolved = prices[line.store_id][line.sku_id]
            lines.append(
                PricedLineData(
                    sku_id=line.sku_id,
                    quantity=line.quantity,
                    store_id=line.store_id,
                    base_price=resolved.base_price,
                    unit_price=resolved.price,
                    price_reason=resolved.reason,
                )
            )
        return PricedCart(lines=lines, shipping_fee=cart.shipping_fee)


_pricer: CartPricer = StorePricePricer()


def get_pricer() -> CartPricer:
    return _pricer


def set_pricer(pricer: CartPricer | None) -> None:
    """Install the pricer carts and orders use (None restores store prices without promotions)."""
    global _pricer
    _pricer = pricer or StorePricePricer()
