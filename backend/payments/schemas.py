from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from backend.core.schemas import Fen, Schema

RefType = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_\-]*$")
]
RefId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
ProviderName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,16}$")]


class PaymentCreate(Schema):
    """Pay for a reference; the amount is what its domain says is due."""

    ref_type: RefType
    ref_id: RefId
    provider: ProviderName = "sandbox"


class OfflineTenderCreate(Schema):
    """Cash or a bank card taken at the till."""

    ref_type: RefType
    ref_id: RefId
    tender: Literal["cash", "card"]
    # The card terminal's reference (交易参考号) for card payments.
    terminal_ref: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None


class RefundCreate(Schema):
    amount: Annotated[int, Field(gt=0, le=10**10, description="Amount in fen (分)")]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Payment(Schema):
    id: int
    no: str
    ref_type: str
    ref_id: str
    amount: Fen
    currency: str
    provider: str
    status: str
    description: str
    payer_member_id: int | None
    store_id: int | None
    provider_trade_no: str | None
    pay_url: str | None
    qr_text: str | None
    refunded_amount: Fen
    refunding_amount: Fen
    failure_reason: str | None
    expires_at: datetime | None
    paid_at: datetime | None
    closed_at: datetime | None
    created_at: datetime


class Refund(Schema):
    id: int
    no: str
    payment_id: int
    amount: Fen
    reason: str
    status: str
    provider_refund_no: str | None
    failure_reason: str | None
    succeeded_at: datetime | None
    created_at: datetime
