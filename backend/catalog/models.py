"""Categories, products, SKUs by spec, barcodes, images and the search index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk, updated_at


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[intpk]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    brand: Mapped[str | None] = mapped_column(String(60))
    description_zh: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # draft | on_sale | off_shelf
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # goods | service
    kind: Mapped[str] = mapped_column(String(16), default="goods")
    unit: Mapped[str] = mapped_column(String(16), default="件")
    attributes: Mapped[dict[str, Any]]
    # Spec names in order, e.g. ["颜色", "尺码"].
    spec_names: Mapped[list[Any]]
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    sales_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    published_at: Mapped[datetime | None]


class Sku(Base):
    __tablename__ = "skus"

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # {"颜色": "白", "尺码": "M"}
    specs: Mapped[dict[str, Any]]
    base_price: Mapped[int] = mapped_column(Integer)
    cost_price: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # Where to find it in a store, e.g. "A03-2"; pick lists sort by it.
    shelf_location: Mapped[str | None] = mapped_column(String(20))
    weight_g: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class Barcode(Base):
    __tablename__ = "barcodes"

    id: Mapped[intpk]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # ean13 | ean8 | upca
    symbology: Mapped[str] = mapped_column(String(8))


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    # Relative to ``settings.var_dir / "media"``.
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


# Prefix search is a range scan (``term >= q AND term < q || U+FFFF``); on PostgreSQL the "C"
# collation makes that range bytewise, as SQLite's default BINARY collation already is.
TermType = String(80).with_variant(String(80, collation="C"), "postgresql")


class SearchTerm(Base):
    """One searchable token of a product: a word, its pinyin, its initials, an English word."""

    __tablename__ = "search_terms"
    __table_args__ = (
        UniqueConstraint("term", "product_id"),
        Index("ix_search_terms_product_id", "product_id"),
    )

    id: Mapped[intpk]
    term: Mapped[str] = mapped_column(TermType)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    weight: Mapped[int] = mapped_column(Integer, default=1)
