"""Serves the Flet apps as web pages from the backend, when the ``apps`` extra (flet, flet-web) is installed.

The shopper app is mounted at ``/app/shopper`` and the staff app at ``/app/staff``. Everything the
browser loads (the Flutter client, CanvasKit, the fonts) comes from the flet-web package and
``assets/`` (``no_cdn=True``). Each page session gets its own SDK client that calls this same backend
in-process (``httpx.ASGITransport``), so the web build goes through exactly the API the mobile apps use.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse

log = logging.getLogger("omo.web")
SHOPPER_PATH = "/app/shopper"
STAFF_PATH = "/app/staff"


def mount_web_apps(app: FastAPI) -> bool:
    """Mount the Flet web apps on ``app``; returns False (and serves none) without flet-web."""
    try:
        import flet_web.fastapi as flet_fastapi
    except ImportError:
        log.info("flet-web is not installed; the web apps are not served")
        return False

    from apps.shopper.main import make_main
    from apps.staff.main import make_main as make_staff_main
    from shared.sdk import AsyncClient
    from shared.ui.theme import ASSETS_DIR

    def in_process_client(page: Any) -> AsyncClient:
        # The shopper's own address, so per-client limits apply to the browser, not to this process.
        transport = httpx.ASGITransport(app=app, client=(page.client_ip or "127.0.0.1", 0))
        return AsyncClient(
            http=httpx.AsyncClient(transport=transport, base_url="http://omo.internal", timeout=30)
        )

    shopper = flet_fastapi.app(
        make_main(in_process_client, fonts_preloaded=True),
        assets_dir=str(ASSETS_DIR),
        app_name="OMO 商城",
        app_short_name="OMO 商城",
        app_description="OMO Retail shopper app",
        no_cdn=True,
    )
    _serve_font_manifest(app, SHOPPER_PATH)
    app.mount(SHOPPER_PATH, shopper)
    staff = flet_fastapi.app(
        make_staff_main(in_process_client, fonts_preloaded=True),
        assets_dir=str(ASSETS_DIR),
        app_name="OMO 门店助手",
        app_short_name="OMO 门店",
        app_description="OMO Retail staff app",
        no_cdn=True,
    )
    _serve_font_manifest(app, STAFF_PATH)
    app.mount(STAFF_PATH, staff)
    _run_flet_manager_with(app, flet_fastapi.app_manager)
    return True


def font_manifest() -> list[dict[str, Any]]:
    """Flutter's font manifest from flet-web plus the CJK fonts (``assets/fonts``).

    Fonts listed here are loaded before the first frame, so Chinese never flashes as tofu boxes while
    ``page.fonts`` downloads them. The paths step out of Flutter's ``assets/`` folder to the URLs that
    ``page.fonts`` uses (the app's assets are served at the app's root), so the browser fetches each
    font once.
    """
    from flet_web import get_package_web_dir

    from shared.ui.theme import FONTS

    manifest = json.loads((Path(get_package_web_dir()) / "assets" / "FontManifest.json").read_text())
    manifest.append({"family": "Roboto", "fonts": [{"asset": "fonts/roboto.woff2"}]})
    manifest += [{"family": family, "fonts": [{"asset": f"../{path}"}]} for family, path in FONTS.items()]
    return manifest


def _serve_font_manifest(app: FastAPI, path: str) -> None:
    from shared.ui.theme import FONT, FONTS

    manifest = font_manifest()
    regular = f"{path}/{FONTS[FONT]}"

    @app.get(f"{path}/assets/FontManifest.json", include_in_schema=False)
    async def flutter_font_manifest() -> JSONResponse:
        return JSONResponse(manifest, headers={"Cache-Control": "no-cache"})

    @app.get(f"{path}/assets/fonts/notosanssc/{{piece:path}}", include_in_schema=False)
    async def flutter_cjk_fallback(piece: str) -> RedirectResponse:
        """Flutter asks for Google's Noto Sans SC slices when it draws Chinese before the app's fonts
        are ready (the first frames, a reload); the shipped font has every one of those glyphs."""
        return RedirectResponse(regular, status_code=302)


def _run_flet_manager_with(app: FastAPI, manager: Any) -> None:
    """Start and stop Flet's session manager with the backend (a mounted app gets no lifespan of its own)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi_app: FastAPI) -> AsyncIterator[Any]:
        await manager.start()
        try:
            async with inner(asgi_app) as state:
                yield state
        finally:
            await manager.shutdown()

    app.router.lifespan_context = lifespan
