"""Franchise merchants (加盟商) that own stores; HQ takes a commission from each."""

from __future__ import annotations

from sqlalchemy import Integer, String
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
