"""Picking one order: its lines in shelf order, scan to confirm each unit, short-pick, mark ready."""

from __future__ import annotations

from apps.staff.viewmodels.base import StaffViewModel
from backend.orders.schemas import PickLine, PickTask
from shared.sdk import AsyncClient


class PickingVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.task: PickTask | None = None
        self.barcode = ""
        self.last_scanned: PickLine | None = None
        self.opening: int | None = None  # the task being loaded

    @property
    def lines(self) -> list[PickLine]:
        """The pick list as the backend orders it: by shelf location, lines without one last."""
        return self.task.lines if self.task else []

    @property
    def all_picked(self) -> bool:
        return self.task is not None and all(ln.remaining == 0 for ln in self.lines)

    @property
    def ready(self) -> bool:
        return self.task is not None and self.task.status == "packed"

    async def open(self, task_id: int) -> bool:
        """Load a task and claim it (to_pick → picking); a packed task only loads."""
        self.task, self.barcode, self.last_scanned, self.opening = None, "", None, task_id
        try:
            task = await self._run(self.client.orders.picking_task(task_id))
            if task is None:
                return False
            if task.status == "to_pick":
                task = await self._run(self.client.orders.start_picking(task_id)) or task
            self.task = task
        finally:
            self.opening = None
        self.notify()
        return True

    async def scan(self, barcode: str | None = None) -> bool:
        """Confirm one unit by its barcode (typed, or read by a scanner or camera)."""
        code = (barcode if barcode is not None else self.barcode).strip()
        if self.task is None or not code:
            return False
        before = {ln.line_id: ln.picked_qty for ln in self.lines}
        task = await self._run(self.client.orders.scan(self.task.id, code))
        self.barcode = ""
        if task is None:
            self.notify()
            return False
        self.task = task
        self.last_scanned = next((ln for ln in task.lines if ln.picked_qty > before.get(ln.line_id, 0)), None)
        self.notify()
        return True

    async def short_pick(self, line_id: int, quantity: int, reason: str) -> bool:
        """Record that ``quantity`` units of a line cannot be found, with why."""
        if self.task is None:
            return False
        task = await self._run(self.client.orders.short_pick(self.task.id, line_id, quantity, reason.strip()))
        if task is None:
            return False
        self.task = task
        self.notify()
        return True

    async def mark_ready(self) -> bool:
        """Every line picked or short: pack the order (a pickup order becomes ready for pickup)."""
        if self.task is None:
            return False
        task = await self._run(self.client.orders.mark_ready(self.task.id))
        if task is None:
            return False
        self.task = task
        self.notify()
        return True

    def close(self) -> None:
        self.opening = None
        self.task, self.barcode, self.last_scanned = None, "", None
        self.error = self.error_message = None
        self.notify()
