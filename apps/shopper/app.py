"""The shopper app's shell: one ``ShopperApp`` per page holds the view-models, the language and the routes.

Routes: ``/sign-in`` → ``/onboarding`` (location → nearest store) → ``/`` (home) → ``/search`` →
``/product/<id>``. Views are rebuilt from view-model state whenever a view-model notifies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from apps.shopper.viewmodels import CatalogVM, KeyValueStore, ProductVM, SessionVM, StorePickerVM
from apps.shopper.views import home, onboarding, product, search, sign_in
from shared.i18n import DEFAULT_LANG, normalize, t
from shared.sdk import AsyncClient
from shared.ui import theme

LANG_KEY = "omo.shopper.lang"
# Returns (latitude, longitude) from the device, or None when it cannot or may not tell.
Locator = Callable[[], Awaitable[tuple[float, float] | None]]


class PreferencesStore:
    """``KeyValueStore`` over Flet's SharedPreferences (browser localStorage on the web build)."""

    def __init__(self) -> None:
        self.prefs = ft.SharedPreferences()

    async def get(self, key: str) -> str | None:
        value = await self.prefs.get(key)
        return value if isinstance(value, str) else None

    async def set(self, key: str, value: str) -> None:
        await self.prefs.set(key, value)

    async def remove(self, key: str) -> None:
        await self.prefs.remove(key)


class ShopperApp:
    def __init__(
        self,
        page: ft.Page,
        client: AsyncClient,
        prefs: KeyValueStore,
        locate: Locator | None = None,
        *,
        fonts_preloaded: bool = False,
    ) -> None:
        self.page = page
        self.fonts_preloaded = fonts_preloaded
        self.client = client
        self.prefs = prefs
        self.locate = locate
        self.lang = DEFAULT_LANG
        self.session = SessionVM(client, prefs)
        self.stores = StorePickerVM(client, prefs)
        self.catalog = CatalogVM(client)
        self.product = ProductVM(client)
        for vm in (self.session, self.stores, self.catalog, self.product):
            vm.subscribe(self.refresh)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    async def start(self) -> None:
        theme.apply(self.page, t("app.name", self.lang), fonts_preloaded=self.fonts_preloaded)
        self.lang = normalize(await self.prefs.get(LANG_KEY) or DEFAULT_LANG)
        self.page.title = self.t("app.name")
        self.page.on_route_change = self._route_changed
        self.page.on_view_pop = self._view_popped
        if await self.session.restore():
            await self.stores.restore()
        await self.after_store_change()
        self.render()

    # --- navigation

    def landing(self) -> str:
        if not self.session.signed_in:
            return "/sign-in"
        if self.stores.chosen is None:
            return "/onboarding"
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

    async def back(self) -> None:
        views = self.page.views
        await self.go(views[-2].route if len(views) > 1 else "/")

    async def _route_changed(self, _e: ft.RouteChangeEvent) -> None:
        self.render()

    async def _view_popped(self, e: ft.ViewPopEvent) -> None:
        await self.back()

    def _guarded(self, route: str) -> str:
        need = self.landing()
        if need in ("/sign-in", "/onboarding"):
            return need
        return "/" if route in ("/sign-in", "/onboarding") else route

    # --- rendering

    def render(self) -> None:
        """Rebuild the view stack for the current route from view-model state."""
        route = self._guarded(self.page.route or "/")
        if route == "/sign-in":
            stack = [sign_in.build(self)]
        elif route == "/onboarding":
            stack = [onboarding.build(self)]
        else:
            stack = [home.build(self)]
            if route.startswith("/search") or route.startswith("/product/"):
                stack.append(search.build(self))
            if route.startswith("/product/"):
                self._load_linked_product(route)
                stack.append(product.build(self))
        self.page.views[:] = [self._reuse(i, view) for i, view in enumerate(stack)]
        self.page.update()
        if route != (self.page.route or "/"):
            self.page.navigate(route)

    def _load_linked_product(self, route: str) -> None:
        """A product opened by its address (a shared link, a reload) is fetched on arrival."""
        wanted = route.removeprefix("/product/")
        if wanted.isdigit() and not self.product.busy and self.product.product_id != int(wanted):
            self.page.run_task(self.product.load, int(wanted), self.catalog.store_id)

    def _reuse(self, index: int, fresh: ft.View) -> ft.View:
        """Keep the View already on screen for the same route and swap its content, so a re-render
        patches the page in place instead of pushing a new page with a transition."""
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
        self.page.title = self.t("app.name")
        await self.prefs.set(LANG_KEY, self.lang)
        self.render()

    async def toggle_lang(self, _e: object = None) -> None:
        await self.set_lang("en" if self.lang == DEFAULT_LANG else DEFAULT_LANG)

    async def after_store_change(self) -> None:
        chosen = self.stores.chosen
        self.catalog.at_store(chosen.id if chosen else None)
        if chosen and not self.catalog.categories:
            await self.catalog.load_categories()

    async def sign_out(self, _e: object = None) -> None:
        await self.session.sign_out()
        await self.go("/sign-in")
