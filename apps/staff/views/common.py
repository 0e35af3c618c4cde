"""Pieces several staff views share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from shared.ui import controls as ui
from shared.ui.theme import SURFACE, WARN

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


def desk_bar(app: StaffApp, title_key: str) -> ft.AppBar:
    """The bar of a desk opened from Today: back, the desk's name, the sync state, the language."""
    return ui.app_bar(
        app.t(title_key),
        actions=[sync_chip(app), lang_toggle(app)],
        back=app.back,
        back_label=app.t("nav.back"),
    )


def sync_chip(app: StaffApp) -> ft.Control:
    """What is not yet synced (always on screen while anything is waiting)."""
    vm = app.sync
    if vm.pending:
        text = app.t("staff.sync.pending", sales=vm.pending_sales, counts=vm.pending_counts)
        color = WARN
    elif not vm.online:
        text, color = app.t("staff.sync.offline"), WARN
    else:
        text, color = app.t("staff.sync.done"), ui.ON_BRAND

    async def sync(_e: object) -> None:
        await vm.sync()

    return ft.TextButton(
        content=ft.Text(text, color=color if color != WARN else "#FFE0B2", size=14),
        icon=ft.Icons.CLOUD_SYNC_OUTLINED if vm.pending else ft.Icons.CLOUD_DONE_OUTLINED,
        icon_color=ui.ON_BRAND,
        on_click=sync,
        tooltip=app.t("staff.sync.now"),
    )


def scan_field(app: StaffApp, label: str, value: str, on_change, on_submit, *, hint: str | None = None):  # type: ignore[no-untyped-def]
    """The field a scanner (keyboard wedge) or a camera read types into; Enter submits."""
    return ui.text_field(
        label,
        value,
        on_change,
        hint=hint,
        on_submit=on_submit,
        autofocus=True,
        prefix_icon=ft.Icons.QR_CODE_SCANNER,
    )


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def submitted(e: object, fallback: str) -> str:
    """The text of the field that was submitted (a button press has none: the kept value is used)."""
    control = getattr(e, "control", None)
    value = getattr(control, "value", None) if isinstance(control, ft.TextField) else None
    return value if isinstance(value, str) else fallback
