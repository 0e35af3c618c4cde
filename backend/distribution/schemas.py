from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from backend.core.schemas import Schema

Bp = Annotated[int, Field(ge=0, le=5000, description="Basis points (1 bp = 0.01%)")]


class DistributionSettingsUpdate(Schema):
    enabled: bool | None = None
    levels: int | None = Field(default=None, ge=1, le=3)
    level1_bp: Bp | None = None
    level2_bp: Bp | None = None
    level3_bp: Bp | None = None
    min_withdrawal: int | None = Field(default=None, ge=1, le=10**9)

    @model_validator(mode="after")
    def _some(self) -> DistributionSettingsUpdate:
        if not self.model_fields_set:
            raise ValueError("nothing to change")
        return self


class DistributionSettings(Schema):
    enabled: bool
    levels: int
    level1_bp: int
    level2_bp: int
    level3_bp: int
    min_withdrawal: int
    # The after-sales window (days after completion) during which commission stays frozen.
    freeze_days: int


class Distributor(Schema):
    id: int
    member_id: int
    code: str
    link: str
    status: Literal["active", "disabled"]
    frozen: int
    available: int
    pending_withdrawal: int
    withdrawn: int
    referred_count: int
    created_at: datetime


class DistributorUpdate(Schema):
    status: Literal["active", "disabled"]


class ReferralCodeInfo(Schema):
    code: str
    distributor_name: str | None


class BindRequest(Schema):
    code: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=4, max_length=16)]
    via: Literal["code", "link"] = "code"


class Referral(Schema):
    member_id: int
    distributor_id: int
    code: str
    via: str
    bound_at: datetime


class ReferredMember(Schema):
    member_id: int
    # Masked, for the distributor's own view.
    name: str | None
    phone: str | None
    bound_at: datetime


class Commission(Schema):
    id: int
    distributor_id: int
    level: int
    order_id: int
    order_line_id: int
    store_id: int
    base: int
    rate_bp: int
    amount: int
    reversed: int
    net: int
    status: Literal["frozen", "settled", "reversed"]
    # When the after-sales window closes (None until the order is completed).
    unfreezes_at: datetime | None
    settled_at: datetime | None
    created_at: datetime


class LedgerEntry(Schema):
    id: int
    kind: str
    commission_id: int | None
    withdrawal_id: int | None
    frozen_delta: int
    available_delta: int
    note: str | None
    created_at: datetime


class WithdrawalCreate(Schema):
    amount: int = Field(gt=0, le=10**9)
    account: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]


class WithdrawalReview(Schema):
    approve: bool
    note: str | None = Field(default=None, max_length=120)
    reference: str | None = Field(default=None, max_length=64)


class Withdrawal(Schema):
    id: int
    distributor_id: int
    amount: int
    account: str
    status: Literal["pending", "approved", "rejected"]
    reviewed_at: datetime | None
    note: str | None
    reference: str | None
    created_at: datetime


class SyncResult(Schema):
    orders: int
    accrued: int
    reversed: int
    settled: int
