"""What every Flet app shell shares: language, navigation, guarded routes and in-place re-rendering.

An app subclasses ``AppShell`` and says which routes need what (``landing``), which view stack a route
shows (``stack``) and what to do on start (``restore``); views are rebuilt from view-model state
whenever a view-model notifies.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import flet as ft

from shared.i18n import DEFAULT_LANG, normalize
from shared.ui import theme


class PreferencesStore:
    """A key-value store over Flet's SharedPreferences (browser localStorage on the web build)."""

    def __init__(self) -> None:
        self.prefs = ft.SharedPreferences()

    async def get(self, key: str) -> str | None:
        value = await self.prefs.get(key)
        return value if isinstance(value, str) else None

    async def set(self, key: str, value: str) -> None:
        await self.prefs.set(key, value)

    async def remove(self, key: str) -> None:
        await self.prefs.remove(key)


class AppShell:
    """Base of the shopper and staff app shells."""

    lang_key: str = "omo.lang"
    title_key: str = "app.name"
    # Routes a signed-out or not-yet-set-up user is sent to (``landing`` picks one).
    gate_routes: tuple[str, ...] = ("/sign-in",)

    def __init__(self, page: ft.Page, prefs: Any, *, fonts_preloaded: bool = False) -> None:
        self.page = page
        self.prefs = prefs
        self.fonts_preloaded = fonts_preloaded
        self.lang = DEFAULT_LANG

    # --- what an app says about itself

    def t(self, key: str, **values: object) -> str:
        raise NotImplementedError

    def landing(self) -> str:
        """Where the user must be: a gate route, or "/" when they may go anywhere."""
        raise NotImplementedError

    def stack(self, route: str) -> list[ft.View]:
        """The views shown for ``route`` (already guarded)."""
        raise NotImplementedError

    async def restore(self) -> None:
        """Bring back what the user had (sign-in, chosen store) before the first render."""

    # --- start, language, navigation

    async def start(self) -> None:
        theme.apply(self.page, self.t(self.title_key), fonts_preloaded=self.fonts_preloaded)
        self.lang = normalize(await self.prefs.get(self.lang_key) or DEFAULT_LANG)
        self.page.title = self.t(self.title_key)
        self.page.on_route_change = self._route_changed
        self.page.on_view_pop = self._view_popped
        await self.restore()
        self.render()

    async def set_lang(self, lang: str) -> None:
        self.lang = normalize(lang)
        self.page.title = self.t(self.title_key)
        await self.prefs.set(self.lang_key, self.lang)
        self.render()

    async def toggle_lang(self, _e: object = None) -> None:
        await self.set_lang("en" if self.lang == DEFAULT_LANG else DEFAULT_LANG)

    async def go(self, route: str) -> None:
        if route == self.page.route:
            self.render()
        else:
            await self.page.push_route(route)

    def link(self, route: str) -> Callable[..., Coroutine[Any, Any, None]]:
        """An event handler that opens ``route``."""

        async def handler(_e: object = None) -> None:
            await self.go(route)

        return handler

    async def back(self, _e: object = None) -> None:
        views = self.page.views
        await self.go(views[-2].route if len(views) > 1 else "/")

    async def _route_changed(self, _e: ft.RouteChangeEvent) -> None:
        self.render()

    async def _view_popped(self, _e: ft.ViewPopEvent) -> None:
        await self.back()

    def guarded(self, route: str) -> str:
        need = self.landing()
        if need in self.gate_routes:
            return need
        return "/" if route in self.gate_routes else route

    # --- rendering

    def render(self) -> None:
        """Rebuild the view stack for the current route from view-model state."""
        route = self.guarded(self.page.route or "/")
        self.page.views[:] = [self._reuse(i, view) for i, view in enumerate(self.stack(route))]
        self.page.update()
        if route != (self.page.route or "/"):
            self.page.navigate(route)

    def _reuse(self, index: int, fresh: ft.View) -> ft.View:
        """Keep the View already on screen for the same route and swap its content, so a re-render
        patches the page in place instead of pushing a new page with a transition."""
        views = self.page.views
        if index < len(views) and views[index].route == fresh.route:
            current = views[index]
            current.appbar, current.controls = fresh.appbar, fresh.controls
            current.navigation_bar = fresh.navigation_bar
            return current
        return fresh

    def refresh(self) -> None:
        if self.page.views:
            self.render()
