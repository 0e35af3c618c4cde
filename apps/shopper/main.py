"""Entry point of the shopper app.

Desktop / mobile: ``flet run apps/shopper`` (talks to ``OMO_API_URL``, default http://127.0.0.1:8000).
Web: the backend imports ``make_main`` and serves the app at ``/app/shopper`` (see ``backend/web.py``).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import flet as ft

from apps.shopper.app import Locator, ShopperApp
from shared.sdk import AsyncClient
from shared.ui.shell import PreferencesStore
from shared.ui.theme import ASSETS_DIR

# Makes the SDK client for one page (the page tells who is on the other end, e.g. ``page.client_ip``).
ClientFactory = Callable[[ft.Page], AsyncClient]


def make_main(
    client_factory: ClientFactory, locate: Locator | None = None, *, fonts_preloaded: bool = False
) -> Callable[[ft.Page], Awaitable[None]]:
    """The Flet ``main`` for one page (one shopper session) with its own SDK client.

    ``fonts_preloaded``: the web client loads the CJK fonts from its font manifest (backend/web.py).
    """

    async def main(page: ft.Page) -> None:
        client = client_factory(page)
        app = ShopperApp(page, client, PreferencesStore(), locate, fonts_preloaded=fonts_preloaded)

        async def closed(_e: object) -> None:
            await client.aclose()

        page.on_close = closed
        await app.start()

    return main


def api_client(_page: ft.Page) -> AsyncClient:
    return AsyncClient(os.environ.get("OMO_API_URL", "http://127.0.0.1:8000"))


main = make_main(api_client)

if __name__ == "__main__":
    ft.run(main, assets_dir=str(ASSETS_DIR), no_cdn=True)
