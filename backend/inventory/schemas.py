from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from backend.core.schemas import Schema

Qty = Annotated[int, Field(ge=1, le=1_000_000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
BatchNo = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[^|]*$")]
ClientId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Stock(Schema):
    store_id: int
    sku_id: int
    on_hand: int
    reserved: int
    available: int
    safety_stock: int
    reorder_point: int
    updated_at: datetime


class StockRow(Stock):
    sku_code: str
    product_id: int
    name_zh: str
    name_en: str
    shelf_location: str | None = None
    low: bool


class StockUpdate(Schema):
    safety_stock: int | None = Field(default=None, ge=0, le=1_000_000)
    reorder_point: int | None = Field(default=None, ge=0, le=1_000_000)


class AdjustmentCreate(Schema):
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    reason: Reason
    batch_no: BatchNo | None = None
    expires_on: date | None = None


class Batch(Schema):
    id: int
    store_id: int
    sku_id: int
    batch_no: str
    expires_on: date | None
    quantity: int
    received_at: datetime


class Movement(Schema):
    id: int
    store_id: int
    sku_id: int
    kind: str
    on_hand_delta: int
    reserved_delta: int
    quantity: int
    batch_id: int | None
    ref_type: str | None
    ref_id: str | None
    actor_kind: str
    actor_id: int | None
    note: str | None
    created_at: datetime


class Reservation(Schema):
    id: int
    store_id: int
    sku_id: int
    quantity: int
    ref_type: str
    ref_id: str
    status: str
    expires_at: datetime
    created_at: datetime
    closed_at: datetime | None = None
    close_reason: str | None = None


class Alert(Schema):
    id: int
    store_id: int
    sku_id: int
    kind: str
    status: str
    batch_id: int | None
    quantity: int
    detail: dict[str, Any]
    created_at: datetime
    closed_at: datetime | None = None


class ExpiryWindowSet(Schema):
    category_id: int | None = Field(default=None, description="None sets the default for every category")
    days: int = Field(ge=0, le=3650)


class ExpiryWindow(Schema):
    scope: str
    category_id: int | None
    days: int


class InTransit(Schema):
    to_store_id: int
    from_store_id: int
    sku_id: int
    quantity: int


# --- receipts and issues ---


class DocumentLineIn(Schema):
    sku_id: int = Field(ge=1)
    quantity: Qty
    batch_no: BatchNo | None = None
    expires_on: date | None = None
    unit_cost: int | None = Field(default=None, ge=0, le=10**10, description="Fen per unit")


class DocumentCreate(Schema):
    kind: Annotated[str, StringConstraints(pattern=r"^(receipt|issue)$")]
    store_id: int = Field(ge=1)
    reason: Reason | None = None
    supplier: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    note: Note | None = None
    lines: list[DocumentLineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _issue_needs_reason(self) -> DocumentCreate:
        if self.kind == "issue" and not self.reason:
            raise ValueError("an issue needs a reason (e.g. damaged, sample, return_to_supplier)")
        if self.kind == "issue" and any(line.batch_no or line.expires_on for line in self.lines):
            raise ValueError("issues take batches first-expiring-first; leave batch_no and expires_on out")
        return self


class DocumentLine(DocumentLineIn):
    id: int


class Document(Schema):
    id: int
    kind: str
    store_id: int
    status: str
    reason: str | None
    supplier: str | None
    note: str | None
    created_by: int | None
    submitted_by: int | None
    approved_by: int | None
    posted_by: int | None
    created_at: datetime
    posted_at: datetime | None
    lines: list[DocumentLine] = []


# --- transfers ---


class TransferLineIn(Schema):
    sku_id: int = Field(ge=1)
    quantity: Qty


class TransferCreate(Schema):
    from_store_id: int = Field(ge=1)
    to_store_id: int = Field(ge=1)
    note: Note | None = None
    lines: list[TransferLineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _two_stores(self) -> TransferCreate:
        if self.from_store_id == self.to_store_id:
            raise ValueError("a transfer goes between two different stores")
        if len({line.sku_id for line in self.lines}) != len(self.lines):
            raise ValueError("each SKU appears once")
        return self


class TransferReceiveLine(Schema):
    sku_id: int = Field(ge=1)
    received: int = Field(ge=0, le=1_000_000)
    reason: Note | None = None


class TransferReceive(Schema):
    lines: list[TransferReceiveLine] = Field(
        default_factory=list, max_length=500, description="Only lines received short; others arrive in full"
    )
    note: Note | None = None


class TransferLine(Schema):
    sku_id: int
    quantity: int
    shipped_qty: int
    received_qty: int
    batches: list[Any]
    short_reason: str | None


class Transfer(Schema):
    id: int
    from_store_id: int
    to_store_id: int
    status: str
    note: str | None
    receive_note: str | None
    requested_by: int | None
    approved_by: int | None
    shipped_by: int | None
    received_by: int | None
    created_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None
    lines: list[TransferLine] = []


# --- stocktakes ---


class StocktakeCreate(Schema):
    store_id: int = Field(ge=1)
    sku_ids: list[int] | None = Field(default=None, min_length=1, max_length=5000)
    shelf_zone: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None
    ) = None
    note: Note | None = None


class ScanIn(Schema):
    barcode: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,32}$")] | None
    ) = None
    sku_id: int | None = Field(default=None, ge=1)
    quantity: int = Field(default=1, ge=1, le=100_000)
    client_id: ClientId | None = None

    @model_validator(mode="after")
    def _one_key(self) -> ScanIn:
        if (self.barcode is None) == (self.sku_id is None):
            raise ValueError("give either a barcode or a sku_id")
        return self


class ScanResult(Schema):
    sku_id: int
    counted: int
    replayed: bool


class StocktakeLine(Schema):
    sku_id: int
    counted: int
    expected: int | None
    adjusted: int | None


class Stocktake(Schema):
    id: int
    store_id: int
    status: str
    sku_ids: list[int] | None
    shelf_zone: str | None
    note: str | None
    created_by: int | None
    submitted_by: int | None
    posted_by: int | None
    created_at: datetime
    posted_at: datetime | None
    lines: list[StocktakeLine] = []


class VarianceLine(Schema):
    sku_id: int
    sku_code: str
    expected: int
    counted: int
    variance: int
    unit_cost: int | None
    variance_value: int


class Variance(Schema):
    stocktake_id: int
    status: str
    lines: list[VarianceLine]
    units_over: int
    units_short: int
    value_over: int
    value_short: int
    value_net: int
    uncounted_sku_ids: list[int]
