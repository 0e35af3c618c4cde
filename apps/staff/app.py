"""The staff app's shell: one ``StaffApp`` per page holds the view-models, the language and the routes.

Routes: ``/sign-in`` → ``/stores`` (when the staff member works at several) → ``/`` (today, live) →
``/pick/<task id>``, ``/pickup``, ``/till``, ``/stocktake``, ``/transfers``, ``/receiving``,
``/adjust``, ``/expiry``, ``/members``, ``/beacons``, ``/appointments``. Views are rebuilt from
view-model state whenever a view-model notifies.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import flet as ft

from apps.staff.strings import t
from apps.staff.viewmodels import (
    AdjustVM,
    AppointmentsVM,
    BeaconsVM,
    CashierVM,
    ExpiryVM,
    KeyValueStore,
    MembersVM,
    PickingVM,
    PickupVM,
    ReceivingVM,
    StaffSessionVM,
    StocktakeVM,
    SyncVM,
    TodayVM,
    TransferVM,
)
from apps.staff.views import desk, picking, pickup, sign_in, stock, stores, till, today
from shared.devices.beacons import BeaconScanner, RadioSimulator, SimulatedBeacon
from shared.sdk import AsyncClient
from shared.sdk.outbox import Outbox
from shared.ui.shell import AppShell

DEVICE_KEY = "omo.staff.device"
# Without a live address the day's lists are reloaded this often.
POLL_SECONDS = 15.0
STORE_ROUTES = {
    "/till": till.build,
    "/stocktake": stock.stocktake,
    "/transfers": stock.transfers,
    "/receiving": stock.receiving,
    "/adjust": stock.adjust,
    "/expiry": stock.expiry,
    "/members": desk.members,
    "/beacons": desk.beacons,
    "/appointments": desk.appointments,
}


def data_dir() -> Path:
    """Where the staff app keeps its outbox (``OMO_STAFF_HOME`` or the user data folder)."""
    env = os.environ.get("OMO_STAFF_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "omo-staff"


def live_url() -> str | None:
    """The backend's address for the WebSocket (the app's own API address, else the backend's public one)."""
    return os.environ.get("OMO_API_URL") or os.environ.get("OMO_PUBLIC_BASE_URL")


def beacon_scanner() -> BeaconScanner:
    """bleak on a tablet with Bluetooth; ``OMO_BEACON_SIMULATOR=1`` uses the radio simulator (demo)."""
    if os.environ.get("OMO_BEACON_SIMULATOR") == "1":
        uuid_ = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
        return BeaconScanner(
            RadioSimulator(
                [
                    SimulatedBeacon(uuid_, 100, 1, (0.8,)),
                    SimulatedBeacon(uuid_, 100, 2, (6.5,)),
                    SimulatedBeacon(uuid_, 100, 3, (14.0,)),
                ],
                noise_db=2.0,
            )
        )
    return BeaconScanner()


class StaffApp(AppShell):
    lang_key = "omo.staff.lang"
    title_key = "staff.app_name"
    gate_routes = ("/sign-in", "/stores")

    def __init__(
        self, page: ft.Page, client: AsyncClient, prefs: KeyValueStore, *, fonts_preloaded: bool = False
    ) -> None:
        super().__init__(page, prefs, fonts_preloaded=fonts_preloaded)
        self.client = client
        self.session = StaffSessionVM(client, prefs)
        self.today = TodayVM(client)
        self.picking = PickingVM(client)
        self.pickup = PickupVM(client)
        self.sync = SyncVM(client)
        self.cashier = CashierVM(client, self.sync)
        self.stocktake = StocktakeVM(client, self.sync)
        self.transfers = TransferVM(client)
        self.receiving = ReceivingVM(client)
        self.adjust = AdjustVM(client)
        self.expiry = ExpiryVM(client)
        self.members = MembersVM(client)
        self.beacons = BeaconsVM(client, beacon_scanner())
        self.appointments = AppointmentsVM(client)
        self.store_vms = (
            self.cashier,
            self.stocktake,
            self.transfers,
            self.receiving,
            self.adjust,
            self.expiry,
            self.beacons,
        )
        for vm in (
            self.session,
            self.today,
            self.picking,
            self.pickup,
            self.sync,
            self.members,
            self.appointments,
            *self.store_vms,
        ):
            vm.subscribe(self.refresh)
        self._watch: Any = None
        self._picker: ft.FilePicker | None = None
        self.forms: dict[str, dict[str, str]] = {}

    def file_picker(self) -> ft.FilePicker:
        """The page's file picker (work-order photos), made on first use."""
        if self._picker is None:
            self._picker = ft.FilePicker()
        return self._picker

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def form(self, name: str, **defaults: str) -> dict[str, str]:
        """What was typed into a desk's fields, kept across re-renders."""
        return self.forms.setdefault(name, dict(defaults))

    async def restore(self) -> None:
        device = await self.prefs.get(DEVICE_KEY)
        if not device:
            device = uuid.uuid4().hex
            await self.prefs.set(DEVICE_KEY, device)
        self.sync.attach(Outbox(data_dir() / f"outbox-{device}.sqlite"))
        await self.session.restore()
        await self.after_store_change()

    # --- navigation

    def landing(self) -> str:
        if not self.session.signed_in:
            return "/sign-in"
        if self.session.active is None:
            return "/stores"
        return "/"

    async def back(self, _e: object = None) -> None:
        """Leave a task or a desk for the day's list (which is reloaded)."""
        route = self.page.route or "/"
        if route.startswith("/pick/"):
            self.picking.close()
        elif route == "/pickup":
            self.pickup.reset()
        if route != "/":
            await self.today.refresh()
        await super().back()

    # --- rendering

    def stack(self, route: str) -> list[ft.View]:
        if route == "/sign-in":
            return [sign_in.build(self)]
        if route == "/stores":
            return [stores.build(self)]
        views = [today.build(self)]
        if route.startswith("/pick/"):
            self._load_linked_task(route)
            views.append(picking.build(self))
        elif route == "/pickup":
            views.append(pickup.build(self))
        elif route in STORE_ROUTES:
            views.append(STORE_ROUTES[route](self))
        return views

    def _load_linked_task(self, route: str) -> None:
        """A task opened by its address (a tap on the list, a reload) is fetched and claimed on arrival."""
        wanted = route.removeprefix("/pick/")
        task, vm = self.picking.task, self.picking
        if not wanted.isdigit() or vm.opening is not None or (task is not None and task.id == int(wanted)):
            return
        if vm.error is None:  # a task that failed to load is not retried on every re-render
            vm.opening = int(wanted)
            self.page.run_task(vm.open, int(wanted))

    async def open_desk(self, route: str) -> None:
        """Open a store desk, loading what it lists first."""
        loaders = {
            "/stocktake": self.stocktake.load,
            "/transfers": self.transfers.load,
            "/receiving": self.receiving.load,
            "/expiry": self.expiry.load,
            "/beacons": self.beacons.load,
            "/appointments": self.appointments.load,
        }
        await self.go(route)
        if route in loaders:
            await loaders[route]()

    # --- actions shared by several views

    async def after_store_change(self) -> None:
        store_id = self.session.store_id
        self.today.at_store(store_id)
        self.pickup.at_store(store_id)
        for vm in self.store_vms:
            vm.at_store(store_id)
        active = self.session.active
        self.appointments.at_store(store_id, active.timezone if active else "Asia/Shanghai")
        me = self.session.me
        roles = list(me.roles) if me is not None else []
        self.members.for_roles(roles)
        self.appointments.for_staff(me.id if me is not None else None, roles)
        if store_id is not None:
            await self.today.refresh()
            await self.sync.sync()
        self._follow()

    def _follow(self) -> None:
        """Keep the day's lists live: the store's events over the WebSocket, else a slow reload."""
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self.today.store_id is None:
            return
        self._watch = self.page.run_task(self._live)

    async def _live(self) -> None:
        url = live_url()
        if url:
            await self.today.watch(url)
            return
        while self.today.store_id is not None:
            await asyncio.sleep(POLL_SECONDS)
            await self.today.refresh()
            await self.sync.sync()

    async def sign_out(self, _e: object = None) -> None:
        await self.session.sign_out()
        await self.after_store_change()
        await self.go("/sign-in")
