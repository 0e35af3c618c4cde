"""Scan-and-go (扫码购): the list scanned at the store with its prices, quantities, pay, and the exit pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import back_bar, error_banner, money_row, page_view, qr_image, section
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, OK, PRICE

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

ROUTE = "/scango"


def build(app: ShopperApp) -> ft.View:
    vm = app.scango
    store = app.stores.chosen
    typed: dict[str, str] = {"code": ""}

    def changed(e: ft.Event[ft.TextField]) -> None:
        typed["code"] = e.control.value or ""

    async def add_typed(_e: object) -> None:
        await vm.add_code(typed["code"])

    async def add_photo(_e: object) -> None:
        files = await app.file_picker().pick_files(
            dialog_title=app.t("scan.title"), file_type=ft.FilePickerFileType.IMAGE, with_data=True
        )
        if files:
            await vm.add_photo(files[0].bytes or b"")

    def quantity(sku_id: int, by: int):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            item = vm.items.get(sku_id)
            if item is not None:
                await vm.set_quantity(sku_id, item.quantity + by)

        return handler

    async def pay(_e: object) -> None:
        url = await vm.checkout()
        if url:
            await ft.UrlLauncher().launch_url(url)

    async def check(_e: object) -> None:
        await vm.check_payment()

    def again(_e: object) -> None:
        vm.finish()

    bar = back_bar(app, "scango.title", "/")
    body: list[ft.Control | None] = []
    if vm.paid and vm.order is not None and vm.exit_pass:
        body.append(
            section(
                app.t("scango.exit_pass"),
                ft.Row(
                    [
                        ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=28),
                        ui.title(app.t("scango.paid", amount=fmt.price(vm.order.total)), size=18),
                    ],
                    spacing=8,
                ),
                ft.Row(
                    [qr_image(vm.exit_pass, 220, app.t("scango.exit_pass"))],
                    alignment=ft.MainAxisAlignment.CENTER,
                ),
                ft.Text(
                    app.t("scango.order_no", number=vm.order.number),
                    size=15,
                    text_align=ft.TextAlign.CENTER,
                ),
                ui.muted(app.t("scango.exit_hint"), size=14),
                *[
                    ft.Row(
                        [
                            ft.Text(f"{pick(app.lang, ln.name_zh, ln.name_en)} × {ln.quantity}", expand=True),
                            ft.Text(fmt.price(ln.line_total)),
                        ]
                    )
                    for ln in vm.order.lines
                ],
                ft.Row([ui.secondary_button(app.t("scango.new_list"), again)]),
            )
        )
        return page_view(ROUTE, bar, body)

    if store is not None:
        body.append(
            ui.muted(app.t("scango.at_store", store=pick(app.lang, store.name_zh, store.name_en)), 14)
        )
    field = ui.text_field(
        app.t("scango.code"),
        typed["code"],
        changed,
        keyboard=ft.KeyboardType.NUMBER,
        on_submit=add_typed,
        prefix_icon=ft.Icons.QR_CODE,
    )
    field.expand = True
    body.append(
        ft.Row(
            [
                field,
                ui.icon_button(ft.Icons.ADD, app.t("scango.add"), add_typed, color=BRAND),
                ui.icon_button(ft.Icons.PHOTO_CAMERA, app.t("scango.scan_photo"), add_photo, color=BRAND),
            ],
            spacing=4,
        )
    )
    body.append(error_banner(app, vm))
    if not vm.items:
        body.append(ui.card(ft.Column([ui.muted(app.t("scango.empty"), 15)])))
        return page_view(ROUTE, bar, body)

    rows: list[ft.Control] = []
    for item in vm.items.values():
        priced = vm.priced(item.sku_id)
        specs = " · ".join(item.specs.values())
        price = priced.line_total if priced else item.shelf_price * item.quantity
        rows.append(
            ft.Row(
                [
                    ft.Column(
                        [
                            ft.Text(pick(app.lang, item.name_zh, item.name_en), size=16),
                            ui.muted(f"{specs}  {fmt.price(item.shelf_price)}".strip(), 13),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    ui.icon_button(ft.Icons.REMOVE, app.t("cart.decrease"), quantity(item.sku_id, -1)),
                    ft.Text(str(item.quantity), size=16),
                    ui.icon_button(ft.Icons.ADD, app.t("cart.increase"), quantity(item.sku_id, 1)),
                    ft.Container(
                        ft.Text(fmt.price(price), color=PRICE, size=16),
                        width=80,
                        alignment=ft.Alignment.CENTER_RIGHT,
                    ),
                ],
                spacing=2,
            )
        )
    body.append(section(app.t("scango.count", n=vm.count), *rows))
    totals: list[ft.Control | None] = [money_row(app.t("cart.subtotal"), vm.subtotal)]
    if vm.discount_total:
        totals.append(money_row(app.t("scango.discount"), vm.discount_total, negative=True))
    totals.append(money_row(app.t("cart.total"), vm.total, strong=True))
    body.append(ui.card(ft.Column([t for t in totals if t is not None], spacing=6)))
    if vm.order is not None and vm.order.status == "pending_payment":
        body.append(ui.muted(app.t("scango.waiting"), size=13))
        body.append(ft.Row([ui.secondary_button(app.t("scango.check_paid"), check)]))
    body.append(
        ft.Row([ui.primary_button(app.t("scango.pay", amount=fmt.price(vm.total)), pay, busy=vm.busy)])
    )
    return page_view(ROUTE, bar, body)
