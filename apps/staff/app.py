"""The staff app's shell: one ``StaffApp`` per page holds the view-models, the language and the routes.

Routes: ``/sign-in`` → ``/stores`` (when the staff member works at several) → ``/`` (today) →
``/pick/<task id>`` and ``/pickup``. Views are rebuilt from view-model state whenever a view-model notifies.
"""

from __future__ import annotations

import flet as ft

from apps.shopper.app import PreferencesStore
from apps.staff.strings import t
from apps.staff.viewmodels import KeyValueStore, PickingVM, PickupVM, StaffSessionVM, TodayVM
from apps.staff.views import picking, pickup, sign_in, stores, today
from shared.i18n import DEFAULT_LANG, normalize
from shared.sdk import AsyncClient
from shared.ui import theme

LANG_KEY = "omo.staff.lang"

__all__ = ["PreferencesStore", "StaffApp"]


class StaffApp:
    def __init__(
        self, page: ft.Page, client: AsyncClient, prefs: KeyValueStore, *, fonts_preloaded: bool = False
    ) -> None:
        self.page = page
        self.fonts_preloaded = fonts_preloaded
        self.client = client
        self.prefs = prefs
        self.lang = DEFAULT_LANG
        self.session = StaffSessionVM(client, prefs)
        self.today = TodayVM(client)
        self.picking = PickingVM(client)
        self.pickup = PickupVM(client)
        for vm in (self.session, self.today, self.picking, self.pickup):
            vm.subscribe(self.refresh)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    async def start(self) -> None:
        theme.apply(self.page, t("staff.app_name", self.lang), fonts_preloaded=self.fonts_preloaded)
        self.lang = normalize(await self.prefs.get(LANG_KEY) or DEFAULT_LANG)
        self.page.title = self.t("staff.app_name")
        self.page.on_route_change = self._route_changed
        self.page.on_view_pop = self._view_popped
        await self.session.restore()
        await self.after_store_change()
        self.render()

    # --- navigation

    def landing(self) -> str:
        if not self.session.signed_in:
            return "/sign-in"
        if self.session.active is None:
            return "/stores"
        return "/"

    async def go(self, route: str) -> None:
        if route == self.page.route:
            self.render()
        else:
            await self.page.push_route(route)

    def link(self, route: str):
        """An event handler that opens ``route``."""

        async def handler(_e: object = None) -> None:
            await self.go(route)

        return handler

    async def back(self, _e: object = None) -> None:
        """Leave a task or the pickup desk for the day's list (which is reloaded)."""
        route = self.page.route or "/"
        if route.startswith("/pick/"):
            self.picking.close()
        elif route == "/pickup":
            self.pickup.reset()
        if route.startswith("/pick/") or route == "/pickup":
            await self.today.refresh()
        views = self.page.views
        await self.go(views[-2].route if len(views) > 1 else "/")

    async def _route_changed(self, _e: ft.RouteChangeEvent) -> None:
        self.render()

    async def _view_popped(self, _e: ft.ViewPopEvent) -> None:
        await self.back()

    def _guarded(self, route: str) -> str:
        need = self.landing()
        if need in ("/sign-in", "/stores"):
            return need
        return "/" if route in ("/sign-in", "/stores") else route

    # --- rendering

    def render(self) -> None:
        """Rebuild the view stack for the current route from view-model state."""
        route = self._guarded(self.page.route or "/")
        if route == "/sign-in":
            stack = [sign_in.build(self)]
        elif route == "/stores":
            stack = [stores.build(self)]
        else:
            stack = [today.build(self)]
            if route.startswith("/pick/"):
                self._load_linked_task(route)
                stack.append(picking.build(self))
            elif route == "/pickup":
                stack.append(pickup.build(self))
        self.page.views[:] = [self._reuse(i, view) for i, view in enumerate(stack)]
        self.page.update()
        if route != (self.page.route or "/"):
            self.page.navigate(route)

    def _load_linked_task(self, route: str) -> None:
        """A task opened by its address (a tap on the list, a reload) is fetched and claimed on arrival."""
        wanted = route.removeprefix("/pick/")
        task, vm = self.picking.task, self.picking
        if not wanted.isdigit() or vm.opening is not None or (task is not None and task.id == int(wanted)):
            return
        if vm.error is None:  # a task that failed to load is not retried on every re-render
            vm.opening = int(wanted)
            self.page.run_task(vm.open, int(wanted))

    def _reuse(self, index: int, fresh: ft.View) -> ft.View:
        """Keep the View already on screen for the same route and swap its content (no page transition)."""
        views = self.page.views
        if index < len(views) and views[index].route == fresh.route:
            current = views[index]
            current.appbar, current.controls = fresh.appbar, fresh.controls
            return current
        return fresh

    def refresh(self) -> None:
        if self.page.views:
            self.render()

    # --- actions shared by several views

    async def set_lang(self, lang: str) -> None:
        self.lang = normalize(lang)
        self.page.title = self.t("staff.app_name")
        await self.prefs.set(LANG_KEY, self.lang)
        self.render()

    async def toggle_lang(self, _e: object = None) -> None:
        await self.set_lang("en" if self.lang == DEFAULT_LANG else DEFAULT_LANG)

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
