"""Pieces several staff views share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from shared.ui import controls as ui
from shared.ui.theme import SURFACE

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
    from apps.staff.viewmodels import StaffViewModel


def lang_toggle(app: StaffApp) -> ft.Control:
    return ui.lang_toggle(app.t("lang.switch_label"), app.t("lang.switch_tooltip"), app.toggle_lang)


def error_banner(app: StaffApp, vm: StaffViewModel) -> ft.Control | None:
    """The translated error, and under it the backend's own reason when it says more (e.g. which item)."""
    if not vm.error:
        return None
    text = app.t(vm.error)
    if vm.error_message:
        text = f"{text}\n{vm.error_message}"
    return ui.banner(text)


def sign_out_button(app: StaffApp) -> ft.Control:
    return ui.icon_button(ft.Icons.LOGOUT, app.t("staff.sign_out"), app.sign_out, color=ui.ON_BRAND)


def page_view(
    route: str, appbar: ft.AppBar, body: list[ft.Control | None], *, scroll: bool = True, width: int = 1100
) -> ft.View:
    """A tablet page: the content centred, at most ``width`` wide."""
    return ft.View(
        route=route,
        appbar=appbar,
        controls=[
            ft.Row(
                [
                    ft.Container(
                        ft.Column(
                            [c for c in body if c is not None],
                            spacing=16,
                            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                            scroll=ft.ScrollMode.AUTO if scroll else None,
                            expand=True,
                        ),
                        width=width,
                    )
                ],
                alignment=ft.MainAxisAlignment.CENTER,
                vertical_alignment=ft.CrossAxisAlignment.STRETCH,
                expand=True,
            )
        ],
        padding=24,
        bgcolor=SURFACE,
    )
