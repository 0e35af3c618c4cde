"""Opening hours as stored on a store: ``{"mon": ["08:00", "22:00"], ...}`` in its local time."""

from __future__ import annotations

from datetime import datetime

from backend.stores.schemas import DAYS


def open_through(hours: dict[str, list[str]], start: datetime, end: datetime) -> bool:
    """True when the store is open from local ``start`` to ``end``; a day open until 24:00 runs on into a
    next day that opens at 00:00 (a 24-hour store's late slot ends after midnight)."""
    span = hours.get(DAYS[start.weekday()])
    if not span or span[0] > start.strftime("%H:%M"):
        return False
    if end.date() == start.date():
        return end.strftime("%H:%M") <= span[1]
    if span[1] != "24:00":
        return False
    if end.strftime("%H:%M") == "00:00":
        return True
    following = hours.get(DAYS[end.weekday()])
    return bool(following) and following[0] == "00:00" and end.strftime("%H:%M") <= following[1]
