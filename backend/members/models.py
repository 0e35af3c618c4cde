"""Members: one shopper identity by phone across app, kiosk and till."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk


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
