"""Settings: language, notifications, privacy (marketing consent, deleting the account), signing out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.viewmodels.settings import NOTIFICATIONS
from apps.shopper.views.common import back_bar, error_banner, page_view, section
from shared.ui import controls as ui
from shared.ui.theme import BRAND, PRICE, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

LANGUAGES = (("zh-CN", "中文"), ("en", "English"))


def build(app: ShopperApp) -> ft.View:
    vm = app.settings

    def use_lang(lang: str):
        async def handler(_e: object) -> None:
            await app.set_lang(lang)

        return handler

    def switch(kind: str):
        async def handler(e: ft.Event[ft.Switch]) -> None:
            await vm.set_notification(kind, bool(e.control.value))

        return handler

    async def ask_delete(_e: object) -> None:
        vm.ask_delete(True)

    async def keep(_e: object) -> None:
        vm.ask_delete(False)

    async def delete(_e: object) -> None:
        if await vm.delete_account():
            await app.sign_out()

    languages = ft.Row(
        [
            ft.Chip(
                label=label,
                selected=app.lang == code,
                selected_color="#FDE3E3",
                on_select=use_lang(code),
                height=TOUCH,
            )
            for code, label in LANGUAGES
        ],
        spacing=8,
    )
    switches = [
        ft.Switch(
            label=app.t(f"settings.notify.{kind}"),
            value=vm.notifications.get(kind, True),
            on_change=switch(kind),
            active_color=BRAND,
        )
        for kind in NOTIFICATIONS
    ]
    privacy: list[ft.Control | None] = [ui.muted(app.t("settings.consent_note"), size=13)]
    if vm.confirm_delete:
        privacy += [
            ft.Text(app.t("settings.delete_confirm"), color=PRICE),
            ft.Row(
                [
                    ui.primary_button(app.t("settings.delete_yes"), delete, busy=vm.busy),
                    ui.secondary_button(app.t("settings.keep"), keep),
                ],
                spacing=8,
            ),
        ]
    else:
        privacy.append(
            ft.TextButton(
                app.t("settings.delete"), on_click=ask_delete, height=TOUCH, style=ft.ButtonStyle(color=PRICE)
            )
        )
    body: list[ft.Control | None] = [
        error_banner(app, vm),
        section(app.t("settings.language"), languages),
        section(app.t("settings.notifications"), *switches),
        section(app.t("settings.privacy"), *privacy),
        ft.Row(
            [ui.secondary_button(app.t("home.sign_out"), app.sign_out)], alignment=ft.MainAxisAlignment.CENTER
        ),
    ]
    return page_view("/me/settings", back_bar(app, "settings.title", "/me"), body)
