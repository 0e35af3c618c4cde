"""Prices at a store, cart quotes and HQ price lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from backend.pricing.schemas import (
    Markdown,
    MarkdownRule,
    MarkdownRun,
    PriceChange,
    PriceList,
    PriceListDetail,
    PricingSettings,
    Quote,
    ResolvedPriceOut,
)
from shared.sdk.base import Call, Resource


class PricingAPI(Resource):
    def price(self, sku_id: int, store_id: int, at: datetime | None = None) -> ResolvedPriceOut:
        """The price of a SKU at a store, and which list set it."""
        params = {"sku_id": sku_id, "store_id": store_id, "at": at.isoformat() if at else None}
        return self._call(Call("GET", "/pricing/price", params=params, model=ResolvedPriceOut, auth=False))

    def quote(self, store_id: int, lines: Sequence[tuple[int, int]], at: datetime | None = None) -> Quote:
        """Unit prices and totals for ``lines`` of (sku_id, quantity) at a store."""
        body: dict[str, Any] = {
            "store_id": store_id,
            "lines": [{"sku_id": sku_id, "quantity": quantity} for sku_id, quantity in lines],
        }
        if at is not None:
            body["at"] = at.isoformat()
        return self._call(Call("POST", "/pricing/quote", json=body, model=Quote, auth=False))

    def price_lists(
        self, scope: str | None = None, scope_value: int | None = None, active: bool | None = None
    ) -> list[PriceList]:
        params = {"scope": scope, "scope_value": scope_value, "active": active}
        return self._call(Call("GET", "/pricing/price-lists", params=params, model=list[PriceList]))

    def price_list(self, price_list_id: int) -> PriceListDetail:
        return self._call(Call("GET", f"/pricing/price-lists/{price_list_id}", model=PriceListDetail))

    def create_price_list(
        self,
        name: str,
        scope: str,
        scope_value: int,
        prices: dict[int, int] | None = None,
        *,
        priority: int = 0,
        valid_from: datetime | None = None,
        valid_to: datetime | None = None,
        active: bool = True,
    ) -> PriceListDetail:
        """A region, city-tier or store list; ``prices`` maps SKU id to price in fen."""
        body = {
            "name": name,
            "scope": scope,
            "scope_value": scope_value,
            "priority": priority,
            "valid_from": valid_from.isoformat() if valid_from else None,
            "valid_to": valid_to.isoformat() if valid_to else None,
            "active": active,
            "items": [{"sku_id": sku, "price": price} for sku, price in (prices or {}).items()],
        }
        return self._call(Call("POST", "/pricing/price-lists", json=body, model=PriceListDetail))

    def update_price_list(self, price_list_id: int, **fields: Any) -> PriceList:
        body = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}
        return self._call(Call("PATCH", f"/pricing/price-lists/{price_list_id}", json=body, model=PriceList))

    def set_prices(self, price_list_id: int, prices: dict[int, int]) -> PriceListDetail:
        body = {"items": [{"sku_id": sku, "price": price} for sku, price in prices.items()]}
        return self._call(
            Call("PUT", f"/pricing/price-lists/{price_list_id}/items", json=body, model=PriceListDetail)
        )

    def remove_price(self, price_list_id: int, sku_id: int) -> None:
        return self._call(
            Call("DELETE", f"/pricing/price-lists/{price_list_id}/items/{sku_id}", expect_empty=True)
        )

    def pricing_settings(self) -> PricingSettings:
        """The guard rails of price actions (HQ)."""
        return self._call(Call("GET", "/pricing/settings", model=PricingSettings))

    def set_min_margin(self, min_margin_bp: int) -> PricingSettings:
        body = {"min_margin_bp": min_margin_bp}
        return self._call(Call("PUT", "/pricing/settings", json=body, model=PricingSettings))

    def schedule_change(
        self, name: str, scope: str, scope_value: int, effective_at: datetime, prices: dict[int, int]
    ) -> PriceChange:
        """New prices (SKU id → fen) for a region, city tier or store from ``effective_at``; a price under
        cost plus the minimum margin is refused with ``price_below_floor``."""
        body = {
            "name": name,
            "scope": scope,
            "scope_value": scope_value,
            "effective_at": effective_at.isoformat(),
            "items": [{"sku_id": sku, "price": price} for sku, price in prices.items()],
        }
        return self._call(Call("POST", "/pricing/changes", json=body, model=PriceChange))

    def price_changes(self, status: str | None = None) -> list[PriceChange]:
        return self._call(Call("GET", "/pricing/changes", params={"status": status}, model=list[PriceChange]))

    def cancel_change(self, change_id: int) -> PriceChange:
        return self._call(Call("POST", f"/pricing/changes/{change_id}/cancel", model=PriceChange))

    def markdown_rules(self) -> list[MarkdownRule]:
        return self._call(Call("GET", "/pricing/markdown-rules", model=list[MarkdownRule]))

    def set_markdown_rule(
        self, days_left: int, percent_bp: int, category_id: int | None = None
    ) -> MarkdownRule:
        """At ``days_left`` or fewer days before expiry, ``percent_bp`` off (e.g. 3, 3000 = 30% off)."""
        body = {"days_left": days_left, "percent_bp": percent_bp, "category_id": category_id}
        return self._call(Call("PUT", "/pricing/markdown-rules", json=body, model=MarkdownRule))

    def delete_markdown_rule(self, rule_id: int) -> None:
        return self._call(Call("DELETE", f"/pricing/markdown-rules/{rule_id}", expect_empty=True))

    def markdowns(self, store_id: int | None = None) -> list[Markdown]:
        """Markdowns in force at the caller's stores."""
        return self._call(
            Call("GET", "/pricing/markdowns", params={"store_id": store_id}, model=list[Markdown])
        )

    def apply_markdowns(self) -> MarkdownRun:
        return self._call(Call("POST", "/pricing/markdowns/apply", model=MarkdownRun))

    def mark_down(self, store_id: int, batch_id: int, percent_bp: int) -> Markdown:
        """Mark down a near-expiry batch at the store (``percent_bp`` off, e.g. 3000 = 30%)."""
        body = {"batch_id": batch_id, "percent_bp": percent_bp}
        return self._call(Call("POST", f"/pricing/stores/{store_id}/markdowns", json=body, model=Markdown))
