from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

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
