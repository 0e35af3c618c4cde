from __future__ import annotations

from datetime import datetime

from pydantic import Field

from backend.aftersales.enums import ReasonCode, RequestKind
from backend.core.schemas import Schema


class RequestLineIn(Schema):
    order_line_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=999)
    exchange_sku_id: int | None = Field(default=None, gt=0)


class RequestCreate(Schema):
    order_id: int = Field(gt=0)
    kind: RequestKind = RequestKind.RETURN
    reason_code: ReasonCode
    reason: str = Field(default="", max_length=300)
    lines: list[RequestLineIn] = Field(min_length=1, max_length=50)
    client_ref: str | None = Field(default=None, min_length=8, max_length=64)


class Decision(Schema):
    note: str = Field(default="", max_length=200)


class Rejection(Schema):
    note: str = Field(min_length=2, max_length=200)


class Completion(Schema):
    store_id: int = Field(gt=0)


class RequestLine(Schema):
    id: int
    order_line_id: int
    sku_id: int
    quantity: int
    amount: int
    exchange_sku_id: int | None
    exchange_price: int | None


class RequestPhoto(Schema):
    id: int
    content_type: str
    byte_size: int
    width: int
    height: int
    created_at: datetime


class ReturnRequest(Schema):
    id: int
    member_id: int
    order_id: int
    store_id: int | None
    kind: str
    reason_code: str
    reason: str
    status: str
    auto_approved: bool
    amount: int
    difference: int
    difference_paid: int
    decision_note: str | None
    decided_at: datetime | None
    completed_store_id: int | None
    order_return_id: int | None
    completed_at: datetime | None
    created_at: datetime
    lines: list[RequestLine] = Field(default_factory=list)
    photos: list[RequestPhoto] = Field(default_factory=list)


class CategoryRuleIn(Schema):
    no_reason: bool = True
    no_reason_days: int | None = Field(default=None, ge=0, le=90)
    quality_days: int = Field(default=15, ge=0, le=365)
    note: str = Field(default="", max_length=120)


class CategoryRule(CategoryRuleIn):
    category_id: int
