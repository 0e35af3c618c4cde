"""Franchise merchants (加盟商) that own stores; HQ takes a commission from each; who funds which
discount; and the period settlement statements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # HQ commission in basis points of net sales (1 bp = 0.01%).
    commission_bp: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]


class DiscountFunding(Base):
    """Who pays for a promotion's or a coupon template's discounts; without a row, HQ does."""

    __tablename__ = "discount_funding"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[intpk]
    # promotion | coupon_template
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column(Integer)
    # hq | merchant
    funder: Mapped[str] = mapped_column(String(10))
    updated_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class Statement(Base):
    """A merchant's settlement for the local days ``[period_start, period_end]``; one per period."""

    __tablename__ = "franchise_statements"
    __table_args__ = (UniqueConstraint("merchant_id", "period_start", "period_end"),)

    id: Mapped[intpk]
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    commission_bp: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    gross_sales: Mapped[int] = mapped_column(Integer)
    discounts_hq: Mapped[int] = mapped_column(Integer)
    discounts_merchant: Mapped[int] = mapped_column(Integer)
    shipping: Mapped[int] = mapped_column(Integer)
    collected: Mapped[int] = mapped_column(Integer)
    refunds: Mapped[int] = mapped_column(Integer)
    net_sales: Mapped[int] = mapped_column(Integer)
    hq_commission: Mapped[int] = mapped_column(Integer)
    distribution_commissions: Mapped[int] = mapped_column(Integer)
    payable: Mapped[int] = mapped_column(Integer)
    # The same figures per store: [{"store_id", "code", "name", ...}]
    stores: Mapped[list[Any]]
    generated_by: Mapped[int | None] = mapped_column(Integer)
    generated_at: Mapped[datetime]
