"""Services at the chosen store: choose one, pick a free time, book; the member's bookings with
reschedule and cancel (and the fee a late cancellation carries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import back_bar, error_banner, page_view, section, spinner
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, OK, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

SLOTS_SHOWN = 12


def build(app: ShopperApp) -> ft.View:
    vm = app.services
    store = app.stores.chosen
    tz = store.timezone if store else "Asia/Shanghai"

    def choose(sku_id: int):
        async def handler(_e: object) -> None:
            await vm.choose(sku_id)

        return handler

    def pick_slot(start):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.pick(start)

        return handler

    async def book(_e: object) -> None:
        await vm.book()

    def reschedule(booking_id: int):
        async def handler(_e: object) -> None:
            await vm.reschedule(booking_id)

        return handler

    def cancel(booking_id: int):
        async def handler(_e: object) -> None:
            await vm.cancel(booking_id)

        return handler

    body: list[ft.Control | None] = [error_banner(app, vm)]
    if vm.busy and not vm.services and not vm.bookings:
        body.append(spinner())
    if vm.booked is not None:
        body.append(
            ui.banner(app.t("services.booked", time=fmt.when(vm.booked.start_at, tz, app.lang)), error=False)
        )
    if vm.rescheduling is not None:
        product = vm.name_of(vm.rescheduling.sku_id)
        name = pick(app.lang, product.name_zh, product.name_en) if product else ""
        body.append(ui.banner(app.t("services.rescheduling", name=name), error=False))
    for service in vm.services:
        name = pick(app.lang, service.product.name_zh, service.product.name_en)
        chosen = vm.chosen is not None and vm.chosen.offering.sku_id == service.offering.sku_id
        parts: list[ft.Control | None] = [
            ft.Row(
                [
                    ft.Icon(ft.Icons.SPA_OUTLINED, color=BRAND, size=30),
                    ft.Column(
                        [
                            ft.Text(name, size=16, font_family=ui.FONT_BOLD, weight=ft.FontWeight.BOLD),
                            ui.muted(
                                f"{app.t('services.duration', n=service.offering.duration_min)} · "
                                f"{app.t('services.free_cancel', h=service.offering.free_cancel_hours)}",
                                size=12,
                            ),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    ui.price(service.price),
                ],
                spacing=12,
            )
        ]
        if chosen:
            if vm.slots:
                parts.append(ui.muted(app.t("services.pick_time"), size=13))
                parts.append(
                    ft.Row(
                        [
                            ft.Chip(
                                label=fmt.when(slot.start, tz, app.lang),
                                selected=vm.slot == slot.start,
                                selected_color="#FDE3E3",
                                on_select=pick_slot(slot.start),
                                height=TOUCH,
                            )
                            for slot in vm.slots[:SLOTS_SHOWN]
                        ],
                        wrap=True,
                        spacing=8,
                        run_spacing=8,
                    )
                )
                if vm.slot is not None:
                    parts.append(
                        ft.Row(
                            [
                                ui.primary_button(
                                    app.t("services.book", time=fmt.when(vm.slot, tz, app.lang)),
                                    book,
                                    busy=vm.busy,
                                )
                            ]
                        )
                    )
            elif not vm.busy:
                parts.append(ui.muted(app.t("services.no_slots"), size=13))
        else:
            parts.append(
                ft.Row([ui.secondary_button(app.t("product.book_service"), choose(service.offering.sku_id))])
            )
        body.append(ui.card(ft.Column([p for p in parts if p is not None], spacing=10)))
    if not vm.services and not vm.busy:
        body.append(ui.muted(app.t("services.none")))
    bookings: list[ft.Control] = []
    for booking in vm.upcoming:
        product = vm.name_of(booking.sku_id)
        name = pick(app.lang, product.name_zh, product.name_en) if product else f"#{booking.sku_id}"
        fee = vm.cancel_fee(booking)
        bookings.append(
            ft.Column(
                [
                    ft.Row(
                        [
                            ft.Column(
                                [
                                    ft.Text(name, size=15),
                                    ui.muted(fmt.when(booking.start_at, tz, app.lang), size=13),
                                ],
                                spacing=0,
                                expand=True,
                            ),
                            ft.Text(app.t(f"booking.status.{booking.status}"), color=OK),
                        ]
                    ),
                    ui.muted(app.t("services.cancel_fee", fee=fmt.price(fee)), size=12)
                    if fee
                    else ft.Container(),
                    ft.Row(
                        [
                            ui.secondary_button(app.t("services.reschedule"), reschedule(booking.id)),
                            ft.TextButton(
                                app.t("services.cancel"), on_click=cancel(booking.id), height=TOUCH
                            ),
                        ],
                        spacing=8,
                    ),
                ],
                spacing=6,
            )
        )
    if bookings:
        body.append(section(app.t("services.mine"), *bookings))
    return page_view("/me/services", back_bar(app, "services.title", "/me"), body)
