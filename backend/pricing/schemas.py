from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from backend.core.schemas import Name, Schema

# A selling price: whole fen, above zero.
Price = Annotated[int, Field(gt=0, le=10**9, strict=True, description="Price in fen (分), above zero")]
ScopeName = Literal["store", "region", "city_tier"]
Reason = Literal["store", "region", "city_tier", "base", "markdown"]


class PriceListItemIn(Schema):
    sku_id: int = Field(gt=0)
    price: Price


class PriceListItem(PriceListItemIn):
    pass


def _window_ordered(valid_from: datetime | None, valid_to: datetime | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        raise ValueError("valid_to must be after valid_from")


class PriceListCreate(Schema):
    name: Name
    scope: ScopeName
    # The store id, the region id, or the city tier (1-5), depending on ``scope``.
    scope_value: int = Field(gt=0)
    priority: int = Field(default=0, ge=-1000, le=1000)
    # Defaults to now.
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool = True
    items: list[PriceListItemIn] = Field(default_factory=list, max_length=5000)

    @model_validator(mode="after")
    def _check(self) -> PriceListCreate:
        _window_ordered(self.valid_from, self.valid_to)
        skus = [item.sku_id for item in self.items]
        if len(skus) != len(set(skus)):
            raise ValueError("each SKU may appear only once in a price list")
        return self


class PriceListUpdate(Schema):
    name: Name | None = None
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> PriceListUpdate:
        _window_ordered(self.valid_from, self.valid_to)
        return self


class PriceListItemsSet(Schema):
    """Prices to set (insert or change) in a list; other SKUs of the list keep theirs."""

    items: list[PriceListItemIn] = Field(min_length=1, max_length=5000)

    @model_validator(mode="after")
    def _check(self) -> PriceListItemsSet:
        skus = [item.sku_id for item in self.items]
        if len(skus) != len(set(skus)):
            raise ValueError("each SKU may appear only once")
        return self


class PriceList(Schema):
    id: int
    name: str
    scope: ScopeName
    scope_value: int
    priority: int
    valid_from: datetime
    valid_to: datetime | None
    active: bool
    created_at: datetime
    updated_at: datetime


class PriceListDetail(PriceList):
    items: list[PriceListItem]


class AppliedList(Schema):
    id: int
    name: str
    scope: ScopeName
    priority: int


class ResolvedPriceOut(Schema):
    sku_id: int
    store_id: int | None
    price: int
    base_price: int
    # Which level set the price: a store override, a region list, a city-tier list, or the base price.
    reason: Reason
    price_list: AppliedList | None
    # Basis points off for a near-expiry batch at this store (reason "markdown").
    markdown_bp: int | None = None
    at: datetime


class QuoteLineIn(Schema):
    sku_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=10_000)


class QuoteRequest(Schema):
    store_id: int = Field(gt=0)
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=200)
    at: datetime | None = None


class QuoteLine(Schema):
    sku_id: int
    quantity: int
    unit_price: int
    base_price: int
    line_total: int
    reason: Reason
    price_list: AppliedList | None
    markdown_bp: int | None = None


class Quote(Schema):
    store_id: int
    at: datetime
    lines: list[QuoteLine]
    total: int


class PricingSettings(Schema):
    min_margin_bp: int


class PricingSettingsUpdate(Schema):
    min_margin_bp: int = Field(ge=0, le=100_000, description="Minimum margin over cost, basis points")


class PriceChangeCreate(Schema):
    """New prices for a region, city tier or store from ``effective_at`` on."""

    name: Name
    scope: ScopeName
    scope_value: int = Field(gt=0)
    effective_at: datetime
    items: list[PriceListItemIn] = Field(min_length=1, max_length=5000)

    @model_validator(mode="after")
    def _check(self) -> PriceChangeCreate:
        skus = [item.sku_id for item in self.items]
        if len(skus) != len(set(skus)):
            raise ValueError("each SKU may appear only once")
        return self


class PriceChangeItem(Schema):
    sku_id: int
    price: int
    cost_price: int | None
    floor: int | None


class PriceChange(Schema):
    id: int
    name: str
    scope: ScopeName
    scope_value: int
    effective_at: datetime
    price_list_id: int
    items: list[PriceChangeItem]
    status: Literal["scheduled", "effective", "cancelled"]
    created_at: datetime


class MarkdownRuleCreate(Schema):
    # None: every category without rules of its own.
    category_id: int | None = Field(default=None, gt=0)
    days_left: int = Field(ge=0, le=365)
    percent_bp: int = Field(gt=0, lt=10000, description="Basis points off, e.g. 3000 = 30% off")


class MarkdownRule(Schema):
    id: int
    category_id: int | None
    days_left: int
    percent_bp: int
    active: bool


class Markdown(Schema):
    id: int
    batch_id: int
    store_id: int
    sku_id: int
    rule_id: int | None
    percent_bp: int
    expires_on: date
    marked_by: int | None = None


class MarkdownRun(Schema):
    added: int
    changed: int
    removed: int


class StoreMarkdownCreate(Schema):
    """A markdown a store's staff put on one near-expiry batch at their store."""

    batch_id: int = Field(gt=0)
    percent_bp: int = Field(ge=100, le=9000, description="Basis points off, e.g. 3000 = 30% off")
