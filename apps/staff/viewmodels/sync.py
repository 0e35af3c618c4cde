"""What the device has not yet synced: till sales and stocktake counts made while the backend was
unreachable wait in the SDK outbox and are replayed in order, each exactly once (their client ids
are the idempotency keys)."""

from __future__ import annotations

from typing import Any

from apps.staff.viewmodels.base import StaffViewModel
from shared.sdk import AsyncClient
from shared.sdk.outbox import FlushReport, Outbox, QueuedWrite

SALE = "till_sale"
COUNT = "stocktake_count"


class SyncVM(StaffViewModel):
    def __init__(self, client: AsyncClient, outbox: Outbox | None = None) -> None:
        super().__init__()
        self.client = client
        self._outbox = outbox
        self.online = True
        self.last_report: FlushReport | None = None
        # Offline sales the backend applied but could not fully cover from stock, or refused.
        self.rejected: list[dict[str, Any]] = []

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("no outbox attached")
        return self._outbox

    def attach(self, outbox: Outbox) -> None:
        """Use this device's outbox (opened once the device is known)."""
        self._outbox = outbox
        self.notify()

    @property
    def pending(self) -> list[QueuedWrite]:
        return self._outbox.pending() if self._outbox is not None else []

    @property
    def pending_sales(self) -> int:
        return sum(1 for item in self.pending if item.kind == SALE)

    @property
    def pending_counts(self) -> int:
        return sum(1 for item in self.pending if item.kind == COUNT)

    def queue(self, kind: str, method: str, path: str, body: Any, key: str) -> None:
        """Keep one write for later; the same key queued twice is kept once."""
        self.outbox.enqueue(kind, method, path, body, key=key)
        self.went_offline()

    def went_offline(self) -> None:
        if self.online:
            self.online = False
        self.notify()

    async def sync(self) -> FlushReport | None:
        """Replay what is waiting; stops at the first network error and keeps the rest."""
        if not self.pending:
            self.online = True
            self.notify()
            return None
        report = await self.outbox.aflush(self.client)
        self.last_report = report
        self.online = report.stopped_by is None
        for item in self.outbox.done():
            if item.kind != SALE or not isinstance(item.result, list):
                continue
            for result in item.result:
                if result.get("status") == "rejected" and result not in self.rejected:
                    self.rejected.append(result)
        self.notify()
        return report
