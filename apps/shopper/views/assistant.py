"""The assistant chat: questions answered from the shopper's data, the rest handed to a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import back_bar, page_view
from shared.ui import controls as ui
from shared.ui.theme import BRAND, CARD, ON_BRAND, TEXT

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def bubble(text: str, mine: bool) -> ft.Control:
    return ft.Row(
        [
            ft.Container(
                ft.Text(text, color=ON_BRAND if mine else TEXT, size=15),
                bgcolor=BRAND if mine else CARD,
                padding=12,
                border_radius=ft.BorderRadius.only(
                    top_left=14, top_right=14, bottom_left=14 if mine else 2, bottom_right=2 if mine else 14
                ),
                width=300,
            )
        ],
        alignment=ft.MainAxisAlignment.END if mine else ft.MainAxisAlignment.START,
    )


def build(app: ShopperApp) -> ft.View:
    vm = app.assistant

    def changed(e: ft.Event[ft.TextField]) -> None:
        vm.draft = e.control.value

    async def send(_e: object) -> None:
        await vm.send()

    async def escalate(_e: object) -> None:
        await vm.escalate()

    body: list[ft.Control | None] = [bubble(m.text, m.mine) for m in vm.messages]
    if vm.messages and vm.messages[-1].offer_ticket:
        body.append(ft.Row([ui.secondary_button(app.t("assistant.human"), escalate)]))
    field = ui.text_field(app.t("assistant.input"), vm.draft, changed, on_submit=send)
    field.expand = True
    view = page_view("/me/assistant", back_bar(app, "assistant.title", "/me"), body)
    view.controls.append(
        ft.Row([field, ui.icon_button(ft.Icons.SEND, app.t("assistant.send"), send, color=BRAND)], spacing=8)
    )
    return view
