"""Pieces several shopper views share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from shared.ui import controls as ui
from shared.ui.theme import SURFACE

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp
    from apps.shopper.viewmodels import ViewModel


def lang_toggle(app: ShopperApp) -> ft.Control:
    return ui.lang_toggle(app.t("lang.switch_label"), app.t("lang.switch_tooltip"), app.toggle_lang)


def error_banner(app: ShopperApp, vm: ViewModel) -> ft.Control | None:
    if not vm.error:
        return None
    return ui.banner(app.t(vm.error))


def page_view(
    route: str, appbar: ft.AppBar, body: list[ft.Control | None], *, scroll: bool = True
) -> ft.View:
    return ft.View(
        route=route,
        appbar=appbar,
        controls=[
            ft.Column(
                [c for c in body if c is not None],
                spacing=16,
                expand=True,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                scroll=ft.ScrollMode.AUTO if scroll else None,
            )
        ],
        padding=16,
        bgcolor=SURFACE,
    )
