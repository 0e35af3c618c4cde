"""Members: one shopper identity by phone across app, kiosk and till."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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


class LoyaltyConfig(Base):
    """How points are earned and spent (one row, ``id`` 1), set by HQ.

    Earning: ``earn_points_per_yuan`` points per yuan of goods paid for (not counting the part paid with
    points), times the category, campaign and tier multipliers. Spending: ``redeem_points_per_yuan``
    points buy one yuan (100 = 100 points for 1 yuan), for at most ``redeem_max_bp`` of an order's total.
    """

    __tablename__ = "loyalty_config"

    id: Mapped[intpk]
    earn_points_per_yuan: Mapped[int] = mapped_column(Integer, default=1)
    points_valid_days: Mapped[int] = mapped_column(Integer, default=365)
    redeem_points_per_yuan: Mapped[int] = mapped_column(Integer, default=100)
    redeem_max_bp: Mapped[int] = mapped_column(Integer, default=5000)
    updated_at: Mapped[datetime | None]


class EarnRule(Base):
    """A points multiplier: for a category (always) or a campaign (within its window, optionally one
    category and one channel). The highest matching category rule and campaign each apply once."""

    __tablename__ = "earn_rules"
    __table_args__ = (CheckConstraint("multiplier_bp >= 0", name="multiplier_nonnegative"),)

    id: Mapped[intpk]
    # category | campaign
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))
    category_id: Mapped[int | None] = mapped_column(Integer)
    # online | in_store | None (both)
    channel: Mapped[str | None] = mapped_column(String(10))
    multiplier_bp: Mapped[int] = mapped_column(Integer, default=10000)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MallItem(Base):
    """Something members exchange points for in the points mall (积分商城): a coupon or a SKU."""

    __tablename__ = "points_mall_items"
    __table_args__ = (CheckConstraint("redeemed >= 0 AND redeemed <= stock", name="redeemed_in_stock"),)

    id: Mapped[intpk]
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    # coupon | sku
    kind: Mapped[str] = mapped_column(String(10))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("coupon_templates.id"))
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    points: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    redeemed: Mapped[int] = mapped_column(Integer, default=0)
    per_member_limit: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]


class MallRedemption(Base):
    """One exchange in the points mall; ``seq`` counts a member's exchanges of an item, so concurrent
    exchanges past the per-member limit collide on the unique key."""

    __tablename__ = "points_mall_redemptions"
    __table_args__ = (
        UniqueConstraint("item_id", "member_id", "seq"),
        UniqueConstraint("member_id", "client_key"),
    )

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(ForeignKey("points_mall_items.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    client_key: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    # issued (a coupon) | to_collect (a SKU, handed over at a store) | collected
    status: Mapped[str] = mapped_column(String(16))
    collected_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    collected_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class EventCoupon(Base):
    """A coupon template issued automatically on a member event: ``signup`` or ``birthday`` (month)."""

    __tablename__ = "member_event_coupons"
    __table_args__ = (UniqueConstraint("event", "template_id"),)

    id: Mapped[intpk]
    event: Mapped[str] = mapped_column(String(16))
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PerkGrant(Base):
    """A perk given once per member and period (``signup``/``all``, ``birthday``/``2026``)."""

    __tablename__ = "member_perk_grants"
    __table_args__ = (UniqueConstraint("member_id", "event", "period", "template_id"),)

    id: Mapped[bigpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id"))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    created_at: Mapped[created_at]


class MemberMerge(Base):
    """Two accounts of one person merged by HQ: what the merged account held when it was folded in."""

    __tablename__ = "member_merges"

    id: Mapped[intpk]
    kept_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    merged_phone: Mapped[str] = mapped_column(String(20))
    moved: Mapped[dict[str, Any]]
    actor_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
