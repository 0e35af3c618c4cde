"""The shopper app's shell: one ``ShopperApp`` per page holds the view-models, the language and the routes.

Routes: ``/sign-in`` → ``/onboarding`` (location → nearest store) → the four tabs ``/`` (home),
``/cart``, ``/orders``, ``/me``, each with the pages opened from it: ``/search`` → ``/product/<id>``;
``/cart/checkout``; ``/orders/<id>``; ``/me/services``, ``/me/settings``, ``/me/assistant``, ``/me/topup``,
``/me/shares``, ``/me/referral``; ``/campaign/<flash|group|bargain>/<id>`` and ``/scango`` (扫码购) opened
from home.
Views are rebuilt from view-model state whenever a view-model notifies.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import flet as ft

from apps.shopper.viewmodels import (
    AssistantVM,
    CampaignsVM,
    CartVM,
    CatalogVM,
    CheckoutVM,
    InStoreVM,
    KeyValueStore,
    MemberVM,
    OrdersVM,
    OrderVM,
    ProductVM,
    ServicesVM,
    SessionVM,
    SettingsVM,
    StorePickerVM,
    TopUpVM,
)
from apps.shopper.viewmodels.referral import ReferralVM
from apps.shopper.viewmodels.scan import ScanVM
from apps.shopper.viewmodels.scango import ScanGoVM
from apps.shopper.viewmodels.tryon import TryOnVM
from apps.shopper.views import (
    assistant,
    campaign,
    cart,
    checkout,
    home,
    member,
    onboarding,
    order,
    orders,
    product,
    referral,
    scango,
    search,
    services,
    settings,
    sign_in,
    topup,
)
from shared.devices.beacons import BeaconScanner, RadioSimulator, SimulatedBeacon
from shared.i18n import t
from shared.sdk import AsyncClient
from shared.ui.shell import AppShell

# Returns (latitude, longitude) from the device, or None when it cannot or may not tell.
Locator = Callable[[], Awaitable[tuple[float, float] | None]]
TABS = ("/", "/cart", "/orders", "/me")


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
        self.cart = CartVM(client)
        self.checkout = CheckoutVM(client)
        self.orders = OrdersVM(client)
        self.order = OrderVM(client)
        self.member = MemberVM(client)
        self.services = ServicesVM(client)
        self.settings = SettingsVM(client, prefs)
        self.assistant = AssistantVM(client)
        self.topup = TopUpVM(client)
        self.scan = ScanVM(client)
        self.scango = ScanGoVM(client)
        self.referral = ReferralVM(client)
        self.tryon = TryOnVM()
        self.campaigns = CampaignsVM(client, prefs)
        self.instore = InStoreVM(client, self._beacon_scanner())
        self._picker: ft.FilePicker | None = None
        for vm in (
            self.session,
            self.stores,
            self.catalog,
            self.product,
            self.cart,
            self.checkout,
            self.orders,
            self.order,
            self.member,
            self.services,
            self.settings,
            self.assistant,
            self.topup,
            self.scan,
            self.scango,
            self.referral,
            self.tryon,
            self.campaigns,
            self.instore,
        ):
            vm.subscribe(self.refresh)

    def file_picker(self) -> ft.FilePicker:
        """The page's file picker (return photos, barcode photos), made on first use."""
        if self._picker is None:
            self._picker = ft.FilePicker()
        return self._picker

    def _beacon_scanner(self) -> BeaconScanner | None:
        """bleak on a phone with Bluetooth; ``OMO_BEACON_SIMULATOR=1`` walks up to the chosen store's door
        (its first paired iBeacon) through the radio simulator (demo machines without Bluetooth)."""
        if os.environ.get("OMO_BEACON_SIMULATOR") != "1":
            return None
        walk: dict[str, Any] = {}

        def factory(detection_callback: Callable[[Any, Any], None]) -> Any:
            if "sim" not in walk:
                chosen = str(self.stores.chosen.id) if self.stores.chosen else None
                bound = [b for b in self.instore.registry if b.uuid and b.store_id == chosen]
                door = [SimulatedBeacon(b.uuid, b.major, b.minor, (25.0, 9.0, 3.0, 1.2)) for b in bound[:1]]
                walk["sim"] = RadioSimulator(door, rounds=6)
            return walk["sim"](detection_callback)

        return BeaconScanner(factory)

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

    async def start(self) -> None:
        await super().start()
        await self.load_for(self.guarded(self.page.route or "/"))

    async def open(self, route: str) -> None:
        """Go to ``route`` and load what its screen shows (the route change loads it)."""
        if route == self.page.route:
            await self.load_for(route)
        await self.go(route)

    async def _route_changed(self, _e: ft.RouteChangeEvent) -> None:
        self.render()
        await self.load_for(self.guarded(self.page.route or "/"))

    @property
    def live_url(self) -> str:
        """Where the backend's WebSocket is: the page's own origin on the web build (its SDK client
        talks to the backend in-process), else the SDK's address."""
        parts = urlsplit(self.page.url or "") if self.page.web else None
        schemes = {"http": "http", "ws": "http", "https": "https", "wss": "https"}
        if parts is not None and parts.scheme in schemes and parts.netloc:
            # Flet reports the page's address as its WebSocket's (ws://host/app/shopper).
            return f"{schemes[parts.scheme]}://{parts.netloc}"
        return str(self.client.http.base_url)

    async def load_for(self, route: str) -> None:
        store_id = self.stores.chosen.id if self.stores.chosen else None
        if route.startswith("/cart/checkout") and self.stores.chosen is not None:
            if self.cart.cart is None:
                await self.cart.load(store_id)
            await self.checkout.start(self.stores.chosen, self.cart.total)
        elif route.startswith("/cart"):
            await self.cart.load(store_id)
        elif route == "/orders":
            await self.order.stop()
            await self.orders.load()
        elif route.startswith("/orders/"):
            wanted = route.removeprefix("/orders/")
            if wanted.isdigit():
                await self.order.load(int(wanted))
                self.order.watch(self.live_url)
        elif route == "/":
            await self.catalog.load_home()
            await self.campaigns.load(store_id)
        elif route.startswith("/campaign/"):
            parts = route.split("/")
            if len(parts) == 4 and parts[3].isdigit() and self.campaigns.selected is None:
                await self.campaigns.load(store_id)
                self.campaigns.open(parts[2], int(parts[3]))
        elif route == "/scango":
            if self.stores.chosen is not None:
                self.scango.start(self.stores.chosen.id)
        elif route == "/me/topup":
            if self.member.wallet is None:
                await self.member.load()
        elif route == "/me/referral":
            await self.referral.load()
        elif route == "/me/shares":
            self.campaigns.store_id = store_id
            await self.campaigns.load_shares()
        elif route == "/me":
            await self.member.load()
        elif route == "/me/services":
            await self.services.load(store_id)
        elif route == "/me/settings":
            await self.settings.load()
        elif route == "/me/assistant":
            self.assistant.start(self.lang, self.stores.chosen)

    # --- rendering

    def stack(self, route: str) -> list[ft.View]:
        if route == "/sign-in":
            return [sign_in.build(self)]
        if route == "/onboarding":
            return [onboarding.build(self)]
        if route.startswith("/cart"):
            views = [cart.build(self)]
            if route.startswith("/cart/checkout"):
                views.append(checkout.build(self))
            return views
        if route.startswith("/orders"):
            views = [orders.build(self)]
            if route.startswith("/orders/"):
                views.append(order.build(self))
            return views
        if route.startswith("/me"):
            views = [member.build(self)]
            pages = {
                "/me/services": services.build,
                "/me/settings": settings.build,
                "/me/assistant": assistant.build,
                "/me/topup": topup.build,
                "/me/shares": campaign.shares,
                "/me/referral": referral.build,
            }
            if route in pages:
                views.append(pages[route](self))
            return views
        views = [home.build(self)]
        if route == "/scango":
            views.append(scango.build(self))
            return views
        if route.startswith("/campaign/"):
            views.append(campaign.build(self))
            return views
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
        await self.order.stop()
        await self.session.sign_out()
        await self.go("/sign-in")

    async def set_lang(self, lang: str) -> None:
        await super().set_lang(lang)
        if self.session.signed_in:
            await self.settings.set_language(lang)
