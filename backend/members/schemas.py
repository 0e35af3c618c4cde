from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from backend.core.schemas import Schema

Language = Annotated[str, StringConstraints(pattern=r"^(zh-CN|en)$")]


class MemberUpdate(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None = None
    birthday: date | None = None
    language: Language | None = None
    marketing_consent: bool | None = None
    home_store_id: int | None = None


class PasswordSet(Schema):
    password: Annotated[str, StringConstraints(min_length=8, max_length=128)]


class Member(Schema):
    """A member's own profile (unmasked: it is theirs)."""

    id: int
    phone: str
    name: str | None
    birthday: date | None
    language: str
    marketing_consent: bool
    consent_at: datetime | None
    home_store_id: int | None
    has_password: bool = False
    created_at: datetime


class MemberSummary(Schema):
    """What a till, kiosk or clerk sees of a member: personal data masked."""

    id: int
    phone_masked: str
    name_masked: str | None
    birthday_this_month: bool = False


class MemberCode(Schema):
    code: str
    expires_in: int = Field(description="Seconds until the code stops working")


class MemberIdentify(Schema):
    code: Annotated[str, StringConstraints(min_length=10, max_length=2000)]


class Tier(Schema):
    code: str
    name_zh: str
    name_en: str
    min_spend_12m: int
    discount_bp: int
    points_multiplier_bp: int


class TierCreate(Schema):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,20}$")]
    name_zh: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    name_en: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    min_spend_12m: int = Field(ge=0, le=10**11)
    discount_bp: int = Field(default=0, ge=0, le=5000)
    points_multiplier_bp: int = Field(default=10000, ge=0, le=100000)


class TopupBonusRule(Schema):
    min_amount: int = Field(gt=0, le=10**9)
    bonus: int = Field(gt=0, le=10**9)


class Wallet(Schema):
    points: int
    stored_value: int
    spend_12m: int
    tier: Tier | None
    next_tier: Tier | None
    to_next_tier: int | None


class PointsEntry(Schema):
    id: int
    kind: str
    delta: int
    expires_at: datetime | None
    ref_type: str
    ref_id: str
    note: str | None
    created_at: datetime


class StoredValueEntry(Schema):
    id: int
    kind: str
    delta: int
    balance_after: int
    ref_type: str
    ref_id: str
    store_id: int | None
    created_at: datetime


class TopUpCreate(Schema):
    amount: int = Field(gt=0, le=10**8, description="Fen paid by the member")
    tender: Annotated[str, StringConstraints(pattern=r"^(cash|card)$")]
    store_id: int


class LoyaltyConfig(Schema):
    earn_points_per_yuan: int = Field(ge=0, le=1000, description="Points per yuan of goods paid for")
    points_valid_days: int = Field(ge=1, le=3650)
    redeem_points_per_yuan: int = Field(ge=1, le=100_000, description="Points that pay one yuan")
    redeem_max_bp: int = Field(ge=0, le=10_000, description="Largest share of an order points may pay")


class EarnRuleIn(Schema):
    kind: Annotated[str, StringConstraints(pattern=r"^(category|campaign)$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    category_id: int | None = Field(default=None, ge=1)
    channel: Annotated[str, StringConstraints(pattern=r"^(online|in_store)$")] | None = None
    multiplier_bp: int = Field(ge=0, le=100_000, description="10000 = 1x, 20000 = double points")
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    active: bool = True

    @model_validator(mode="after")
    def _shape(self) -> EarnRuleIn:
        if self.kind == "category" and self.category_id is None:
            raise ValueError("a category rule needs category_id")
        if self.kind == "campaign" and (self.starts_at is None or self.ends_at is None):
            raise ValueError("a campaign needs starts_at and ends_at")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class EarnRule(EarnRuleIn):
    id: int


class EventCouponIn(Schema):
    event: Annotated[str, StringConstraints(pattern=r"^(signup|birthday|arrival)$")]
    template_id: int = Field(ge=1)
    active: bool = True


class MallItemCreate(Schema):
    name_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    kind: Annotated[str, StringConstraints(pattern=r"^(coupon|sku)$")]
    template_id: int | None = Field(default=None, ge=1)
    sku_id: int | None = Field(default=None, ge=1)
    points: int = Field(gt=0, le=10**8)
    stock: int = Field(ge=0, le=10**7)
    per_member_limit: int = Field(default=1, ge=1, le=1000)
    active: bool = True

    @model_validator(mode="after")
    def _target(self) -> MallItemCreate:
        if self.kind == "coupon" and (self.template_id is None or self.sku_id is not None):
            raise ValueError("a coupon item names template_id only")
        if self.kind == "sku" and (self.sku_id is None or self.template_id is not None):
            raise ValueError("a SKU item names sku_id only")
        return self


class MallItemUpdate(Schema):
    name_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = (
        None
    )
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = (
        None
    )
    points: int | None = Field(default=None, gt=0, le=10**8)
    stock: int | None = Field(default=None, ge=0, le=10**7)
    per_member_limit: int | None = Field(default=None, ge=1, le=1000)
    active: bool | None = None


class MallItem(Schema):
    id: int
    name_zh: str
    name_en: str
    kind: str
    template_id: int | None
    sku_id: int | None
    points: int
    stock: int
    redeemed: int
    per_member_limit: int
    active: bool


class MallRedemption(Schema):
    id: int
    item_id: int
    points: int
    coupon_id: int | None
    status: str
    collected_store_id: int | None
    collected_at: datetime | None
    created_at: datetime


class MallCollect(Schema):
    store_id: int = Field(ge=1)


class MergeIn(Schema):
    kept_id: int = Field(ge=1, description="The account that stays")
    merged_id: int = Field(ge=1, description="The account folded into it and closed")


class MemberMergeOut(Schema):
    id: int
    kept_id: int
    merged_id: int
    merged_phone: str
    moved: dict[str, Any]
    created_at: datetime


class OnlineTopUpCreate(Schema):
    amount: int = Field(ge=100, le=10**8, description="Fen to add, paid through the payment gateway")
    provider: Annotated[str, StringConstraints(pattern=r"^[a-z_]{2,20}$")] = "sandbox"


class OnlineTopUp(Schema):
    """An online top-up: open ``pay_url`` (or show ``qr_payload``); the wallet is credited once paid."""

    id: int
    amount: int
    bonus: int
    status: str
    provider: str
    payment_id: int | None
    balance_after: int | None
    created_at: datetime
    paid_at: datetime | None
    pay_url: str | None = None
    qr_payload: str | None = None
