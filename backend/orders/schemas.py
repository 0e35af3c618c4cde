"""Request and response shapes of carts, orders, picking, pickup, till sales, returns and routing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from backend.core.schemas import Fen, Name, Phone, Schema

Qty = Annotated[int, Field(ge=1, le=999)]
ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
FulfilmentKind = Literal["pickup", "delivery", "shipping"]


# --- cart ---


class CartLineIn(Schema):
    sku_id: int = Field(ge=1)
    quantity: Qty


class CartLineUpdate(Schema):
    quantity: Qty


class CartStoreIn(Schema):
    store_id: int | None = Field(default=None, ge=1)


class Discount(Schema):
    """One discount and why it applies."""

    rule: str
    amount: int


class Problem(Schema):
    """Why a cart line cannot be bought as it is (``code``: off_shelf, not_sold_here, out_of_stock,
    quantity_above_available, unknown_sku)."""

    code: str
    message: str
    available: int | None = None


class PricedLine(Schema):
    sku_id: int
    quantity: int
    name_zh: str = ""
    name_en: str = ""
    specs: dict[str, Any] = Field(default_factory=dict)
    store_id: int | None = None
    base_price: int = 0
    unit_price: int = 0
    price_reason: str = "base"
    discounts: list[Discount] = Field(default_factory=list)
    line_total: int = 0
    available: int | None = None
    problems: list[Problem] = Field(default_factory=list)
    # A scale-labelled pack (one label is one unit): the label, its net weight and the price per kg it
    # is charged at, or the price the scale printed on it.
    label: str | None = None
    weight_g: int | None = None
    price_per_kg: int | None = None
    label_price: int | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


class PricedCartOut(Schema):
    store_id: int | None
    lines: list[PricedLine]
    subtotal: int
    discounts: list[Discount]
    discount_total: int
    shipping_fee: int
    total: int
    valid: bool


# --- checkout ---


class Address(Schema):
    contact_name: Name
    phone: Phone
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class OrderCreate(Schema):
    fulfilment: FulfilmentKind
    # Required for pickup; for delivery or shipping, leave empty to let routing choose the store(s).
    store_id: int | None = Field(default=None, ge=1)
    # Lines to buy; when empty, the member's cart is bought (its valid lines).
    lines: list[CartLineIn] = Field(default_factory=list, max_length=100)
    address: Address | None = None
    pickup_slot_start: datetime | None = None
    note: str | None = Field(default=None, max_length=200)
    # The member's coupons to use; omitted: the best combination of their coupons is chosen (自动匹配);
    # [] uses none.
    coupon_ids: list[int] | None = Field(default=None, max_length=10)
    # Fen paid with points (100 points = 1 yuan by default, at most a share of the total).
    points_amount: int = Field(default=0, ge=0, le=10**9)
    # Fen paid from the member's stored value (储值).
    stored_value: int = Field(default=0, ge=0, le=10**9)

    @model_validator(mode="after")
    def _needs(self) -> OrderCreate:
        if self.fulfilment == "pickup" and (self.store_id is None or self.pickup_slot_start is None):
            raise ValueError("pickup needs store_id and pickup_slot_start")
        if self.fulfilment in ("delivery", "shipping") and self.address is None:
            raise ValueError(f"{self.fulfilment} needs an address")
        if (
            self.fulfilment == "delivery"
            and self.address is not None
            and (self.address.latitude is None or self.address.longitude is None)
        ):
            raise ValueError("delivery needs the address's latitude and longitude")
        sku_ids = [line.sku_id for line in self.lines]
        if len(sku_ids) != len(set(sku_ids)):
            raise ValueError("each SKU once per order")
        return self


class OrderLineOut(Schema):
    id: int
    shipment_id: int | None
    store_id: int
    sku_id: int
    sku_code: str
    name_zh: str
    name_en: str
    specs: dict[str, Any]
    quantity: int
    base_price: int
    unit_price: int
    price_reason: str
    discounts: list[Discount]
    discount_total: int
    line_total: int
    picked_qty: int
    short_qty: int
    short_reason: str | None
    substitute_for_id: int | None
    substitution: dict[str, Any] | None
    returned_qty: int
    refunded_amount: int


class ShipmentOut(Schema):
    id: int
    store_id: int
    status: str
    picker_id: int | None
    tracking_no: str | None
    delivery_fee: int
    started_at: datetime | None
    packed_at: datetime | None
    handed_over_at: datetime | None


class TenderOut(Schema):
    id: int
    method: str
    amount: int
    tendered: int
    change: int
    payment_id: str | None
    reference: str | None
    refunded_amount: int


class RefundOut(Schema):
    id: int
    tender_id: int | None
    return_id: int | None
    method: str
    amount: int
    reason: str
    provider_refund_id: str | None
    store_id: int | None
    created_at: datetime


class Order(Schema):
    id: int
    number: str
    channel: str
    fulfilment: str
    status: str
    member_id: int | None
    store_id: int | None
    client_id: str | None
    subtotal: int
    discount_total: int
    shipping_fee: int
    total: int
    paid_amount: int
    refunded_amount: int
    discounts: list[Discount]
    address: dict[str, Any] | None
    distance_m: int | None
    pickup_slot_start: datetime | None
    pickup_slot_end: datetime | None
    note: str | None
    cancel_reason: str | None
    pay_by: datetime | None
    paid_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    sold_at: datetime | None
    created_at: datetime
    lines: list[OrderLineOut] = Field(default_factory=list)
    shipments: list[ShipmentOut] = Field(default_factory=list)
    tenders: list[TenderOut] = Field(default_factory=list)
    refunds: list[RefundOut] = Field(default_factory=list)


class OrderSummary(Schema):
    id: int
    number: str
    channel: str
    fulfilment: str
    status: str
    member_id: int | None
    store_id: int | None
    total: int
    refunded_amount: int
    created_at: datetime


class OrderEventOut(Schema):
    id: int
    from_status: str | None
    to_status: str
    actor_kind: str
    actor_id: int | None
    note: str | None
    created_at: datetime


class CancelIn(Schema):
    reason: Reason = "shopper cancelled"


class PayIn(Schema):
    """A sandbox payment of the whole order (used when no payment provider is configured)."""

    method: Literal["sandbox_qr", "card"] = "sandbox_qr"
    reference: str | None = Field(default=None, max_length=64)


class PaymentStart(Schema):
    order_id: int
    amount: int
    payment_id: str | None = None
    provider: str
    pay_url: str | None = None
    qr_payload: str | None = None
    paid: bool = False


class ShipIn(Schema):
    tracking_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]


# --- picking ---


class PickLine(Schema):
    line_id: int
    sku_id: int
    sku_code: str
    name_zh: str
    name_en: str
    specs: dict[str, Any]
    shelf_location: str | None
    barcodes: list[str]
    quantity: int
    picked_qty: int
    short_qty: int
    remaining: int
    substitution: dict[str, Any] | None
    substitute_for_id: int | None


class PickTask(Schema):
    id: int
    order_id: int
    order_number: str
    fulfilment: str
    store_id: int
    status: str
    picker_id: int | None
    created_at: datetime
    pickup_slot_start: datetime | None
    lines: list[PickLine] = Field(default_factory=list)


class ScanIn(Schema):
    barcode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    quantity: Qty = 1


class ShortPickIn(Schema):
    quantity: Qty
    reason: Reason


class SubstituteIn(Schema):
    sku_id: int = Field(ge=1)
    quantity: Qty | None = None


class SubstitutionAnswer(Schema):
    accept: bool


# --- pickup ---


class PickupCode(Schema):
    order_id: int
    store_id: int
    code: str
    qr: str
    expires_at: datetime


class PickupScan(Schema):
    store_id: int = Field(ge=1)
    code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    qr: Annotated[str, StringConstraints(min_length=10, max_length=2000)] | None = None

    @model_validator(mode="after")
    def _one(self) -> PickupScan:
        if (self.code is None) == (self.qr is None):
            raise ValueError("give either the 6-digit code or the scanned QR text")
        return self


# --- till sales ---


class PosLineIn(Schema):
    sku_id: int | None = Field(default=None, ge=1)
    barcode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None = (
        None
    )
    quantity: Qty

    @model_validator(mode="after")
    def _one(self) -> PosLineIn:
        if (self.sku_id is None) == (self.barcode is None):
            raise ValueError("give either sku_id or barcode")
        return self


class TenderIn(Schema):
    # points and stored_value are paid from the identified member's wallet (member_id required).
    method: Literal["cash", "card", "sandbox_qr", "stored_value", "points"]
    # For cash, the money handed over (change is given back); otherwise the amount charged (fen; for
    # points, the fen the points pay).
    amount: Annotated[int, Field(ge=1, le=10**9)]
    reference: str | None = Field(default=None, max_length=64)


class PosSaleCreate(Schema):
    client_id: ClientId
    store_id: int | None = Field(default=None, ge=1)
    lines: list[PosLineIn] = Field(default_factory=list, max_length=200)
    # A kiosk may sell its cart session instead of listing lines.
    cart_session_id: ClientId | None = None
    member_id: int | None = Field(default=None, ge=1)
    # The member's current signed member code (the QR on their phone), scanned at the till: needed to
    # spend their stored value, points or coupons; it names the member when member_id is left out.
    member_code: str | None = Field(default=None, min_length=10, max_length=2000)
    tenders: list[TenderIn] = Field(min_length=1, max_length=5)
    # When the sale happened (offline sales); defaults to now.
    created_at: datetime | None = None
    # The member's coupons to use; omitted: the best combination of their coupons (自动匹配).
    coupon_ids: list[int] | None = Field(default=None, max_length=10)

    @model_validator(mode="after")
    def _lines(self) -> PosSaleCreate:
        if not self.lines and self.cart_session_id is None:
            raise ValueError("a sale needs lines or a cart session")
        if (
            self.member_id is None
            and self.member_code is None
            and any(t.method in ("stored_value", "points") for t in self.tenders)
        ):
            raise ValueError("stored_value and points tenders need the member's code")
        if len({t.method for t in self.tenders if t.method in ("stored_value", "points")}) != len(
            [t for t in self.tenders if t.method in ("stored_value", "points")]
        ):
            raise ValueError("at most one stored_value and one points tender")
        return self


class PosQuoteCreate(Schema):
    """A till basket to price exactly as the sale will charge it (the member's coupons and tier too)."""

    store_id: int = Field(ge=1)
    lines: list[PosLineIn] = Field(min_length=1, max_length=200)
    member_id: int | None = Field(default=None, ge=1)
    member_code: str | None = Field(default=None, min_length=10, max_length=2000)
    coupon_ids: list[int] | None = Field(default=None, max_length=10)


class OfflineBatch(Schema):
    sales: list[PosSaleCreate] = Field(min_length=1, max_length=500)


class OfflineResult(Schema):
    client_id: str
    status: Literal["applied", "duplicate", "rejected"]
    order_id: int | None = None
    number: str | None = None
    error: str | None = None
    message: str | None = None
    shortfall: list[dict[str, int]] = Field(default_factory=list)


class Receipt(Schema):
    order_id: int
    number: str
    store_id: int | None
    store_name: str
    sold_at: datetime
    lines: list[dict[str, Any]]
    subtotal: int
    discount_total: int
    total: int
    tenders: list[dict[str, Any]]
    change: int
    qr: str
    text: str


# --- returns ---


class ReturnLineIn(Schema):
    order_line_id: int = Field(ge=1)
    quantity: Qty


class ReturnCreate(Schema):
    order_id: int = Field(ge=1)
    store_id: int = Field(ge=1)
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=100)
    reason: Reason = "七天无理由退货"
    client_id: ClientId | None = None


class ReturnLineOut(Schema):
    id: int
    order_line_id: int
    sku_id: int
    quantity: int
    amount: int


class ReturnOut(Schema):
    id: int
    order_id: int
    store_id: int
    reason: str
    amount: int
    created_at: datetime
    lines: list[ReturnLineOut] = Field(default_factory=list)
    refunds: list[RefundOut] = Field(default_factory=list)
    order_status: str = ""


class ReturnPolicyOut(Schema):
    window_days: int


class ReturnPolicyUpdate(Schema):
    window_days: int = Field(ge=0, le=365)


# --- routing ---


class RoutingConfigOut(Schema):
    weight_stock: int
    weight_distance: int
    weight_load: int
    max_distance_m: int
    shipping_fee: int


class RoutingConfigUpdate(Schema):
    weight_stock: int | None = Field(default=None, ge=0, le=1000)
    weight_distance: int | None = Field(default=None, ge=0, le=1000)
    weight_load: int | None = Field(default=None, ge=0, le=1000)
    max_distance_m: int | None = Field(default=None, ge=100, le=5_000_000)
    shipping_fee: Fen | None = None


class RoutingDecisionOut(Schema):
    order_id: int
    strategy: str
    store_ids: list[int]
    candidates: list[dict[str, Any]]
    weights: dict[str, Any]
    created_at: datetime


class KioskLineIn(Schema):
    sku_id: int | None = Field(default=None, ge=1)
    # An item's barcode, or a scale label (in-store EAN-13 with the pack's weight or price).
    barcode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None = (
        None
    )
    quantity: Qty

    @model_validator(mode="after")
    def _one(self) -> KioskLineIn:
        if (self.sku_id is None) == (self.barcode is None):
            raise ValueError("give either sku_id or barcode")
        return self


class KioskBasketIn(Schema):
    """A kiosk session's cart plus the scale-labelled packs the kiosk holds, to price together."""

    cart_session_id: ClientId
    lines: list[KioskLineIn] = Field(default_factory=list, max_length=200)


class KioskCheckoutCreate(Schema):
    client_id: ClientId
    lines: list[KioskLineIn] = Field(default_factory=list, max_length=200)
    cart_session_id: ClientId | None = None
    member_id: int | None = Field(default=None, ge=1)
    # The member's signed member code as scanned from their phone: needed whenever a member is named,
    # since their coupons, points and stored value may be spent.
    member_code: str | None = Field(default=None, min_length=10, max_length=2000)
    # As at checkout: coupons (omitted: chosen automatically), fen paid with points and stored value.
    # Points and stored value pay the whole basket (sold at once, no QR payment) or part of it, the QR
    # payment paying the rest; they are taken when the checkout opens and given back if it is cancelled.
    coupon_ids: list[int] | None = Field(default=None, max_length=10)
    points_amount: int = Field(default=0, ge=0, le=10**9)
    stored_value: int = Field(default=0, ge=0, le=10**9)

    @model_validator(mode="after")
    def _lines(self) -> KioskCheckoutCreate:
        if not self.lines and self.cart_session_id is None:
            raise ValueError("a checkout needs lines or a cart session")
        if self.member_id is None and (self.points_amount or self.stored_value or self.coupon_ids):
            raise ValueError("points, stored value and coupons need member_id")
        return self


class KioskCheckout(Schema):
    client_id: str
    store_id: int
    member_id: int | None
    # [sku_id, quantity] or, for scale-labelled packs, [sku_id, quantity, label]
    lines: list[list[int | str]]
    total: int
    stored_value: int = 0
    points_amount: int = 0
    # What the QR payment pays: the total less the stored value and points.
    due: int = 0
    status: str
    order_id: int | None
    created_at: datetime

    @model_validator(mode="after")
    def _due(self) -> KioskCheckout:
        self.due = max(0, self.total - self.stored_value - self.points_amount)
        return self


# --- ratings ---


class OrderRatingCreate(Schema):
    stars: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class OrderRating(Schema):
    id: int
    order_id: int
    member_id: int
    store_id: int | None
    stars: int
    comment: str
    created_at: datetime


class ScanAndGoCreate(Schema):
    # The store the shopper is in; the lines they scanned there.
    store_id: int = Field(ge=1)
    lines: list[CartLineIn] = Field(min_length=1, max_length=100)
    note: str | None = Field(default=None, max_length=200)
    coupon_ids: list[int] | None = Field(default=None, max_length=10)
    points_amount: int = Field(default=0, ge=0, le=10**9)
    stored_value: int = Field(default=0, ge=0, le=10**9)

    @model_validator(mode="after")
    def _once(self) -> ScanAndGoCreate:
        sku_ids = [line.sku_id for line in self.lines]
        if len(sku_ids) != len(set(sku_ids)):
            raise ValueError("each SKU once per order")
        return self


class ExitCheckIn(Schema):
    store_id: int = Field(ge=1)
    # The exit-pass QR text (or the order number typed in).
    code: str = Field(min_length=6, max_length=40)
