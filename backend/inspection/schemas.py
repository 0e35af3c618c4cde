"""Store-audit flags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Flag(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    period_start: datetime
    period_end: datetime
    store_id: int
    merchant_id: int | None
    subject_kind: str
    subject_id: int
    metric: str
    value: float
    peer_median: float
    robust_z: float
    evidence: dict[str, Any]


class Flags(BaseModel):
    period_end: datetime | None
    flags: list[Flag]


class RunCreate(BaseModel):
    days: int = Field(30, ge=7, le=180)
    end: datetime | None = None


class RunResult(BaseModel):
    period_start: datetime
    period_end: datetime
    stores: int
    cashiers: int
    flags: int
