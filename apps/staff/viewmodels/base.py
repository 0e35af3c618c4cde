"""The staff view-models' base: the shopper app's ``ViewModel`` with the errors store staff can act on."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from apps.shopper.viewmodels.base import ERROR_KEYS as SHOPPER_ERROR_KEYS
from apps.shopper.viewmodels.base import KeyValueStore, MemoryStore, ViewModel
from shared.errors import RetailError

T = TypeVar("T")

ERROR_KEYS = {
    **SHOPPER_ERROR_KEYS,
    "invalid_credentials": "staff.error.wrong_password",
    "wrong_item": "staff.error.wrong_item",
    "unknown_barcode": "staff.error.unknown_barcode",
    "over_pick": "staff.error.over_pick",
    "invalid_state": "staff.error.invalid_state",
    "pickup_code_invalid": "staff.error.code_invalid",
    "wrong_store": "staff.error.wrong_store",
    "already_collected": "staff.error.already_collected",
    "store_forbidden": "staff.error.store_forbidden",
    "forbidden": "staff.error.forbidden",
    "picking_task_not_found": "staff.error.task_not_found",
    "member_code_required": "staff.error.member_code_required",
    "member_code_invalid": "staff.error.member_code_invalid",
    "not_near_expiry": "staff.error.not_near_expiry",
    "batch_not_found": "staff.error.batch_not_found",
    "work_order_not_found": "staff.error.work_order_not_found",
}


def error_key(exc: RetailError) -> str:
    for cls in type(exc).__mro__:
        key = ERROR_KEYS.get(getattr(cls, "code", ""))
        if key:
            return key
    return "error.generic"


class StaffViewModel(ViewModel):
    """``error`` is an i18n key; ``error_message`` keeps the backend's own bilingual reason (e.g. which
    item was scanned by mistake), shown under the translated line."""

    def __init__(self) -> None:
        super().__init__()
        self.error_message: str | None = None

    def fail(self, key: str) -> None:
        self.error, self.error_message, self.error_detail = key, None, None
        self.notify()

    async def _run(self, action: Awaitable[T]) -> T | None:
        self.busy, self.error, self.error_message, self.error_detail = True, None, None, None
        self.notify()
        try:
            return await action
        except RetailError as exc:
            self.error = error_key(exc)
            self.error_message = exc.message if exc.message != type(exc).default_message else None
            self.error_detail = exc.detail if isinstance(exc.detail, dict) else None
            return None
        finally:
            self.busy = False
            self.notify()


__all__ = ["KeyValueStore", "MemoryStore", "StaffViewModel", "error_key"]
