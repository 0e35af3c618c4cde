"""Choosing the store to work at (staff who work at several)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import error_banner, lang_toggle, page_view, sign_out_button
from shared.i18n import pick
from shared.ui import controls as ui

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
    from backend.stores.schemas import Store


def build(app: StaffApp) -> ft.View:
    vm = app.session

    def chooser(store: Store):
        async def handler(_e: object) -> None:
            if await vm.choose(store.id):
                await app.after_store_change()
                await app.go("/")

        return handler

    tiles: list[ft.Control] = [
        ui.card(
            ft.Row(
                [
                    ft.Icon(ft.Icons.STOREFRONT, size=32, color=ui.BRAND),
                    ft.Column(
                        [ui.title(pick(app.lang, s.name_zh, s.name_en), size=20), ui.muted(s.code)],
                        spacing=2,
                        expand=True,
                    ),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT),
                ],
                spacing=16,
            ),
            on_click=chooser(s),
            padding=20,
        )
        for s in vm.stores
    ]
    body: list[ft.Control | None] = [
        ui.title(app.t("staff.store.choose"), size=26),
        error_banner(app, vm),
        *(tiles or [ui.muted(app.t("staff.store.none"), size=16)]),
    ]
    bar = ui.app_bar(app.t("staff.app_name"), actions=[lang_toggle(app), sign_out_button(app)])
    return page_view("/stores", bar, body, width=720)
