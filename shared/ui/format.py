"""Formatting shared by the apps (plain Python, no UI toolkit): money, distance, opening hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from shared.i18n import normalize, t

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


def when(moment: datetime, tz: str, lang: str | None = None, now: datetime | None = None) -> str:
    """A time at the store's local clock, the day said plainly: ``今天 14:00``, ``明天 09:30``,
    ``11月25日 10:00`` (``Today 14:00``, ``Nov 25 10:00``)."""
    zone = ZoneInfo(tz)
    local = (
        moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    )
    today = (now or datetime.now(ZoneInfo("UTC"))).astimezone(zone).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    english = normalize(lang) == "en"
    if days == 0:
        return f"{'Today' if english else '今天'} {clock}"
    if days == 1:
        return f"{'Tomorrow' if english else '明天'} {clock}"
    if english:
        return f"{local.strftime('%b')} {local.day} {clock}"
    return f"{local.month}月{local.day}日 {clock}"


def stamp(moment: datetime, tz: str = "Asia/Shanghai") -> str:
    """A moment as ``2026-11-22 14:05`` at the given clock (order and ledger times)."""
    zone = ZoneInfo(tz)
    local = (
        moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    )
    return local.strftime("%Y-%m-%d %H:%M")
