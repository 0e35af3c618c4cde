"""The active store's day at a glance: open picking tasks, pickups waiting, stock alerts."""

from __future__ import annotations

import asyncio

from apps.staff.viewmodels.base import StaffViewModel
from backend.inventory.schemas import Alert
from backend.orders.schemas import OrderSummary, PickTask
from shared.sdk import AsyncClient

OPEN_TASKS = ("to_pick", "picking")


class TodayVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.tasks: list[PickTask] = []
        self.pickups: list[OrderSummary] = []
        self.alerts: list[Alert] = []

    @property
    def low_stock(self) -> int:
        return sum(1 for a in self.alerts if a.kind == "low_stock")

    @property
    def near_expiry(self) -> int:
        return sum(1 for a in self.alerts if a.kind == "near_expiry")

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id, self.tasks, self.pickups, self.alerts = store_id, [], [], []
            self.notify()

    async def refresh(self) -> bool:
        """Reload the store's tasks, pickups due and open alerts."""
        if self.store_id is None:
            return False
        store = self.store_id
        loaded = await self._run(
            asyncio.gather(
                self.client.orders.picking_tasks(store, status=OPEN_TASKS),
                self.client.orders.list(status="ready_for_pickup", store_id=store, limit=200),
                self.client.inventory.alerts(store_id=store, status="open"),
            )
        )
        if loaded is None or store != self.store_id:
            return False
        self.tasks, self.pickups, self.alerts = loaded
        self.notify()
        return True
