"""The staff app's shell: one ``StaffApp`` per page holds the view-models, the language and the routes.

Routes: ``/sign-in`` → ``/stores`` (when the staff member works at several) → ``/`` (today) →
``/pick/<task id>`` and ``/pickup``. Views are rebuilt from view-model state whenever a view-model notifies.
"""

from __future__ import annotations

import flet as ft

from apps.staff.strings import t
from apps.staff.viewmodels import KeyValueStore, PickingVM, PickupVM, StaffSessionVM, TodayVM
from apps.staff.views import picking, pickup, sign_in, stores, today
from shared.sdk import AsyncClient
from shared.ui.shell import AppShell


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
        for vm in (self.session, self.today, self.picking, self.pickup):
            vm.subscribe(self.refresh)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    async def restore(self) -> None:
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
        """Leave a task or the pickup desk for the day's list (which is reloaded)."""
        route = self.page.route or "/"
        if route.startswith("/pick/"):
            self.picking.close()
        elif route == "/pickup":
            self.pickup.reset()
        if route.startswith("/pick/") or route == "/pickup":
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

    # --- actions shared by several views

    async def after_store_change(self) -> None:
        store_id = self.session.store_id
        self.today.at_store(store_id)
        self.pickup.at_store(store_id)
        if store_id is not None:
            await self.today.refresh()

    async def sign_out(self, _e: object = None) -> None:
        await self.session.sign_out()
        await self.after_store_change()
        await self.go("/sign-in")
