"""The chain's business calendar: days (expiry, statement periods) are local to China (UTC+8)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from backend.core.time import as_utc

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The business day a UTC moment falls on."""
    return as_utc(moment).astimezone(BUSINESS_TZ).date()


def day_start(day: date) -> datetime:
    """The UTC moment a business day begins."""
    return datetime.combine(day, time.min, BUSINESS_TZ).astimezone(ZoneInfo("UTC"))
