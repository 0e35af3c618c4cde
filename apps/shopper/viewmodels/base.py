"""What every view-model shares: change notification, a busy flag and a translatable error."""

from __future__ import annotations

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
    "barcode_not_found": "scan.unknown_code",
    "invalid_barcode": "scan.unknown_code",
    "already_rated": "rating.already",
    "distribution_disabled": "referral.disabled",
    "referral_code_unknown": "referral.unknown_code",
    "already_referred": "referral.already",
    "self_referral": "referral.self",
    "not_a_new_member": "referral.not_new",
    "order_not_ratable": "rating.not_ratable",
    "balance_limit": "topup.balance_limit",
    "invalid_image": "return.photo_invalid",
    "image_too_large": "return.photo_too_large",
    "group_full": "campaign.group_full",
    "group_closed": "campaign.closed",
    "already_in_group": "campaign.already_in_group",
    "member_limit_reached": "campaign.limit_reached",
    "campaign_not_running": "campaign.closed",
    "bargain_self_cut": "campaign.own_bargain",
    "bargain_already_cut": "campaign.already_cut",
    "bargain_closed": "campaign.closed",
    "flash_sold_out": "campaign.sold_out",
    "flash_not_live": "campaign.closed",
    "group_not_found": "campaign.no_such_code",
    "bargain_not_found": "campaign.no_such_code",
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
