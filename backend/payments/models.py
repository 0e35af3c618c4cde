"""Payments and refunds, and the sandbox gateway's own state (transactions, refunds, notification queue)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at, updated_at


class PaymentStatus(StrEnum):
    CREATED = "created"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CLOSED = "closed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


OPEN_STATUSES = (PaymentStatus.CREATED, PaymentStatus.PENDING)
PAID_STATUSES = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Payment(Base):
    """One attempt to collect ``amount`` fen for a reference (``ref_type``/``ref_id``) via one provider."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_ref", "ref_type", "ref_id"),)

    id: Mapped[bigpk]
    no: Mapped[str] = mapped_column(String(32), unique=True)
    ref_type: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    provider: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), default=PaymentStatus.CREATED)
    description: Mapped[str] = mapped_column(String(128))
    payer_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    provider_trade_no: Mapped[str | None] = mapped_column(String(64), index=True)
    pay_url: Mapped[str | None] = mapped_column(String(500))
    qr_text: Mapped[str | None] = mapped_column(String(500))
    # Succeeded refunds, and refunds asked of the provider whose outcome is not known yet.
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    refunding_amount: Mapped[int] = mapped_column(Integer, default=0)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class Refund(Base):
    __tablename__ = "payment_refunds"

    id: Mapped[bigpk]
    no: Mapped[str] = mapped_column(String(32), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.PENDING)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    provider_refund_no: Mapped[str | None] = mapped_column(String(64))
    requested_by_kind: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    succeeded_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class SandboxTransaction(Base):
    """The sandbox gateway's record of a payment it was asked to collect."""

    __tablename__ = "sandbox_transactions"

    id: Mapped[bigpk]
    trade_no: Mapped[str] = mapped_column(String(40), unique=True)
    out_trade_no: Mapped[str] = mapped_column(String(32), unique=True)
    token: Mapped[str] = mapped_column(String(48), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(128))
    # NOTPAY, SUCCESS, CLOSED, REVOKED (the payer cancelled on the pay page)
    status: Mapped[str] = mapped_column(String(16), default="NOTPAY")
    notify_url: Mapped[str] = mapped_column(String(500))
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class SandboxRefund(Base):
    __tablename__ = "sandbox_refunds"

    id: Mapped[bigpk]
    refund_no: Mapped[str] = mapped_column(String(40), unique=True)
    out_refund_no: Mapped[str] = mapped_column(String(32), unique=True)
    trade_no: Mapped[str] = mapped_column(String(40), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="PROCESSING")
    notify_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[created_at]


class SandboxNotification(Base):
    """The sandbox gateway's outbox: each notification is posted until the merchant answers 2xx."""

    __tablename__ = "sandbox_notifications"
    __table_args__ = (Index("ix_sandbox_notifications_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[bigpk]
    url: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    gave_up_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[created_at]
