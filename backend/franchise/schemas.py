from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator

from backend.core.schemas import Name, Phone, Schema

CommissionBp = Field(ge=0, le=10000, description="HQ commission, basis points of net sales")


class MerchantCreate(Schema):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: Name
    contact_phone: Phone | None = None
    commission_bp: int = CommissionBp


class MerchantUpdate(Schema):
    name: Name | None = None
    contact_phone: Phone | None = None
    commission_bp: int | None = Field(default=None, ge=0, le=10000)


class Merchant(Schema):
    id: int
    code: str
    name: str
    contact_phone: str | None
    commission_bp: int
    store_ids: list[int] = []
    created_at: datetime


class FundingSet(Schema):
    kind: Literal["promotion", "coupon_template"]
    ref_id: int = Field(gt=0)
    funder: Literal["hq", "merchant"]


class Funding(FundingSet):
    id: int


class StatementRequest(Schema):
    merchant_id: int = Field(gt=0)
    # Local (China) days, both included.
    period_start: date
    period_end: date

    @model_validator(mode="after")
    def _ordered(self) -> StatementRequest:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        if (self.period_end - self.period_start).days > 366:
            raise ValueError("a statement covers at most a year")
        return self


class Figures(Schema):
    orders: int
    # Σ quantity × unit price of the lines sold at the merchant's stores.
    gross_sales: int
    # Discounts on those lines by who funds them.
    discounts_hq: int
    discounts_merchant: int
    # Shipping charged on orders of the merchant's stores (after shipping discounts).
    shipping: int
    # What shoppers paid: gross − discounts + shipping (ties to the orders' totals).
    collected: int
    # Money given back in the period for sales of the merchant's stores.
    refunds: int
    # collected + HQ-funded discounts (HQ makes them good) − refunds.
    net_sales: int


class StoreFigures(Figures):
    store_id: int
    code: str
    name: str


class Statement(Figures):
    id: int
    merchant_id: int
    merchant_name: str
    period_start: date
    period_end: date
    commission_bp: int
    hq_commission: int
    distribution_commissions: int
    # net_sales − HQ commission − distribution commissions.
    payable: int
    stores: list[StoreFigures]
    generated_at: datetime
