"""Promotions, coupon templates and the coupons members hold."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk, updated_at


class PromotionType(StrEnum):
    THRESHOLD = "threshold"  # 满减
    PERCENT = "percent"
    FIXED = "fixed"
    SPECIAL_PRICE = "special_price"  # 特价
    NTH_DISCOUNT = "nth_discount"  # 第N件N折
    BUNDLE = "bundle"
    GIFT = "gift"


class CouponKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"
    THRESHOLD = "threshold"  # 满X减Y
    FREE_SHIPPING = "free_shipping"


class CouponStatus(StrEnum):
    UNUSED = "unused"
    USED = "used"
    EXPIRED = "expired"


class Promotion(Base):
    __tablename__ = "promotions"
    __table_args__ = (
        Index("ix_promotions_window", "active", "starts_at", "ends_at"),
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
    )

    id: Mapped[intpk]
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(20))
    rule: Mapped[dict[str, Any]]
    # all | skus | categories
    scope: Mapped[str] = mapped_column(String(16), default="all")
    scope_ids: Mapped[list[Any]]
    # online, in_store
    channels: Mapped[list[Any]]
    # None: every store.
    store_ids: Mapped[list[Any] | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    group: Mapped[str] = mapped_column(String(20), default="item")
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class CouponTemplate(Base):
    __tablename__ = "coupon_templates"
    __table_args__ = (
        CheckConstraint("issued >= 0 AND issued <= total_quantity", name="issued_in_range"),
        CheckConstraint("valid_days IS NOT NULL OR valid_to IS NOT NULL", name="has_validity"),
    )

    id: Mapped[intpk]
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    # Fen off (fixed, threshold).
    amount: Mapped[int] = mapped_column(Integer, default=0)
    # Basis points off (percent).
    percent_bp: Mapped[int] = mapped_column(Integer, default=0)
    # Minimum spend in fen (threshold; optional for the others).
    threshold: Mapped[int] = mapped_column(Integer, default=0)
    channels: Mapped[list[Any]]
    store_ids: Mapped[list[Any] | None]
    # Fixed window, or valid_days after issue.
    valid_from: Mapped[datetime | None]
    valid_to: Mapped[datetime | None]
    valid_days: Mapped[int | None] = mapped_column(Integer)
    per_member_limit: Mapped[int] = mapped_column(Integer, default=1)
    total_quantity: Mapped[int] = mapped_column(Integer)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    stackable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class Coupon(Base):
    __tablename__ = "coupons"
    # claim_no counts a member's claims of a template: concurrent claims past the limit collide here.
    __table_args__ = (
        UniqueConstraint("template_id", "member_id", "claim_no"),
        Index("ix_coupons_member_status", "member_id", "status"),
    )

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    claim_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=CouponStatus.UNUSED)
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]
    used_order_ref: Mapped[str | None] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
