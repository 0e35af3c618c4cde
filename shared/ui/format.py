"""Formatting shared by the apps (plain Python, no UI toolkit): money, distance, opening hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from shared.i18n import t

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def price(fen: int | None) -> str:
    """``1250`` → ``¥12.50``; money stays integer fen until this point."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def distance(metres: int | None, lang: str | None = None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return t("unit.metres", lang, n=metres)
    return t("unit.km", lang, n=f"{metres / 1000:.1f}")


def hours_today(
    opening_hours: dict[str, list[str]], tz: str, lang: str | None = None, now: datetime | None = None
) -> str:
    """Today's hours at the store's local time: ``今日 08:00–22:00``, ``24 小时营业`` or ``今日休息``."""
    local = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(tz))
    span = opening_hours.get(DAYS[local.weekday()])
    if not span:
        return t("store.closed_today", lang)
    if span == ["00:00", "24:00"]:
        return t("store.open_24h", lang)
    return t("store.hours_today", lang, hours=f"{span[0]}–{span[1]}")
