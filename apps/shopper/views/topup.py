"""Topping up stored value online: an amount (presets or typed), pay on the gateway's page, credited."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.viewmodels.topup import PRESETS
from apps.shopper.views.common import back_bar, error_banner, page_view, section
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, BRAND_DARK, CARD, MUTED, OK, ON_BRAND, TEXT, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def build(app: ShopperApp) -> ft.View:
    vm = app.topup
    wallet = app.member.wallet

    def choose(amount: int):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.choose(amount)

        return handler

    def typed(e: ft.Event[ft.TextField]) -> None:
        vm.set_custom(e.control.value or "")

    async def pay(_e: object) -> None:
        url = await vm.start()
        if url:
            await ft.UrlLauncher().launch_url(url)

    async def check(_e: object) -> None:
        if await vm.check():
            await app.member.load()

    async def again(_e: object) -> None:
        vm.reset()

    balance = wallet.stored_value if wallet else 0
    head = ft.Container(
        ft.Column(
            [
                ft.Text(app.t("member.stored_value"), size=13, color="#FFE0E0"),
                ft.Text(
                    fmt.price(balance),
                    size=30,
                    color=ON_BRAND,
                    font_family=ui.FONT_BOLD,
                    weight=ft.FontWeight.BOLD,
                ),
                ft.Text(app.t("topup.note"), size=12, color="#FFE0E0"),
            ],
            spacing=4,
        ),
        gradient=ft.LinearGradient(
            begin=ft.Alignment.TOP_LEFT, end=ft.Alignment.BOTTOM_RIGHT, colors=[BRAND, BRAND_DARK]
        ),
        border_radius=ui.RADIUS,
        padding=16,
    )
    body: list[ft.Control | None] = [head]
    if vm.paid and vm.topup is not None:
        done = (
            app.t("topup.done", amount=fmt.price(vm.topup.amount), bonus=fmt.price(vm.topup.bonus))
            if vm.topup.bonus
            else app.t("topup.done_no_bonus", amount=fmt.price(vm.topup.amount))
        )
        body.append(
            ui.card(
                ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=32),
                                ft.Text(done, size=16, expand=True),
                            ],
                            spacing=10,
                        ),
                        ui.muted(app.t("topup.balance", amount=fmt.price(vm.topup.balance_after)), size=14),
                        ft.Row([ui.secondary_button(app.t("topup.again"), again)]),
                    ],
                    spacing=10,
                )
            )
        )
        return page_view("/me/topup", back_bar(app, "topup.title", "/me"), body)

    tiles = []
    for amount in PRESETS:
        chosen = vm.amount == amount and not vm.custom
        tiles.append(
            ft.Container(
                ft.Text(
                    fmt.price(amount).replace(".00", ""),
                    size=18,
                    color=ON_BRAND if chosen else TEXT,
                    font_family=ui.FONT_BOLD,
                    text_align=ft.TextAlign.CENTER,
                ),
                on_click=choose(amount),
                bgcolor=BRAND if chosen else CARD,
                border=ft.Border.all(1, BRAND if chosen else "#E0E0E0"),
                border_radius=ui.RADIUS,
                alignment=ft.Alignment.CENTER,
                height=TOUCH + 12,
                width=150,
                ink=True,
            )
        )
    body.append(
        section(
            app.t("topup.choose"),
            ft.Row(tiles, wrap=True, spacing=10, run_spacing=10),
            ft.Row(
                [
                    ft.Container(
                        ui.text_field(
                            app.t("topup.custom"),
                            vm.custom,
                            typed,
                            keyboard=ft.KeyboardType.NUMBER,
                            prefix_icon=ft.Icons.CURRENCY_YUAN,
                        ),
                        expand=True,
                    )
                ]
            ),
        )
    )
    body.append(error_banner(app, vm))
    if vm.pending:
        body.append(ui.muted(app.t("topup.waiting"), size=13))
        body.append(ft.Row([ui.secondary_button(app.t("topup.check"), check)]))
    label = app.t("topup.pay", amount=fmt.price(vm.amount)) if vm.amount else app.t("topup.choose")
    body.append(ft.Row([ui.primary_button(label, pay, disabled=vm.amount is None, busy=vm.busy)]))
    body.append(ft.Text(" ", size=4, color=MUTED))
    return page_view("/me/topup", back_bar(app, "topup.title", "/me"), body)
