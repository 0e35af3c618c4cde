"""Promotions, coupon templates and coupons over the API; a promotion's rule is checked per type."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from backend.core.schemas import Schema

Money = Annotated[int, Field(ge=0, le=100_000_000)]
PositiveMoney = Annotated[int, Field(gt=0, le=100_000_000)]
Bp = Annotated[int, Field(gt=0, le=10_000)]
Channel = Literal["online", "in_store"]
Id = Annotated[int, Field(gt=0)]


class Tier(BaseModel):
    threshold: PositiveMoney
    off: PositiveMoney

    @model_validator(mode="after")
    def _off_below_threshold(self) -> Tier:
        if self.off > self.threshold:
            raise ValueError("off must not exceed threshold")
        return self


class ThresholdRule(BaseModel):
    """满减: the highest tier reached applies (满100减10, 满200减30)."""

    type: Literal["threshold"] = "threshold"
    tiers: list[Tier] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _distinct(self) -> ThresholdRule:
        if len({t.threshold for t in self.tiers}) != len(self.tiers):
            raise ValueError("tier thresholds must differ")
        return self


class PercentRule(BaseModel):
    """Percent off, in basis points (1500 = 15% off)."""

    type: Literal["percent"] = "percent"
    percent_bp: Bp


class FixedRule(BaseModel):
    """Fixed fen off each unit (item group) or off the order (order group)."""

    type: Literal["fixed"] = "fixed"
    amount: PositiveMoney


class SpecialPriceRule(BaseModel):
    """特价: a limited-time unit price."""

    type: Literal["special_price"] = "special_price"
    price: PositiveMoney


class NthDiscountRule(BaseModel):
    """第N件N折: every n-th unit of a line at rate_bp of its price (n=2, 5000: second item half price)."""

    type: Literal["nth_discount"] = "nth_discount"
    n: Annotated[int, Field(ge=2, le=20)]
    rate_bp: Annotated[int, Field(ge=0, lt=10_000)]


class BundleRule(BaseModel):
    """One unit of each SKU together for ``price``."""

    type: Literal["bundle"] = "bundle"
    sku_ids: list[Id] = Field(min_length=2, max_length=10)
    price: PositiveMoney

    @model_validator(mode="after")
    def _distinct(self) -> BundleRule:
        if len(set(self.sku_ids)) != len(self.sku_ids):
            raise ValueError("bundle SKUs must differ")
        return self


class GiftRule(BaseModel):
    """A gift SKU added at zero price when the scope's spend reaches ``threshold``."""

    type: Literal["gift"] = "gift"
    threshold: PositiveMoney
    gift_sku_id: Id
    quantity: Annotated[int, Field(ge=1, le=10)] = 1


Rule = Annotated[
    ThresholdRule | PercentRule | FixedRule | SpecialPriceRule | NthDiscountRule | BundleRule | GiftRule,
    Field(discriminator="type"),
]
rule_adapter: TypeAdapter[Any] = TypeAdapter(Rule)


class _PromotionFields(BaseModel):
    @model_validator(mode="after")
    def _consistent(self) -> Any:
        starts, ends = getattr(self, "starts_at", None), getattr(self, "ends_at", None)
        if starts is not None and ends is not None and ends <= starts:
            raise ValueError("ends_at must be after starts_at")
        scope, ids = getattr(self, "scope", None), getattr(self, "scope_ids", None)
        if scope in ("skus", "categories") and not ids:
            raise ValueError("scope_ids are required for a sku or category scope")
        return self


class PromotionCreate(_PromotionFields):
    name_zh: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    rule: Rule
    scope: Literal["all", "skus", "categories"] = "all"
    scope_ids: list[Id] = Field(default_factory=list, max_length=500)
    channels: list[Channel] = Field(default_factory=lambda: ["online", "in_store"], min_length=1)
    store_ids: list[Id] | None = Field(default=None, max_length=1000)
    starts_at: datetime
    ends_at: datetime
    group: str = Field(default="item", pattern=r"^[a-z_]{1,20}$")
    exclusive: bool = False
    priority: int = Field(default=0, ge=-1000, le=1000)
    active: bool = True


class PromotionUpdate(_PromotionFields):
    name_zh: str | None = Field(default=None, min_length=1, max_length=120)
    name_en: str | None = Field(default=None, min_length=1, max_length=120)
    rule: Rule | None = None
    scope: Literal["all", "skus", "categories"] | None = None
    scope_ids: list[Id] | None = Field(default=None, max_length=500)
    channels: list[Channel] | None = Field(default=None, min_length=1)
    store_ids: list[Id] | None = Field(default=None, max_length=1000)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    group: str | None = Field(default=None, pattern=r"^[a-z_]{1,20}$")
    exclusive: bool | None = None
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    active: bool | None = None


class Promotion(Schema):
    id: int
    name_zh: str
    name_en: str
    type: str
    rule: dict[str, Any]
    scope: str
    scope_ids: list[int]
    channels: list[str]
    store_ids: list[int] | None
    starts_at: datetime
    ends_at: datetime
    group: str
    exclusive: bool
    priority: int
    active: bool


class CouponTemplateCreate(BaseModel):
    name_zh: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    kind: Literal["fixed", "percent", "threshold", "free_shipping"]
    amount: Money = 0
    percent_bp: Annotated[int, Field(ge=0, le=10_000)] = 0
    threshold: Money = 0
    channels: list[Channel] = Field(default_factory=lambda: ["online", "in_store"], min_length=1)
    store_ids: list[Id] | None = Field(default=None, max_length=1000)
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    valid_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    per_member_limit: Annotated[int, Field(ge=1, le=100)] = 1
    total_quantity: Annotated[int, Field(ge=1, le=10_000_000)]
    stackable: bool = False
    active: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> CouponTemplateCreate:
        if self.kind in ("fixed", "threshold") and self.amount <= 0:
            raise ValueError("amount is required for a fixed or threshold coupon")
        if self.kind == "threshold" and self.threshold < self.amount:
            raise ValueError("threshold must be at least the amount")
        if self.kind == "percent" and self.percent_bp <= 0:
            raise ValueError("percent_bp is required for a percent coupon")
        if (self.valid_days is None) == (self.valid_to is None):
            raise ValueError("give either valid_days or a valid_to window")
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class CouponTemplateUpdate(BaseModel):
    name_zh: str | None = Field(default=None, min_length=1, max_length=120)
    name_en: str | None = Field(default=None, min_length=1, max_length=120)
    channels: list[Channel] | None = Field(default=None, min_length=1)
    store_ids: list[Id] | None = Field(default=None, max_length=1000)
    per_member_limit: Annotated[int, Field(ge=1, le=100)] | None = None
    total_quantity: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    stackable: bool | None = None
    active: bool | None = None


class CouponTemplate(Schema):
    id: int
    name_zh: str
    name_en: str
    kind: str
    amount: int
    percent_bp: int
    threshold: int
    channels: list[str]
    store_ids: list[int] | None
    valid_from: datetime | None
    valid_to: datetime | None
    valid_days: int | None
    per_member_limit: int
    total_quantity: int
    issued: int
    stackable: bool
    active: bool


class CouponClaim(BaseModel):
    template_id: Id


class Coupon(Schema):
    id: int
    template_id: int
    member_id: int
    status: str
    valid_from: datetime
    valid_to: datetime
    used_order_ref: str | None
    used_at: datetime | None
    # What the coupon is (from its template), so a wallet can show it without a second call.
    name_zh: str | None = None
    name_en: str | None = None
    kind: str | None = None
    amount: int | None = None
    percent_bp: int | None = None
    threshold: int | None = None


class QuoteLine(BaseModel):
    sku_id: Id
    quantity: Annotated[int, Field(ge=1, le=999)]


class QuoteRequest(BaseModel):
    store_id: Id
    channel: Literal["online", "pos", "kiosk"] = "online"
    lines: list[QuoteLine] = Field(min_length=1, max_length=100)
    coupon_ids: list[Id] = Field(default_factory=list, max_length=20)


class QuoteDiscount(Schema):
    rule: str
    amount: int
    promotion_id: int | None = None
    coupon_id: int | None = None


class QuotedLine(Schema):
    sku_id: int
    quantity: int
    unit_price: int
    discounts: list[QuoteDiscount]
    line_total: int


class QuoteGift(Schema):
    sku_id: int
    quantity: int
    promotion_id: int
    rule: str


class QuoteHint(Schema):
    """凑单: spend ``gap`` more within the promotion's scope to reach ``threshold`` and save ``off``."""

    promotion_id: int
    rule: str
    threshold: int
    off: int
    gap: int
    suggestions: list[int]


class Quote(Schema):
    lines: list[QuotedLine]
    subtotal: int
    discount_total: int
    total: int
    coupon_ids: list[int]
    gifts: list[QuoteGift]
    hints: list[QuoteHint]
