"""Staff sign-in with a username and password."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import error_banner, lang_toggle, page_view
from shared.ui import controls as ui

if TYPE_CHECKING:
    from apps.staff.app import StaffApp


def build(app: StaffApp) -> ft.View:
    vm = app.session

    def username_changed(e: ft.Event[ft.TextField]) -> None:
        vm.username = e.control.value

    def password_changed(e: ft.Event[ft.TextField]) -> None:
        vm.password = e.control.value

    async def submit(_e: object) -> None:
        if await vm.sign_in():
            await app.after_store_change()
            await app.go(app.landing())

    username = ui.text_field(
        app.t("staff.sign_in.username"),
        vm.username,
        username_changed,
        on_submit=submit,
        autofocus=True,
        prefix_icon=ft.Icons.BADGE_OUTLINED,
    )
    password = ui.text_field(
        app.t("staff.sign_in.password"),
        vm.password,
        password_changed,
        on_submit=submit,
        prefix_icon=ft.Icons.LOCK_OUTLINE,
    )
    password.password = True
    password.can_reveal_password = True
    body: list[ft.Control | None] = [
        ft.Container(height=24),
        ui.title(app.t("staff.sign_in.welcome"), size=28),
        ui.muted(app.t("staff.sign_in.subtitle"), size=16),
        ft.Container(height=8),
        username,
        password,
        error_banner(app, vm),
        ft.Row([ui.primary_button(app.t("staff.sign_in.submit"), submit, busy=vm.busy)]),
    ]
    return page_view(
        "/sign-in", ui.app_bar(app.t("staff.app_name"), actions=[lang_toggle(app)]), body, width=520
    )
