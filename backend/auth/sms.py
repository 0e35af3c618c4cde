"""Sending one-time codes. The development provider writes the code to the log."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger("omo.sms")


class SmsProvider(Protocol):
    async def send_code(self, phone: str, code: str) -> None: ...


class LogSmsProvider:
    """Writes codes to the log (and keeps the last one per phone for local tools and tests)."""

    def __init__(self) -> None:
        self.last_codes: dict[str, str] = {}

    async def send_code(self, phone: str, code: str) -> None:
        self.last_codes[phone] = code
        log.info("one-time code for %s: %s", phone, code)


def make_provider(name: str) -> SmsProvider:
    if name == "log":
        return LogSmsProvider()
    raise ValueError(f"unknown SMS provider {name!r}")
