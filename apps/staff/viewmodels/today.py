"""The active store's day at a glance: open picking tasks, pickups waiting, stock alerts, today's
appointments and help calls from the kiosks; kept live over the backend's WebSocket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apps.staff.viewmodels.base import StaffViewModel
from backend.appointments.schemas import Booking
from backend.inventory.schemas import Alert
from backend.orders.schemas import OrderSummary, PickTask
from backend.stores.schemas import HelpCall
from shared.errors import RetailError
from shared.sdk import AsyncClient
from shared.sdk.realtime import LiveEvent, subscribe

OPEN_TASKS = ("to_pick", "picking")
# Events that change what the day looks like.
TOPICS = ("orders", "stock", "help")


class TodayVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.tasks: list[PickTask] = []
        self.pickups: list[OrderSummary] = []
        self.alerts: list[Alert] = []
        self.bookings: list[Booking] = []
        self.help_calls: list[HelpCall] = []
        self.live = False
        self.last_event: LiveEvent | None = None
        # Told of each help call as it arrives (the app shows a notification).
        self.on_help: Callable[[HelpCall], None] | None = None

    @property
    def low_stock(self) -> int:
        return sum(1 for a in self.alerts if a.kind == "low_stock")

    @property
    def near_expiry(self) -> int:
        return sum(1 for a in self.alerts if a.kind == "near_expiry")

    @property
    def open_help(self) -> list[HelpCall]:
        return [c for c in self.help_calls if c.status != "resolved"]

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id, self.tasks, self.pickups, self.alerts = store_id, [], [], []
            self.bookings, self.help_calls = [], []
            self.notify()

    async def refresh(self) -> bool:
        """Reload the store's tasks, pickups due, open alerts, the day's bookings and help calls."""
        if self.store_id is None:
            return False
        store = self.store_id
        loaded = await self._run(
            asyncio.gather(
                self.client.orders.picking_tasks(store, status=OPEN_TASKS),
                self.client.orders.list(status="ready_for_pickup", store_id=store, limit=200),
                self.client.inventory.alerts(store_id=store, status="open"),
                self.client.stores.help_calls(store),
            )
        )
        if loaded is None or store != self.store_id:
            return False
        self.tasks, self.pickups, self.alerts, self.help_calls = loaded
        self.bookings = await self._bookings(store)
        self.notify()
        return True

    async def _bookings(self, store: int) -> list[Booking]:
        """Bookings starting in the next 24 hours (a role without access to them sees none)."""
        try:
            found = await self.client.appointments.store_bookings(store)
        except RetailError:
            return []
        now = datetime.now(UTC)
        return [
            b
            for b in found
            if b.cancelled_at is None and now - timedelta(hours=2) <= b.start_at <= now + timedelta(hours=24)
        ]

    async def answer(self, call_id: int) -> bool:
        """Say someone is on the way to the kiosk."""
        done = await self._run(self.client.stores.answer_help_call(call_id))
        return done is not None and await self.refresh()

    async def resolve(self, call_id: int) -> bool:
        done = await self._run(self.client.stores.resolve_help_call(call_id))
        return done is not None and await self.refresh()

    async def watch(self, base_url: str) -> None:
        """Follow the store's orders, stock and help topics and refresh on each event, until cancelled
        or the store changes (reconnects are the SDK's)."""
        store = self.store_id
        if store is None:
            return
        topics = [f"store:{store}:{t}" for t in TOPICS]
        self.live = True
        self.notify()
        try:
            async for event in subscribe(base_url, self.client.tokens, topics):
                if self.store_id != store:
                    break
                self.last_event = event
                await self.refresh()
                if event.type == "help.called" and self.on_help is not None:
                    self.on_help(HelpCall.model_validate(event.payload))
        except RetailError as exc:
            self.fail("staff.error.live_refused")
            self.error_message = exc.message
        finally:
            self.live = False
            self.notify()
