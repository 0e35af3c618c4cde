"""Local notifications through plyer, with an in-app inbox where the platform has none."""

from __future__ import annotations

import itertools
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shared.devices.messages import MESSAGES, message

Text = str | tuple[str, str]


class Channel(StrEnum):
    SYSTEM = "system"
    IN_APP = "in_app"


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    title: str
    body: str
    channel: Channel
    created_at: float
    data: dict[str, Any] = field(default_factory=dict)
    read: bool = False


def resolve(text: Text, lang: str) -> str:
    """A message key, a (zh, en) pair or plain text, in the wanted language."""
    if isinstance(text, tuple):
        return text[1] if lang.lower().startswith("en") else text[0]
    return message(text, lang) if text in MESSAGES else text


class InAppInbox:
    """Notices the app shows itself (banner, bell list); thread-safe, with subscribers."""

    def __init__(self, limit: int = 100) -> None:
        self._items: list[Notice] = []
        self._subs: list[Callable[[Notice], None]] = []
        self._lock = threading.Lock()
        self._limit = limit

    def push(self, notice: Notice) -> None:
        with self._lock:
            self._items.append(notice)
            del self._items[: max(0, len(self._items) - self._limit)]
            subs = list(self._subs)
        for cb in subs:
            cb(notice)

    def subscribe(self, callback: Callable[[Notice], None]) -> Callable[[], None]:
        """Call ``callback`` for each new notice; returns the function that unsubscribes."""
        with self._lock:
            self._subs.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subs:
                    self._subs.remove(callback)

        return unsubscribe

    def unread(self) -> list[Notice]:
        with self._lock:
            return [n for n in self._items if not n.read]

    def mark_read(self, notice_id: int) -> None:
        with self._lock:
            self._items = [
                Notice(n.id, n.title, n.body, n.channel, n.created_at, n.data, True)
                if n.id == notice_id
                else n
                for n in self._items
            ]

    def __len__(self) -> int:
        return len(self._items)


def plyer_backend(title: str, body: str, app_name: str, timeout: int) -> None:
    """Show a system notification through plyer; raises when the platform has no implementation."""
    from plyer import notification

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        notification.notify(title=title, message=body, app_name=app_name, timeout=timeout)


class Notifier:
    """Send a local notification; fall back to the in-app inbox where the system cannot show it."""

    def __init__(
        self,
        inbox: InAppInbox | None = None,
        backend: Callable[..., None] | None = plyer_backend,
        lang: str = "zh",
        app_name: str = "OMO",
        mirror_in_app: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inbox = inbox if inbox is not None else InAppInbox()
        self._backend = backend
        self.lang = lang
        self.app_name = app_name
        self.mirror_in_app = mirror_in_app
        self._clock = clock
        self._ids = itertools.count(1)
        self.system_available: bool | None = None if backend is not None else False
        self.last_error: str | None = None

    def notify(
        self, title: Text, body: Text, *, data: dict[str, Any] | None = None, timeout: int = 10
    ) -> Notice:
        """Deliver one notice; the returned notice says which channel carried it."""
        t, b = resolve(title, self.lang), resolve(body, self.lang)
        channel = Channel.IN_APP
        if self._backend is not None and self.system_available is not False:
            try:
                self._backend(t, b, self.app_name, timeout)
                channel = Channel.SYSTEM
                self.system_available = True
            except Exception as exc:  # plyer raises NotImplementedError, OSError, dbus errors
                self.system_available = False
                self.last_error = f"{type(exc).__name__}: {exc}"
        notice = Notice(next(self._ids), t, b, channel, self._clock(), dict(data or {}))
        if channel == Channel.IN_APP or self.mirror_in_app:
            self.inbox.push(notice)
        return notice
