"""Sign in with a phone number and a one-time SMS code (first sign-in registers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import error_banner, lang_toggle, page_view
from shared.ui import controls as ui

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def build(app: ShopperApp) -> ft.View:
    vm = app.session

    def phone_changed(e: ft.Event[ft.TextField]) -> None:
        vm.phone = e.control.value

    def code_changed(e: ft.Event[ft.TextField]) -> None:
        vm.code = e.control.value

    async def request_code(_e: object) -> None:
        await vm.request_code()

    async def verify(_e: object) -> None:
        if await vm.verify():
            await app.stores.restore()
            await app.after_store_change()
            await app.go(app.landing())

    phone = ui.text_field(
        app.t("sign_in.phone"),
        vm.phone,
        phone_changed,
        hint=app.t("sign_in.phone_hint"),
        keyboard=ft.KeyboardType.PHONE,
        max_length=11,
        on_submit=request_code,
        prefix_icon=ft.Icons.PHONE_IPHONE,
        autofocus=not vm.code_sent,
    )
    phone.read_only = vm.code_sent
    body: list[ft.Control | None] = [
        ft.Container(height=8),
        ui.title(app.t("sign_in.welcome"), size=26),
        ui.muted(app.t("sign_in.subtitle")),
        ft.Container(height=8),
        phone,
    ]
    if vm.code_sent:
        body += [
            ui.muted(app.t("sign_in.code_sent", phone=vm.phone[:3] + "****" + vm.phone[-4:])),
            ui.text_field(
                app.t("sign_in.code"),
                vm.code,
                code_changed,
                hint=app.t("sign_in.code_hint"),
                keyboard=ft.KeyboardType.NUMBER,
                max_length=6,
                on_submit=verify,
                autofocus=True,
                prefix_icon=ft.Icons.SMS_OUTLINED,
            ),
            error_banner(app, vm),
            ft.Row([ui.primary_button(app.t("sign_in.submit"), verify, busy=vm.busy)]),
            ft.Row(
                [
                    ft.TextButton(
                        app.t("sign_in.change_phone"), on_click=lambda _e: vm.change_phone(), height=ui.TOUCH
                    ),
                    ft.TextButton(app.t("sign_in.resend"), on_click=request_code, height=ui.TOUCH),
                ],
                alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            ),
        ]
    else:
        body += [
            error_banner(app, vm),
            ft.Row([ui.primary_button(app.t("sign_in.get_code"), request_code, busy=vm.busy)]),
        ]
    body.append(ui.muted(app.t("sign_in.terms"), size=12))
    return page_view("/sign-in", ui.app_bar(app.t("app.name"), actions=[lang_toggle(app)]), body)
