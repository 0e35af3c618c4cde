"""分销 distribution: distributors (members with a referral code), who referred whom (first touch),
commissions per paid order line and level, the ledger of every balance movement, and withdrawals.

A commission is created frozen when its order is paid, shrinks (is reversed, fully or in proportion)
when the line is refunded, and is settled into the distributor's available balance once the order's
after-sales window has passed. Balances change only by conditional updates.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at, intpk, updated_at


class CommissionStatus(StrEnum):
    FROZEN = "frozen"
    SETTLED = "settled"
    REVERSED = "reversed"


class EntryKind(StrEnum):
    ACCRUE = "accrue"
    REVERSE = "reverse"
    SETTLE = "settle"
    WITHDRAW = "withdraw"
    WITHDRAW_REJECTED = "withdraw_rejected"


class WithdrawalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DistributionSettings(Base):
    """HQ's distribution rules (one row, ``id`` 1): rates per level in basis points of the line's net."""

    __tablename__ = "distribution_settings"

    id: Mapped[intpk]
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # How many levels earn (1-3).
    levels: Mapped[int] = mapped_column(Integer, default=2)
    level1_bp: Mapped[int] = mapped_column(Integer, default=500)
    level2_bp: Mapped[int] = mapped_column(Integer, default=200)
    level3_bp: Mapped[int] = mapped_column(Integer, default=0)
    # Smallest withdrawal in fen.
    min_withdrawal: Mapped[int] = mapped_column(Integer, default=1000)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[updated_at]


class Distributor(Base):
    __tablename__ = "distributors"
    __table_args__ = (
        CheckConstraint("frozen >= 0", name="frozen_nonnegative"),
        CheckConstraint("pending_withdrawal >= 0", name="pending_nonnegative"),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # active | disabled
    status: Mapped[str] = mapped_column(String(10), default="active")
    # Commission not yet past its after-sales window.
    frozen: Mapped[int] = mapped_column(Integer, default=0)
    # Settled commission that may be withdrawn (a reversal after settlement may take it below zero).
    available: Mapped[int] = mapped_column(Integer, default=0)
    pending_withdrawal: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]


class Referral(Base):
    """A member bound to the distributor who referred them; the first binding is the only one."""

    __tablename__ = "distribution_referrals"

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"), index=True)
    # code | link
    via: Mapped[str] = mapped_column(String(8), default="code")
    bound_at: Mapped[created_at]


class Commission(Base):
    __tablename__ = "distribution_commissions"
    __table_args__ = (
        UniqueConstraint("order_line_id", "level"),
        Index("ix_distribution_commissions_distributor", "distributor_id", "id"),
        Index("ix_distribution_commissions_status", "status", "order_id"),
        CheckConstraint("reversed >= 0 AND reversed <= amount", name="reversed_within_amount"),
    )

    id: Mapped[intpk]
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"))
    level: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    buyer_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    # The line's net (after discounts) the commission was taken on, and the rate.
    base: Mapped[int] = mapped_column(Integer)
    rate_bp: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    reversed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=CommissionStatus.FROZEN)
    settled_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class OrderMark(Base):
    """What the distribution books last saw of an order, so a sync looks only at orders that moved."""

    __tablename__ = "distribution_order_marks"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    refunded_amount: Mapped[int] = mapped_column(Integer)
    settled: Mapped[bool] = mapped_column(Boolean, default=False)


class LedgerEntry(Base):
    """One movement of a distributor's balances: frozen and available deltas, and why."""

    __tablename__ = "distribution_ledger"
    __table_args__ = (Index("ix_distribution_ledger_distributor", "distributor_id", "id"),)

    id: Mapped[bigpk]
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"))
    kind: Mapped[str] = mapped_column(String(20))
    commission_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_commissions.id"))
    withdrawal_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_withdrawals.id"))
    store_id: Mapped[int | None] = mapped_column(Integer, index=True)
    frozen_delta: Mapped[int] = mapped_column(Integer, default=0)
    available_delta: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[created_at]


class Withdrawal(Base):
    __tablename__ = "distribution_withdrawals"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[intpk]
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    # Where the money goes, e.g. "微信零钱" or a bank account (masked when shown).
    account: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default=WithdrawalStatus.PENDING)
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    reviewed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(120))
    # The payout's reference once HQ paid it.
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
