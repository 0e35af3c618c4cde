"""The pickup desk: type the shopper's 6-digit code or scan their QR, check the order, hand it over."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import error_banner, lang_toggle, page_view
from shared.i18n import pick
from shared.ui import controls as ui

if TYPE_CHECKING:
    from apps.staff.app import StaffApp


def build(app: StaffApp) -> ft.View:
    vm = app.pickup

    def entry_changed(e: ft.Event[ft.TextField]) -> None:
        vm.entry = e.control.value

    async def verify(_e: object) -> None:
        await vm.verify()

    async def hand_over(_e: object) -> None:
        if await vm.hand_over():
            await app.today.refresh()

    body: list[ft.Control | None] = []
    order = vm.order
    if vm.handed_over and order is not None:
        body += [
            ui.banner(app.t("staff.pickup.handed_over", number=order.number), error=False),
            ft.Row([ui.primary_button(app.t("staff.pickup.next"), lambda _e: vm.reset())]),
        ]
    else:
        body += [
            ui.text_field(
                app.t("staff.pickup.code"),
                vm.entry,
                entry_changed,
                hint=app.t("staff.pickup.code_hint"),
                on_submit=verify,
                autofocus=True,
                prefix_icon=ft.Icons.QR_CODE_SCANNER,
            ),
            ft.Row([ui.primary_button(app.t("staff.pickup.verify"), verify, busy=vm.busy)]),
            error_banner(app, vm),
        ]
        if order is not None:
            lines = [
                ft.Row(
                    [
                        ft.Text(pick(app.lang, ln.name_zh, ln.name_en), size=17, expand=True),
                        ft.Text(f"× {ln.picked_qty or ln.quantity}", size=17),
                    ]
                )
                for ln in order.lines
                if ln.picked_qty or not ln.short_qty
            ]
            units = sum(ln.picked_qty for ln in order.lines)
            body += [
                ui.card(
                    ft.Column(
                        [
                            ui.title(app.t("staff.pickup.order", number=order.number), size=22),
                            ui.muted(app.t("staff.pickup.items", n=units), size=15),
                            ft.Divider(),
                            *lines,
                            ft.Divider(),
                            ft.Row([ui.price(order.total, size=22)], alignment=ft.MainAxisAlignment.END),
                        ],
                        spacing=8,
                    ),
                    padding=20,
                ),
                ft.Row(
                    [
                        ui.primary_button(
                            app.t("staff.pickup.hand_over"),
                            hand_over,
                            busy=vm.busy,
                            icon=ft.Icons.HANDSHAKE_OUTLINED,
                        )
                    ]
                ),
            ]
    bar = ui.app_bar(
        app.t("staff.pickup.title"), actions=[lang_toggle(app)], back=app.back, back_label=app.t("nav.back")
    )
    return page_view("/pickup", bar, body, width=720)
