"""What the shopper app's browser tests share: a live backend whose pay links point back to itself, the
sign-in code it sent, and the bottom navigation."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from backend.core.settings import Settings
from tests.conftest import LiveServer, free_port
from tests.e2e.browser import STEP_MS, FlutterPage, expect


@asynccontextmanager
async def live_shop(settings: Settings, **overrides: Any) -> AsyncIterator[LiveServer]:
    """A live backend on its own port whose public address (the payment page links) is itself."""
    port = free_port()
    own = settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}", **overrides})
    server = LiveServer(own, port)
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def wait_for_code(server: LiveServer, phone: str, after: str | None = None, timeout: float = 15) -> str:
    """The one-time code the backend last sent to ``phone`` (a new one when ``after`` is the old)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = server.app.state.sms.last_codes.get(phone)
        if code and code != after:
            return code
        time.sleep(0.1)
    raise AssertionError(f"no code was sent to {phone}")


def tab(app: FlutterPage, name: str) -> None:
    """Tap a destination of the bottom navigation bar (named by its label, after its badge if any)."""
    pattern = re.compile(rf"(^|\s){re.escape(name)}$")
    target = app.page.get_by_role("tab", name=pattern).or_(app.page.get_by_role("button", name=pattern)).first
    expect(target).to_be_visible(timeout=STEP_MS)
    target.click()
