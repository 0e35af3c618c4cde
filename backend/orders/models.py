"""Carts, orders and their lines, shipments (one picking task per fulfilling store), status history,
tenders and refunds, returns, routing decisions and the HQ settings for routing and returns.

An online order is filled by one or more shipments, one per store; each line belongs to one shipment and
holds its stock as a reservation referenced ``("order_line", line id)``. A till sale (POS or kiosk) is an
order with channel ``pos``/``kiosk`` and fulfilment ``in_store`` that is completed when it is created.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at, intpk, updated_at


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    # held by the risk rules for review (backend/intelligence/risk.py), before it can be paid
    HELD = "held"
    PAID = "paid"
    PICKING = "picking"
    READY_FOR_PICKUP = "ready_for_pickup"
    OUT_FOR_DELIVERY = "out_for_delivery"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class Fulfilment(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"
    SHIPPING = "shipping"
    IN_STORE = "in_store"


class Channel(StrEnum):
    ONLINE = "online"
    POS = "pos"
    KIOSK = "kiosk"


class ShipmentStatus(StrEnum):
    RESERVED = "reserved"  # waiting for payment
    TO_PICK = "to_pick"
    PICKING = "picking"
    PACKED = "packed"
    HANDED_OVER = "handed_over"  # collected, out for delivery or shipped
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class SubstitutionStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Cart(Base):
    """A member's cart (``owner_key`` "member:{id}") or a kiosk session's (``device:{id}:{session}``)."""

    __tablename__ = "carts"

    id: Mapped[intpk]
    owner_key: Mapped[str] = mapped_column(String(100), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class CartLine(Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "sku_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[intpk]
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[created_at]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_member", "member_id", "id"),
        Index("ix_orders_status_due", "status", "pay_by"),
        CheckConstraint("total >= 0", name="total_nonnegative"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= paid_amount", name="refund_within_paid"),
    )

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(24), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    fulfilment: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # The pickup, delivering or selling store; for a split order, the first shipment's store.
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    # Who placed a till sale: a staff member or a device.
    cashier_kind: Mapped[str | None] = mapped_column(String(10))
    cashier_id: Mapped[int | None] = mapped_column(Integer)
    # A till's client-generated id (offline sales); unique, so a replay applies nothing twice.
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    subtotal: Mapped[int] = mapped_column(Integer, default=0)
    discount_total: Mapped[int] = mapped_column(Integer, default=0)
    shipping_fee: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    paid_amount: Mapped[int] = mapped_column(Integer, default=0)
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    discounts: Mapped[list[Any]]
    # {"contact_name", "phone", "text", "latitude", "longitude"} for delivery and shipping.
    address: Mapped[dict[str, Any] | None]
    distance_m: Mapped[int | None] = mapped_column(Integer)
    pickup_slot_start: Mapped[datetime | None]
    pickup_slot_end: Mapped[datetime | None]
    pickup_code: Mapped[str | None] = mapped_column(String(6))
    note: Mapped[str | None] = mapped_column(String(200))
    cancel_reason: Mapped[str | None] = mapped_column(String(120))
    pay_by: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # When the sale happened at the till (an offline sale's own time); otherwise created_at.
    sold_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class Shipment(Base):
    """The part of an order one store fills; while it is to be picked it is that store's picking task."""

    __tablename__ = "order_shipments"
    __table_args__ = (Index("ix_order_shipments_store_status", "store_id", "status"),)

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    status: Mapped[str] = mapped_column(String(16), default=ShipmentStatus.RESERVED)
    picker_id: Mapped[int | None] = mapped_column(Integer)
    tracking_no: Mapped[str | None] = mapped_column(String(40))
    delivery_fee: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None]
    packed_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("picked_qty + short_qty <= quantity", name="picked_within_quantity"),
    )

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("order_shipments.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    sku_code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    specs: Mapped[dict[str, Any]]
    quantity: Mapped[int] = mapped_column(Integer)
    base_price: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    price_reason: Mapped[str] = mapped_column(String(20))
    discounts: Mapped[list[Any]]
    discount_total: Mapped[int] = mapped_column(Integer, default=0)
    # What the shopper pays for the line: quantity × unit price less the line's discounts.
    line_total: Mapped[int] = mapped_column(Integer)
    picked_qty: Mapped[int] = mapped_column(Integer, default=0)
    short_qty: Mapped[int] = mapped_column(Integer, default=0)
    short_reason: Mapped[str | None] = mapped_column(String(120))
    # A line added as a substitute for another (accepted by the shopper), charged at the original price.
    substitute_for_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    # {"sku_id", "quantity", "status", "requested_at", "answered_at"} while a substitute is offered.
    substitution: Mapped[dict[str, Any] | None]
    returned_qty: Mapped[int] = mapped_column(Integer, default=0)
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)


class OrderEvent(Base):
    """One status change of an order: who, when, from, to, why."""

    __tablename__ = "order_events"

    id: Mapped[bigpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]


class IdempotencyKey(Base):
    """The first result of a request made with an ``Idempotency-Key`` by one caller."""

    __tablename__ = "order_idempotency_keys"
    __table_args__ = (UniqueConstraint("owner_key", "key"),)

    id: Mapped[intpk]
    owner_key: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(80))
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    created_at: Mapped[created_at]


class Tender(Base):
    """How (part of) an order was paid: cash, card, a provider payment."""

    __tablename__ = "order_tenders"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # cash | card | sandbox_qr | online
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    # Cash handed over beyond ``amount`` and given back.
    tendered: Mapped[int] = mapped_column(Integer, default=0)
    change: Mapped[int] = mapped_column(Integer, default=0)
    payment_id: Mapped[str | None] = mapped_column(String(64), index=True)
    reference: Mapped[str | None] = mapped_column(String(64))
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]


class Refund(Base):
    """Money given back against one tender: a short pick, a cancellation or a return."""

    __tablename__ = "order_refunds"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("order_tenders.id"))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("order_returns.id"))
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(60))
    # The payments domain's refund id when the money went back through a provider.
    provider_refund_id: Mapped[str | None] = mapped_column(String(64))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    created_at: Mapped[created_at]


class OrderReturn(Base):
    """Goods brought back to a store (any store of the chain) against a completed order."""

    __tablename__ = "order_returns"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(Integer)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class ReturnLine(Base):
    __tablename__ = "order_return_lines"

    id: Mapped[intpk]
    return_id: Mapped[int] = mapped_column(ForeignKey("order_returns.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)


class RoutingConfig(Base):
    """HQ's weights for choosing the store that fills an online order (one row, ``id`` 1)."""

    __tablename__ = "routing_config"

    id: Mapped[intpk]
    weight_stock: Mapped[int] = mapped_column(Integer, default=60)
    weight_distance: Mapped[int] = mapped_column(Integer, default=30)
    weight_load: Mapped[int] = mapped_column(Integer, default=10)
    # Distance at which the distance score reaches zero.
    max_distance_m: Mapped[int] = mapped_column(Integer, default=50_000)
    shipping_fee: Mapped[int] = mapped_column(Integer, default=1000)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[updated_at]


class ReturnPolicy(Base):
    """How long after completion goods may be returned without a reason (无理由退货); one row, ``id`` 1."""

    __tablename__ = "return_policy"

    id: Mapped[intpk]
    window_days: Mapped[int] = mapped_column(Integer, default=7)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[updated_at]


class RoutingDecision(Base):
    """Why an order went to the store(s) it went to: every candidate with its scores."""

    __tablename__ = "routing_decisions"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    # single | split | fixed
    strategy: Mapped[str] = mapped_column(String(10))
    store_ids: Mapped[list[Any]]
    candidates: Mapped[list[Any]]
    weights: Mapped[dict[str, Any]]
    created_at: Mapped[created_at]


class KioskCheckout(Base):
    """A kiosk basket waiting for the shopper to pay by QR: priced once, turned into a sale by the
    payment's paid handler, so a paid sale exists even if the kiosk dies the moment after."""

    __tablename__ = "kiosk_checkouts"

    id: Mapped[intpk]
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # [[sku_id, quantity], ...]; a scale-labelled pack adds its label: [sku_id, quantity, label]
    lines: Mapped[list[Any]]
    total: Mapped[int] = mapped_column(Integer)
    # The part of the total the member's stored value and points pay (taken when the checkout opens,
    # given back if it is cancelled); the QR payment pays the rest.
    stored_value: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # awaiting_payment | paid
    status: Mapped[str] = mapped_column(String(20), default="awaiting_payment")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    priced_at: Mapped[datetime]
    created_at: Mapped[created_at]
