"""What every view-model shares: change notification, a busy flag and a translatable error."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from shared.errors import RetailError

T = TypeVar("T")
Listener = Callable[[], None]

# Backend error codes the shopper can act on, mapped to i18n keys; anything else is "error.generic".
ERROR_KEYS = {
    "network_error": "error.network",
    "rate_limited": "error.rate_limited",
    "account_locked": "error.account_locked",
    "invalid_credentials": "error.wrong_code",
    "code_expired": "error.code_expired",
    "validation_error": "error.invalid_input",
    "not_found": "error.not_found",
    "token_invalid": "error.signed_out",
    "unauthorized": "error.signed_out",
}


def error_key(exc: RetailError) -> str:
    """The most specific i18n key for an error: its own code, else the code of a class it derives from."""
    for cls in type(exc).__mro__:
        key = ERROR_KEYS.get(getattr(cls, "code", ""))
        if key:
            return key
    return "error.generic"


class KeyValueStore(Protocol):
    """Where an app keeps small values between runs (tokens, the chosen store, the language)."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...

    async def remove(self, key: str) -> None: ...


class MemoryStore:
    """A ``KeyValueStore`` in a dict: for tests and for runs that should forget everything."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def set(self, key: str, value: str) -> None:
        self.values[key] = value

    async def remove(self, key: str) -> None:
        self.values.pop(key, None)


class SavedTokens:
    """Keeps a client's sign-in in a ``KeyValueStore``: written whenever the tokens change (refresh
    included), read back on the next run."""

    def __init__(self, client: Any, store: KeyValueStore, key: str) -> None:
        self.client = client
        self.store = store
        self.key = key
        self._saving: set[asyncio.Task[None]] = set()
        client.tokens.on_change = self._changed

    async def load(self) -> bool:
        """Put the kept tokens on the client; False when none were kept."""
        raw = await self.store.get(self.key)
        if not raw:
            return False
        saved = json.loads(raw)
        self.client.tokens.access_token = saved.get("access")
        self.client.tokens.refresh_token = saved.get("refresh")
        return True

    async def settle(self) -> None:
        """Wait until the tokens have been written to the store."""
        while self._saving:
            await asyncio.gather(*list(self._saving))

    def _changed(self, tokens: Any) -> None:
        task = asyncio.get_running_loop().create_task(self._save(tokens.access_token, tokens.refresh_token))
        self._saving.add(task)
        task.add_done_callback(self._saving.discard)

    async def _save(self, access: str | None, refresh: str | None) -> None:
        if access is None:
            await self.store.remove(self.key)
            return
        await self.store.set(self.key, json.dumps({"access": access, "refresh": refresh}))


class ViewModel:
    """UI-free state plus async actions. Views read attributes, call actions and re-render on change."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.busy = False
        self.error: str | None = None  # an i18n key
        self.error_detail: dict[str, Any] | None = None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    async def _run(self, action: Awaitable[T]) -> T | None:
        """Await an SDK call with ``busy`` set; a backend error becomes ``error`` instead of raising."""
        self.busy, self.error, self.error_detail = True, None, None
        self.notify()
        try:
            return await action
        except RetailError as exc:
            self.error = error_key(exc)
            self.error_detail = exc.detail if isinstance(exc.detail, dict) else None
            return None
        finally:
            self.busy = False
            self.notify()
