"""Handing over a pickup order: the shopper's 6-digit code (typed) or signed QR (scanned)."""

from __future__ import annotations

import re

from apps.staff.viewmodels.base import StaffViewModel
from backend.orders.schemas import Order
from shared.sdk import AsyncClient

CODE = re.compile(r"^\d{6}$")


class PickupVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.entry = ""
        self.order: Order | None = None
        self.handed_over = False
        self._scan: dict[str, str] = {}

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id = store_id
            self.reset()

    def reset(self) -> None:
        self.entry, self.order, self.handed_over, self._scan = "", None, False, {}
        self.error = self.error_message = None
        self.notify()

    def _read(self, entry: str) -> dict[str, str] | None:
        """Six digits are a typed code; anything longer is the text a QR scan produced."""
        text = entry.strip()
        if CODE.match(text):
            return {"code": text}
        if len(text) >= 10:
            return {"qr": text}
        return None

    async def verify(self, entry: str | None = None) -> bool:
        """Find the order waiting at this store for the code or QR, without handing it over."""
        self.order, self.handed_over = None, False
        scan = self._read(entry if entry is not None else self.entry)
        if self.store_id is None or scan is None:
            self.fail("staff.error.code_format")
            return False
        order = await self._run(self.client.orders.verify_pickup(self.store_id, **scan))
        if order is None:
            return False
        self.order, self._scan = order, scan
        self.notify()
        return True

    async def hand_over(self) -> bool:
        """Give the verified order to the shopper (once); the order completes."""
        if self.store_id is None or self.order is None or not self._scan:
            return False
        order = await self._run(self.client.orders.hand_over(self.store_id, **self._scan))
        if order is None:
            return False
        self.order, self.handed_over, self.entry = order, True, ""
        self.notify()
        return True
