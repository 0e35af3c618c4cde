"""Stock per (store, SKU), batches with expiry, the append-only ledger, reservations, stock documents
(receipt, issue, transfer, stocktake), alerts and near-expiry windows.

Every unit on hand lives in a batch: a receipt without a batch number goes to the SKU's untracked
batch (``batch_no`` "" and no expiry), so the batch quantities of a (store, SKU) always add up to
``on_hand``. Sales take batches first-expiring-first; batches without an expiry go last.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at, intpk, updated_at


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    SALE = "sale"
    RESERVATION = "reservation"
    RELEASE = "release"
    FULFIL = "fulfil"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUSTMENT = "adjustment"
    STOCKTAKE = "stocktake"
    RETURN = "return"
    ISSUE = "issue"
    # Units sold offline that the store no longer had: no stock moves, the gap is recorded.
    SHORTFALL = "shortfall"


class ReservationStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    FULFILLED = "fulfilled"
    EXPIRED = "expired"


class Stock(Base):
    """On hand and reserved units of one SKU at one store; available = on_hand - reserved."""

    __tablename__ = "stock"
    __table_args__ = (
        UniqueConstraint("store_id", "sku_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_nonnegative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    safety_stock: Mapped[int] = mapped_column(Integer, default=0)
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[updated_at]


class StockBatch(Base):
    """Units of one SKU at one store from one batch; ``batch_key`` is batch_no|expires_on."""

    __tablename__ = "stock_batches"
    __table_args__ = (
        UniqueConstraint("store_id", "sku_id", "batch_key"),
        CheckConstraint("quantity >= 0", name="quantity_nonnegative"),
        Index("ix_stock_batches_expiry", "store_id", "expires_on"),
    )

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    batch_no: Mapped[str] = mapped_column(String(40), default="")
    batch_key: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[created_at]


class StockMovement(Base):
    """One line of the append-only stock ledger."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        Index("ix_stock_movements_store_sku", "store_id", "sku_id", "id"),
        Index("ix_stock_movements_ref", "ref_type", "ref_id"),
    )

    id: Mapped[bigpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    kind: Mapped[str] = mapped_column(String(20))
    on_hand_delta: Mapped[int] = mapped_column(Integer, default=0)
    reserved_delta: Mapped[int] = mapped_column(Integer, default=0)
    # Units concerned; for a shortfall, the units sold that were not there.
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("stock_batches.id"))
    ref_type: Mapped[str | None] = mapped_column(String(30))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    actor_kind: Mapped[str] = mapped_column(String(16), default="system")
    actor_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]


class Reservation(Base):
    """Units held for an order (or another reference) until paid, released or expired."""

    __tablename__ = "stock_reservations"
    __table_args__ = (
        Index("ix_stock_reservations_ref", "ref_type", "ref_id"),
        Index("ix_stock_reservations_due", "status", "expires_at"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[bigpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    ref_type: Mapped[str] = mapped_column(String(30))
    ref_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=ReservationStatus.ACTIVE)
    expires_at: Mapped[datetime]
    created_at: Mapped[created_at]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(60))


class StockDocument(Base):
    """A receipt (入库单) or issue (出库单): draft → submitted → approved → posted, or cancelled."""

    __tablename__ = "stock_documents"

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(16))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    reason: Mapped[str | None] = mapped_column(String(60))
    supplier: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    approved_by: Mapped[int | None] = mapped_column(Integer)
    posted_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    posted_at: Mapped[datetime | None]


class StockDocumentLine(Base):
    __tablename__ = "stock_document_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[intpk]
    document_id: Mapped[int] = mapped_column(ForeignKey("stock_documents.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    batch_no: Mapped[str | None] = mapped_column(String(40))
    expires_on: Mapped[date | None] = mapped_column(Date)
    unit_cost: Mapped[int | None] = mapped_column(Integer)


class Transfer(Base):
    """调拨单: requested → approved → shipped (in transit) → received, or cancelled before shipping."""

    __tablename__ = "stock_transfers"
    __table_args__ = (CheckConstraint("from_store_id <> to_store_id", name="distinct_stores"),)

    id: Mapped[intpk]
    from_store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    to_store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    receive_note: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_by: Mapped[int | None] = mapped_column(Integer)
    approved_by: Mapped[int | None] = mapped_column(Integer)
    shipped_by: Mapped[int | None] = mapped_column(Integer)
    received_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    shipped_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]


class TransferLine(Base):
    __tablename__ = "stock_transfer_lines"
    __table_args__ = (
        UniqueConstraint("transfer_id", "sku_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[intpk]
    transfer_id: Mapped[int] = mapped_column(ForeignKey("stock_transfers.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    shipped_qty: Mapped[int] = mapped_column(Integer, default=0)
    received_qty: Mapped[int] = mapped_column(Integer, default=0)
    # The batches that left the source: [{"batch_no", "expires_on", "quantity"}], FEFO order.
    batches: Mapped[list[Any]]
    short_reason: Mapped[str | None] = mapped_column(String(200))


class Stocktake(Base):
    """盘点单: open (counting by scanning) → submitted (variance review) → posted, or cancelled."""

    __tablename__ = "stocktakes"

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    # Optional scope: these SKUs only, and/or SKUs whose shelf location starts with the zone.
    sku_ids: Mapped[list[Any] | None]
    shelf_zone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    posted_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    posted_at: Mapped[datetime | None]


class StocktakeLine(Base):
    __tablename__ = "stocktake_lines"
    __table_args__ = (UniqueConstraint("stocktake_id", "sku_id"),)

    id: Mapped[intpk]
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    counted: Mapped[int] = mapped_column(Integer, default=0)
    # Filled in when posted: what the books said and what was adjusted.
    expected: Mapped[int | None] = mapped_column(Integer)
    adjusted: Mapped[int | None] = mapped_column(Integer)


class StocktakeScan(Base):
    """One scan during a count; ``client_id`` makes a replayed scan count once."""

    __tablename__ = "stocktake_scans"
    __table_args__ = (UniqueConstraint("stocktake_id", "client_id"),)

    id: Mapped[bigpk]
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    barcode: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class StockAlert(Base):
    """low_stock | near_expiry | shortfall, open until acknowledged or (low stock) recovered."""

    __tablename__ = "stock_alerts"
    __table_args__ = (Index("ix_stock_alerts_open", "store_id", "status", "kind"),)

    id: Mapped[bigpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("stock_batches.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[created_at]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(Integer)


class ExpiryWindow(Base):
    """How many days before expiry a batch counts as near expiry (临期): per category, or the default."""

    __tablename__ = "expiry_windows"
    __table_args__ = (UniqueConstraint("scope"),)

    id: Mapped[intpk]
    # "default" or "category:{id}", so the default row is unique on every database.
    scope: Mapped[str] = mapped_column(String(40))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[updated_at]
