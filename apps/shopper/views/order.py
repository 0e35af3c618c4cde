"""One order, followed live: its progress, the pickup QR and code, paying, cancelling, returning, rating."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import back_bar, error_banner, money_row, page_view, qr_image, section, spinner
from apps.shopper.views.orders import STATUS_COLOURS
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, MUTED, OK

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

STEP_ICONS = {
    "paid": ft.Icons.PAYMENTS_OUTLINED,
    "picking": ft.Icons.INVENTORY_2_OUTLINED,
    "ready_for_pickup": ft.Icons.STOREFRONT_OUTLINED,
    "out_for_delivery": ft.Icons.DELIVERY_DINING,
    "shipped": ft.Icons.LOCAL_SHIPPING_OUTLINED,
    "completed": ft.Icons.TASK_ALT,
}


def steps(app: ShopperApp) -> ft.Control:
    vm = app.order
    reached = vm.step_index
    items: list[ft.Control] = []
    for i, step in enumerate(vm.steps):
        done = i <= reached
        colour = BRAND if done else "#C8C8C8"
        items.append(
            ft.Column(
                [
                    ft.Icon(STEP_ICONS.get(step, ft.Icons.CIRCLE_OUTLINED), color=colour, size=28),
                    ft.Text(
                        app.t(f"order.status.{step}"),
                        size=11,
                        color=colour if done else MUTED,
                        text_align=ft.TextAlign.CENTER,
                    ),
                ],
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                spacing=4,
                expand=True,
            )
        )
    return ft.Row(
        items, alignment=ft.MainAxisAlignment.SPACE_BETWEEN, vertical_alignment=ft.CrossAxisAlignment.START
    )


STAR_COLOUR = "#FFB300"


def stars_row(stars: int, on_pick=None, label=None) -> ft.Row:  # type: ignore[no-untyped-def]
    """Five stars, ``stars`` of them filled; tappable when ``on_pick(n)`` makes a handler."""
    items: list[ft.Control] = []
    for n in range(1, 6):
        icon = ft.Icons.STAR if n <= stars else ft.Icons.STAR_BORDER
        if on_pick is None:
            items.append(ft.Icon(icon, color=STAR_COLOUR, size=22))
        else:
            items.append(ui.icon_button(icon, label(n), on_pick(n), color=STAR_COLOUR))
    return ft.Row(items, spacing=0)


def rating_section(app: ShopperApp) -> ft.Control | None:
    vm = app.order
    if vm.rating is not None:
        parts: list[ft.Control | None] = [stars_row(vm.rating.stars)]
        if vm.rating.comment:
            parts.append(ft.Text(vm.rating.comment, size=14))
        return section(app.t("rating.yours"), *parts)
    if not vm.can_rate:
        return None

    def pick_stars(n: int):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.set_stars(n)

        return handler

    def typed(e: ft.Event[ft.TextField]) -> None:
        vm.set_comment(e.control.value or "")

    async def send(_e: object) -> None:
        await vm.rate()

    return section(
        app.t("rating.title"),
        stars_row(vm.stars, pick_stars, lambda n: app.t("rating.stars", n=n)),
        ft.Row([ft.Container(ui.text_field(app.t("rating.comment"), vm.comment, typed), expand=True)]),
        ft.Row([ui.primary_button(app.t("rating.submit"), send, disabled=vm.stars == 0, busy=vm.busy)]),
    )


def photo_strip(app: ShopperApp) -> ft.Control:
    """The photos picked for the return, each removable, and the button that picks another."""
    vm = app.order

    def remove(index: int):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.remove_photo(index)

        return handler

    async def add(_e: object) -> None:
        files = await app.file_picker().pick_files(
            dialog_title=app.t("return.add_photo"),
            file_type=ft.FilePickerFileType.IMAGE,
            with_data=True,
            allow_multiple=True,
        )
        for picked in files or []:
            if not vm.add_photo(picked.name, picked.bytes or b""):
                break

    tiles: list[ft.Control] = [
        ft.Stack(
            [
                ft.Image(src=photo.data, width=84, height=84, fit=ft.BoxFit.COVER, border_radius=8),
                ft.Container(
                    ft.Icon(
                        ft.Icons.CLOSE, color="#FFFFFF", size=16, semantics_label=app.t("return.photo_remove")
                    ),
                    on_click=remove(i),
                    tooltip=app.t("return.photo_remove"),
                    bgcolor="#99000000",
                    border_radius=14,
                    width=28,
                    height=28,
                    alignment=ft.Alignment.CENTER,
                    right=4,
                    top=4,
                ),
            ],
            width=84,
            height=84,
        )
        for i, photo in enumerate(vm.photos)
    ]
    if len(vm.photos) < 3:
        tiles.append(
            ft.Container(
                ft.Column(
                    [
                        ft.Icon(ft.Icons.ADD_A_PHOTO_OUTLINED, color=MUTED),
                        ui.muted(app.t("return.add_photo"), size=11),
                    ],
                    horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                    alignment=ft.MainAxisAlignment.CENTER,
                    spacing=2,
                ),
                width=84,
                height=84,
                border=ft.Border.all(1, "#D0D0D0"),
                border_radius=8,
                on_click=add,
                ink=True,
                tooltip=app.t("return.add_photo"),
            )
        )
    return ft.Column(
        [ui.muted(app.t("return.photos"), size=13), ft.Row(tiles, spacing=8, wrap=True, run_spacing=8)],
        spacing=6,
    )


def build(app: ShopperApp) -> ft.View:
    vm = app.order
    order = vm.order
    route = f"/orders/{order.id}" if order else (app.page.route or "/orders/0")
    appbar = back_bar(app, "order.title", "/orders")
    if order is None:
        return page_view(route, appbar, [error_banner(app, vm) or spinner()])

    async def pay(_e: object) -> None:
        url = await vm.start_payment()
        if url:
            await ft.UrlLauncher().launch_url(url)

    async def paid(_e: object) -> None:
        await vm.check_payment()

    async def cancel(_e: object) -> None:
        await vm.cancel()

    def toggle(line_id: int):
        def handler(_e: object) -> None:
            vm.toggle_return(line_id)

        return handler

    store = app.stores.chosen
    tz = store.timezone if store else "Asia/Shanghai"
    how = app.t(f"order.fulfilment.{order.fulfilment}")
    head: list[ft.Control] = [
        ft.Text(
            app.t(f"order.headline.{order.status}"),
            size=22,
            font_family=ui.FONT_BOLD,
            weight=ft.FontWeight.BOLD,
            color=STATUS_COLOURS.get(order.status, BRAND),
            expand=True,
        )
    ]
    if vm.live:
        head.append(ui.badge(app.t("order.live"), good=True))
    summary: list[ft.Control] = [
        ft.Row(head, spacing=10, vertical_alignment=ft.CrossAxisAlignment.CENTER),
        ui.muted(app.t("order.number", number=order.number), size=13),
        ui.muted(f"{how} · {fmt.stamp(order.created_at, tz)}", size=13),
    ]
    if vm.step_index >= 0:
        summary.append(steps(app))
    body: list[ft.Control | None] = [ui.card(ft.Column(summary, spacing=8))]
    if vm.pickup is not None and order.status in ("paid", "picking", "ready_for_pickup"):
        slot = (
            app.t("order.pickup_slot", slot=fmt.when(order.pickup_slot_start, tz, app.lang))
            if order.pickup_slot_start
            else None
        )
        body.append(
            ui.card(
                ft.Column(
                    [
                        ui.title(app.t("order.pickup_code"), size=17),
                        ft.Row(
                            [qr_image(vm.pickup.qr, 200, app.t("order.pickup_code"))],
                            alignment=ft.MainAxisAlignment.CENTER,
                        ),
                        ft.Row(
                            [
                                ft.Text(
                                    " ".join(vm.pickup.code),
                                    size=30,
                                    font_family=ui.FONT_BOLD,
                                    weight=ft.FontWeight.BOLD,
                                    color=BRAND,
                                )
                            ],
                            alignment=ft.MainAxisAlignment.CENTER,
                        ),
                        ft.Row(
                            [ui.muted(app.t("order.show_at_counter"), size=13)],
                            alignment=ft.MainAxisAlignment.CENTER,
                        ),
                        ft.Row([ui.muted(slot, size=13)], alignment=ft.MainAxisAlignment.CENTER)
                        if slot
                        else ft.Container(),
                    ],
                    spacing=8,
                    horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                )
            )
        )
    body.append(error_banner(app, vm))
    if vm.can_pay:
        body.append(
            ft.Row(
                [
                    ui.primary_button(
                        app.t("order.pay", amount=fmt.price(order.total - order.paid_amount)),
                        pay,
                        busy=vm.busy,
                    )
                ]
            )
        )
        if vm.payment_pending:
            body.append(ui.muted(app.t("order.pay_waiting"), size=13))
            body.append(ft.Row([ui.secondary_button(app.t("order.paid_check"), paid)]))
    lines: list[ft.Control] = []
    for line in order.lines:
        name = pick(app.lang, line.name_zh, line.name_en)
        specs = " · ".join(str(v) for v in line.specs.values())
        lead: list[ft.Control] = []
        if vm.can_return and vm.returnable(line) > 0:
            lead.append(
                ft.Checkbox(
                    value=line.id in vm.returning, on_change=toggle(line.id), label=None, semantics_label=name
                )
            )
        lines.append(
            ft.Row(
                lead
                + [
                    ft.Column(
                        [ft.Text(name, size=14), ui.muted(specs, size=12) if specs else ft.Container()],
                        spacing=0,
                        expand=True,
                    ),
                    ui.muted(f"× {line.quantity}", size=13),
                    ft.Text(fmt.price(line.line_total), size=14),
                ],
                spacing=10,
            )
        )
    rows: list[ft.Control] = [money_row(app.t("order.subtotal"), order.subtotal)]
    if order.discount_total:
        rows.append(money_row(app.t("order.discounts"), order.discount_total, negative=True))
    if order.shipping_fee:
        rows.append(money_row(app.t("order.fee"), order.shipping_fee))
    rows.append(money_row(app.t("order.total"), order.total, strong=True))
    if order.refunded_amount:
        rows.append(ui.muted(app.t("order.refunded", amount=fmt.price(order.refunded_amount))))
    body.append(section(app.t("order.items"), *lines, ft.Divider(height=1), *rows))
    for request in vm.requests:
        text = app.t(
            "order.return_request",
            status=app.t(f"return.status.{request.status}"),
            amount=fmt.price(request.amount),
        )
        if request.photos:
            text += " · " + app.t("return.photos_sent", n=len(request.photos))
        body.append(ui.banner(text, error=request.status == "rejected"))
    if vm.can_return:

        async def submit_return(_e: object) -> None:
            await vm.submit_return()

        return_parts: list[ft.Control | None] = [ui.muted(app.t("order.return_title"), size=13)]
        if vm.returning:
            return_parts.append(
                ft.Text(app.t("order.return_estimate", amount=fmt.price(vm.refund_estimate)), color=OK)
            )
            return_parts.append(photo_strip(app))
            return_parts.append(ui.muted(app.t("order.return_at_store"), size=13))
            return_parts.append(
                ft.Row([ui.primary_button(app.t("order.return_submit"), submit_return, busy=vm.busy)])
            )
        body.append(section(app.t("order.return"), *return_parts))
    body.append(rating_section(app))
    if vm.can_cancel:
        body.append(
            ft.Row(
                [ui.secondary_button(app.t("order.cancel"), cancel)], alignment=ft.MainAxisAlignment.CENTER
            )
        )
    return page_view(route, appbar, body)
