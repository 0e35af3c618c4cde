"""The shopper app's shell: one ``ShopperApp`` per page holds the view-models, the language and the routes.

Routes: ``/sign-in`` → ``/onboarding`` (location → nearest store) → ``/`` (home) → ``/search`` →
``/product/<id>``. Views are rebuilt from view-model state whenever a view-model notifies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from apps.shopper.viewmodels import CatalogVM, KeyValueStore, ProductVM, SessionVM, StorePickerVM
from apps.shopper.views import home, onboarding, product, search, sign_in
from shared.i18n import t
from shared.sdk import AsyncClient
from shared.ui.shell import AppShell

# Returns (latitude, longitude) from the device, or None when it cannot or may not tell.
Locator = Callable[[], Awaitable[tuple[float, float] | None]]


class ShopperApp(AppShell):
    lang_key = "omo.shopper.lang"
    title_key = "app.name"
    gate_routes = ("/sign-in", "/onboarding")

    def __init__(
        self,
        page: ft.Page,
        client: AsyncClient,
        prefs: KeyValueStore,
        locate: Locator | None = None,
        *,
        fonts_preloaded: bool = False,
    ) -> None:
        super().__init__(page, prefs, fonts_preloaded=fonts_preloaded)
        self.client = client
        self.locate = locate
        self.session = SessionVM(client, prefs)
        self.stores = StorePickerVM(client, prefs)
        self.catalog = CatalogVM(client)
        self.product = ProductVM(client)
        for vm in (self.session, self.stores, self.catalog, self.product):
            vm.subscribe(self.refresh)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    async def restore(self) -> None:
        if await self.session.restore():
            await self.stores.restore()
        await self.after_store_change()

    # --- navigation

    def landing(self) -> str:
        if not self.session.signed_in:
            return "/sign-in"
        if self.stores.chosen is None:
            return "/onboarding"
        return "/"

    # --- rendering

    def stack(self, route: str) -> list[ft.View]:
        if route == "/sign-in":
            return [sign_in.build(self)]
        if route == "/onboarding":
            return [onboarding.build(self)]
        views = [home.build(self)]
        if route.startswith("/search") or route.startswith("/product/"):
            views.append(search.build(self))
        if route.startswith("/product/"):
            self._load_linked_product(route)
            views.append(product.build(self))
        return views

    def _load_linked_product(self, route: str) -> None:
        """A product opened by its address (a shared link, a reload) is fetched on arrival."""
        wanted = route.removeprefix("/product/")
        if wanted.isdigit() and not self.product.busy and self.product.product_id != int(wanted):
            self.page.run_task(self.product.load, int(wanted), self.catalog.store_id)

    # --- actions shared by several views

    async def after_store_change(self) -> None:
        chosen = self.stores.chosen
        self.catalog.at_store(chosen.id if chosen else None)
        if chosen and not self.catalog.categories:
            await self.catalog.load_categories()

    async def sign_out(self, _e: object = None) -> None:
        await self.session.sign_out()
        await self.go("/sign-in")
