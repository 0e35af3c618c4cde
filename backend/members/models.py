"""Members: one shopper identity by phone across app, kiosk and till."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at, intpk


class Member(Base):
    __tablename__ = "members"

    id: Mapped[intpk]
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str | None] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    birthday: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None]
    home_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    created_at: Mapped[created_at]
    deleted_at: Mapped[datetime | None]


class MemberWallet(Base):
    """Points, stored value and tier of one member; balances change only by conditional updates."""

    __tablename__ = "member_wallets"
    __table_args__ = (
        CheckConstraint("points >= 0", name="points_nonnegative"),
        CheckConstraint("stored_value >= 0", name="stored_value_nonnegative"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    stored_value: Mapped[int] = mapped_column(Integer, default=0)
    tier_code: Mapped[str] = mapped_column(String(20), default="normal")
    spend_12m: Mapped[int] = mapped_column(Integer, default=0)
    tier_updated_at: Mapped[datetime | None]


class PointsEntry(Base):
    """The points ledger. Earn rows are lots: ``remaining`` is what is left of them to spend or expire."""

    __tablename__ = "points_entries"
    __table_args__ = (
        UniqueConstraint("member_id", "kind", "ref_type", "ref_id"),
        Index("ix_points_entries_lots", "member_id", "expires_at"),
    )

    id: Mapped[bigpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # earn | redeem | expire | reverse | restore (a lot of points given back by a refund)
    kind: Mapped[str] = mapped_column(String(16))
    delta: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None]
    ref_type: Mapped[str] = mapped_column(String(24))
    ref_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]


class StoredValueEntry(Base):
    """The stored-value (储值) ledger; ``balance_after`` makes statements readable."""

    __tablename__ = "stored_value_entries"
    __table_args__ = (UniqueConstraint("member_id", "kind", "ref_type", "ref_id"),)

    id: Mapped[bigpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    # topup | bonus | pay | refund | adjust
    kind: Mapped[str] = mapped_column(String(16))
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    ref_type: Mapped[str] = mapped_column(String(24))
    ref_id: Mapped[str] = mapped_column(String(64))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    created_at: Mapped[created_at]


class TierRule(Base):
    """A membership tier reached by rolling 12-month spend (e.g. 银卡 / 金卡 / 钻石卡)."""

    __tablename__ = "tier_rules"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(20))
    min_spend_12m: Mapped[int] = mapped_column(Integer)
    discount_bp: Mapped[int] = mapped_column(Integer, default=0)
    points_multiplier_bp: Mapped[int] = mapped_column(Integer, default=10000)


class MemberSpend(Base):
    """Money a member spent (negative for refunds), the basis of tiers."""

    __tablename__ = "member_spend"
    __table_args__ = (
        UniqueConstraint("member_id", "ref_type", "ref_id"),
        Index("ix_member_spend_member_at", "member_id", "occurred_at"),
    )

    id: Mapped[bigpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(Integer)
    ref_type: Mapped[str] = mapped_column(String(24))
    ref_id: Mapped[str] = mapped_column(String(64))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    occurred_at: Mapped[datetime]


class TopupBonus(Base):
    """Top up at least ``min_amount`` and get ``bonus`` (充500送50)."""

    __tablename__ = "topup_bonuses"

    id: Mapped[intpk]
    min_amount: Mapped[int] = mapped_column(Integer, unique=True)
    bonus: Mapped[int] = mapped_column(Integer)
