"""Price lists by region, city tier or store, and their per-SKU prices."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk, updated_at


class PriceScope(StrEnum):
    """What a price list applies to; a store-scoped list is that store's override."""

    STORE = "store"
    REGION = "region"
    CITY_TIER = "city_tier"


class PriceList(Base):
    __tablename__ = "price_lists"
    __table_args__ = (
        Index("ix_price_lists_scope", "scope", "scope_value"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="window_ordered"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120))
    # store | region | city_tier
    scope: Mapped[str] = mapped_column(String(16))
    # The store id, the region id, or the city tier (1-5).
    scope_value: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[datetime]
    # None: open-ended.
    valid_to: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class PriceListItem(Base):
    __tablename__ = "price_list_items"
    __table_args__ = (
        UniqueConstraint("price_list_id", "sku_id"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    id: Mapped[intpk]
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"), index=True)
    # Fen.
    price: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[updated_at]


class PricingSettings(Base):
    """HQ's guard rails for price actions (one row, ``id`` 1)."""

    __tablename__ = "pricing_settings"

    id: Mapped[intpk]
    # A scheduled price may not go below cost × (1 + min_margin_bp / 10000).
    min_margin_bp: Mapped[int] = mapped_column(Integer, default=500)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[updated_at]


class PriceChangeStatus(StrEnum):
    SCHEDULED = "scheduled"
    EFFECTIVE = "effective"
    CANCELLED = "cancelled"


class PriceChange(Base):
    """A price change scheduled for a region, city tier or store at a moment.

    It is carried by its own price list (``price_list_id``) that starts at ``effective_at`` with the
    scope's top priority, so ``price_for`` resolves it by time to the second; the job only marks it
    effective and tells tills and shoppers.
    """

    __tablename__ = "price_changes"
    __table_args__ = (Index("ix_price_changes_due", "status", "effective_at"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[int] = mapped_column(Integer)
    effective_at: Mapped[datetime]
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    # [{"sku_id", "price", "previous"}]
    items: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(12), default=PriceChangeStatus.SCHEDULED)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class MarkdownRule(Base):
    """Near-expiry markdown (临期折扣): at most ``days_left`` days before expiry, ``percent_bp`` off.

    A rule names a category, or none for every category; a category's own rules replace the general ones.
    """

    __tablename__ = "markdown_rules"
    __table_args__ = (
        UniqueConstraint("scope", "days_left"),
        CheckConstraint("percent_bp > 0 AND percent_bp < 10000", name="percent_in_range"),
        CheckConstraint("days_left >= 0", name="days_nonnegative"),
    )

    id: Mapped[intpk]
    # "default" or "category:{id}", so the general rules are unique on every database.
    scope: Mapped[str] = mapped_column(String(40))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    days_left: Mapped[int] = mapped_column(Integer)
    percent_bp: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[updated_at]


class Markdown(Base):
    """A markdown in force for one batch at one store; the SKU sells at the deepest one while any of its
    marked batches still has units there."""

    __tablename__ = "markdowns"
    __table_args__ = (Index("ix_markdowns_store_sku", "store_id", "sku_id"),)

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("stock_batches.id", ondelete="CASCADE"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    # None for a markdown a store's staff set by hand (the rules job leaves those alone).
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("markdown_rules.id", ondelete="CASCADE"))
    percent_bp: Mapped[int] = mapped_column(Integer)
    expires_on: Mapped[date] = mapped_column(Date)
    marked_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
