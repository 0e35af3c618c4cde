"""Store-audit flags, recomputed by the daily job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk


class InspectionFlag(Base):
    """One figure of one store or cashier that stands out from its peers, with the evidence."""

    __tablename__ = "inspection_flags"

    id: Mapped[intpk]
    period_start: Mapped[datetime]
    period_end: Mapped[datetime] = mapped_column(index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"), index=True)
    # store | cashier
    subject_kind: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    # refund_rate | cancel_rate | after_hours_share | discount_rate | cash_share | cash_share_change |
    # sales_change
    metric: Mapped[str] = mapped_column(String(24))
    value: Mapped[float] = mapped_column(Float)
    peer_median: Mapped[float] = mapped_column(Float)
    robust_z: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]]
    created_at: Mapped[created_at]


class InspectionRun(Base):
    """One computation of the flags for a period, so "nothing found" differs from "not yet run"."""

    __tablename__ = "inspection_runs"

    id: Mapped[intpk]
    period_start: Mapped[datetime]
    period_end: Mapped[datetime] = mapped_column(unique=True)
    stores: Mapped[int] = mapped_column(Integer)
    cashiers: Mapped[int] = mapped_column(Integer)
    flags: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[created_at]
