"""Price lists by region, city tier or store, and their per-SKU prices."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
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
