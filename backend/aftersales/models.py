"""After-sales: return and exchange requests, their lines and photos, and per-category return rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.aftersales.enums import RequestStatus
from backend.core.db import Base, created_at, intpk, updated_at


class CategoryRule(Base):
    """How a category (and the categories under it) may be returned: 生鲜 no-reason returns refused, and
    how many days after completion a quality claim is accepted."""

    __tablename__ = "aftersales_category_rules"

    id: Mapped[intpk]
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), unique=True)
    no_reason: Mapped[bool] = mapped_column(Boolean, default=True)
    no_reason_days: Mapped[int | None] = mapped_column(Integer)
    quality_days: Mapped[int] = mapped_column(Integer, default=15)
    note: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[updated_at]


class ReturnRequest(Base):
    """A shopper's request to return goods or exchange them for another spec of the same product."""

    __tablename__ = "aftersales_requests"
    __table_args__ = (UniqueConstraint("member_id", "client_ref"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The order's store decides the request; the goods may come back at any store.
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.PENDING, index=True)
    auto_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[int] = mapped_column(Integer, default=0)
    # Exchange: what the new specs cost minus what was paid for the old units (+ the shopper pays).
    difference: Mapped[int] = mapped_column(Integer, default=0)
    difference_paid: Mapped[int] = mapped_column(Integer, default=0)
    difference_payment_id: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(200))
    completed_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    order_return_id: Mapped[int | None] = mapped_column(ForeignKey("order_returns.id"))
    completed_at: Mapped[datetime | None]
    client_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class ReturnRequestLine(Base):
    __tablename__ = "aftersales_request_lines"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        ForeignKey("aftersales_requests.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    exchange_sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    exchange_price: Mapped[int | None] = mapped_column(Integer)


class ReturnRequestPhoto(Base):
    __tablename__ = "aftersales_request_photos"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        ForeignKey("aftersales_requests.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[created_at]
