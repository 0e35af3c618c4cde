"""The shopper's orders: those in progress first, then the past ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import centered, error_banner, lang_toggle, spinner, tab_view
from backend.orders.schemas import OrderSummary
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, MUTED, OK, PRICE, WARN

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

STATUS_COLOURS = {
    "pending_payment": PRICE,
    "ready_for_pickup": OK,
    "completed": MUTED,
    "cancelled": MUTED,
    "refunded": MUTED,
    "partially_refunded": WARN,
}


def status_text(app: ShopperApp, status: str, size: int = 14) -> ft.Text:
    return ft.Text(
        app.t(f"order.status.{status}"),
        size=size,
        color=STATUS_COLOURS.get(status, BRAND),
        font_family=ui.FONT_BOLD,
        weight=ft.FontWeight.BOLD,
    )


def order_tile(app: ShopperApp, order: OrderSummary) -> ft.Control:
    async def open_order(_e: object) -> None:
        await app.open(f"/orders/{order.id}")

    icon = {
        "pickup": ft.Icons.STOREFRONT,
        "delivery": ft.Icons.DELIVERY_DINING,
        "shipping": ft.Icons.LOCAL_SHIPPING,
    }.get(order.fulfilment, ft.Icons.RECEIPT_LONG)
    label = app.t("order.number", number=order.number)
    how = app.t(f"order.fulfilment.{order.fulfilment}")
    return ui.card(
        ft.Row(
            [
                ft.Icon(icon, color=BRAND, size=30),
                ft.Column(
                    [
                        ft.Text(label, size=14),
                        ui.muted(f"{how} · {fmt.stamp(order.created_at)}", size=12),
                    ],
                    spacing=2,
                    expand=True,
                ),
                ft.Column(
                    [status_text(app, order.status), ui.price(order.total, size=15)],
                    horizontal_alignment=ft.CrossAxisAlignment.END,
                    spacing=2,
                ),
            ],
            spacing=12,
        ),
        on_click=open_order,
        tooltip=label,
        padding=14,
    )


def build(app: ShopperApp) -> ft.View:
    vm = app.orders
    body: list[ft.Control | None] = [error_banner(app, vm)]
    if vm.busy and not vm.loaded:
        body.append(spinner())
    elif vm.loaded and not vm.orders:
        body += [
            ft.Container(height=40),
            centered(ft.Icon(ft.Icons.RECEIPT_LONG_OUTLINED, size=72, color=MUTED)),
            centered(ui.muted(app.t("orders.empty"))),
        ]
    if vm.active:
        body.append(ui.title(app.t("orders.active"), size=17))
        body += [order_tile(app, o) for o in vm.active]
    if vm.past:
        body.append(ui.title(app.t("orders.past"), size=17))
        body += [order_tile(app, o) for o in vm.past]
    return tab_view(app, "/orders", ui.app_bar(app.t("orders.title"), actions=[lang_toggle(app)]), body)
