"""The cart at the chosen store: lines and quantities, what stops a line, and the price breakdown with
the promotions and the member's best coupons applied automatically, plus 凑单 hints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.shopper.viewmodels.base import ViewModel
from backend.marketing.schemas import Coupon, Quote, QuoteHint
from backend.orders.schemas import PricedCartOut, PricedLine
from shared.sdk import AsyncClient
from shared.sdk.base import Call, Resource

# Why a line cannot be bought, as the backend names it → the i18n key that explains it.
PROBLEM_KEYS = {
    "off_shelf": "cart.problem.off_shelf",
    "not_sold_here": "cart.problem.not_sold_here",
    "out_of_stock": "cart.problem.out_of_stock",
    "quantity_above_available": "cart.problem.too_many",
    "unknown_sku": "cart.problem.unknown",
}
MAX_QUANTITY = 999


class QuoteCalls(Resource):
    """The promotion quote (``POST /marketing/quote``) in the SDK's ``Call`` form."""

    def quote(self, store_id: int, lines: list[tuple[int, int]], coupon_ids: list[int]) -> Any:
        body = {
            "store_id": store_id,
            "channel": "online",
            "lines": [{"sku_id": s, "quantity": q} for s, q in lines],
            "coupon_ids": coupon_ids,
        }
        return self._call(Call("POST", "/marketing/quote", json=body, model=Quote))


@dataclass(frozen=True)
class Saving:
    """One line of the breakdown: a promotion, coupon or member price and what it takes off in total."""

    rule: str
    amount: int
    coupon: bool = False


class CartVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.quotes = QuoteCalls(client.run)
        self.store_id: int | None = None
        self.cart: PricedCartOut | None = None
        self.quote: Quote | None = None
        self.coupons: list[Coupon] = []

    # --- loading and changing

    async def load(self, store_id: int | None) -> None:
        self.store_id = store_id
        await self._apply(self.client.orders.cart(store_id=store_id))

    async def add(self, sku_id: int, quantity: int = 1) -> bool:
        return await self._apply(self.client.orders.add_to_cart(sku_id, quantity))

    async def set_quantity(self, sku_id: int, quantity: int) -> None:
        if quantity <= 0:
            await self.remove(sku_id)
            return
        await self._apply(self.client.orders.set_cart_quantity(sku_id, min(quantity, MAX_QUANTITY)))

    async def increment(self, sku_id: int, by: int) -> None:
        line = next((ln for ln in self.lines if ln.sku_id == sku_id), None)
        if line is not None:
            await self.set_quantity(sku_id, line.quantity + by)

    async def remove(self, sku_id: int) -> None:
        await self._apply(self.client.orders.remove_from_cart(sku_id))

    async def clear(self) -> None:
        await self._run(self.client.orders.clear_cart())
        await self.load(self.store_id)

    async def _apply(self, action: Any) -> bool:
        """Run a cart call; the cart is then priced and checked at the chosen store."""
        cart = await self._run(action)
        if cart is not None and self.store_id is not None and cart.store_id != self.store_id and cart.lines:
            cart = await self._run(self.client.orders.set_cart_store(self.store_id))
        await self._priced(cart)
        return cart is not None

    async def _priced(self, cart: PricedCartOut | None) -> None:
        """Keep the cart; quote it with the member's coupons to learn which discounts are coupons and
        what more would unlock the next promotion (凑单)."""
        if cart is None:
            self.notify()
            return
        self.cart, self.quote = cart, None
        wanted = [(ln.sku_id, ln.quantity) for ln in cart.lines if ln.valid]
        if wanted and self.store_id is not None:
            self.coupons = await self._run(self.client.marketing.my_coupons("unused")) or []
            self.quote = await self._run(
                self.quotes.quote(self.store_id, wanted, [c.id for c in self.coupons])
            )
        self.notify()

    # --- what the screen shows

    @property
    def lines(self) -> list[PricedLine]:
        return self.cart.lines if self.cart else []

    @property
    def valid_lines(self) -> list[PricedLine]:
        return [ln for ln in self.lines if ln.valid]

    @property
    def invalid_lines(self) -> list[PricedLine]:
        return [ln for ln in self.lines if not ln.valid]

    @property
    def count(self) -> int:
        return sum(ln.quantity for ln in self.lines)

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def can_check_out(self) -> bool:
        return bool(self.valid_lines) and self.store_id is not None

    @property
    def subtotal(self) -> int:
        return self.cart.subtotal if self.cart else 0

    @property
    def coupon_rules(self) -> set[str]:
        """Names of the discounts that are coupons (the quote says which discounts come from coupons)."""
        if self.quote is None:
            return set()
        return {d.rule for line in self.quote.lines for d in line.discounts if d.coupon_id is not None}

    @property
    def savings(self) -> list[Saving]:
        """Every promotion, coupon and member price the cart gets, with its total, largest first.

        The cart's own pricing is what checkout charges (it picks the member's best coupons itself)."""
        totals: dict[str, int] = {}
        if self.cart is not None:
            for priced in self.cart.lines:
                for d in priced.discounts:
                    totals[d.rule] = totals.get(d.rule, 0) + d.amount
            for d in self.cart.discounts:
                totals[d.rule] = totals.get(d.rule, 0) + d.amount
        coupons = self.coupon_rules
        found = [Saving(rule, amount, rule in coupons) for rule, amount in totals.items() if amount > 0]
        return sorted(found, key=lambda s: (-s.amount, s.rule))

    @property
    def coupon_savings(self) -> list[Saving]:
        return [s for s in self.savings if s.coupon]

    @property
    def discount_total(self) -> int:
        return self.cart.discount_total if self.cart else 0

    @property
    def total(self) -> int:
        return self.cart.total if self.cart else 0

    @property
    def applied_coupon_ids(self) -> list[int]:
        return list(self.quote.coupon_ids) if self.quote else []

    @property
    def hints(self) -> list[QuoteHint]:
        return list(self.quote.hints) if self.quote else []

    def line_total(self, sku_id: int) -> int | None:
        line = next((ln for ln in self.lines if ln.sku_id == sku_id), None)
        return line.line_total if line else None

    @staticmethod
    def problem_key(code: str) -> str:
        return PROBLEM_KEYS.get(code, "cart.problem.unknown")
