"""Checkout: how to get the goods (pickup at a time, same-city delivery with its fee, shipping), the
member's balances, the amount, and placing the order (which then opens the order to pay it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import action_bar, back_bar, error_banner, money_row, page_view, section
from apps.shopper.views.stores import store_card
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

SLOTS_SHOWN = 8


def build(app: ShopperApp) -> ft.View:
    vm = app.checkout
    cart = app.cart
    store = vm.store or app.stores.chosen

    def choose(kind: str):
        def handler(_e: object) -> None:
            vm.choose(kind)
            if kind == "delivery" and vm.latitude is None:
                place = app.stores.place or store
                if place is not None:
                    vm.set_address(vm.contact_name, vm.phone, vm.address, place.latitude, place.longitude)

        return handler

    def choose_slot(start):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.choose_slot(start)

        return handler

    def field(attr: str):
        def handler(e: ft.Event[ft.TextField]) -> None:
            setattr(vm, attr, e.control.value)

        return handler

    async def place(_e: object) -> None:
        if await vm.place() and vm.order is not None:
            await app.cart.load(store.id if store else None)
            await app.open(f"/orders/{vm.order.id}")

    kinds = ft.Row(
        [
            ft.Chip(
                label=app.t(f"checkout.{kind}"),
                selected=vm.fulfilment == kind,
                selected_color="#FDE3E3",
                on_select=choose(kind),
                height=TOUCH,
            )
            for kind in ("pickup", "delivery", "shipping")
        ],
        wrap=True,
        spacing=8,
    )
    body: list[ft.Control | None] = [section(app.t("checkout.how"), kinds)]
    if vm.fulfilment == "pickup" and store is not None:
        slots = ft.Row(
            [
                ft.Chip(
                    label=fmt.when(start, store.timezone, app.lang),
                    selected=vm.slot == start,
                    selected_color="#FDE3E3",
                    on_select=choose_slot(start),
                    height=TOUCH,
                )
                for start in vm.slots[:SLOTS_SHOWN]
            ],
            wrap=True,
            spacing=8,
            run_spacing=8,
        )
        body.append(store_card(app, store, app.stores.distance_to(store.id)))
        body.append(section(app.t("checkout.pickup_time"), slots))
    elif vm.fulfilment in ("delivery", "shipping"):
        fields: list[ft.Control | None] = [
            ui.text_field(app.t("checkout.contact"), vm.contact_name, field("contact_name")),
            ui.text_field(
                app.t("checkout.phone"),
                vm.phone,
                field("phone"),
                keyboard=ft.KeyboardType.PHONE,
                max_length=11,
            ),
            ui.text_field(app.t("checkout.address"), vm.address, field("address")),
        ]
        if vm.fulfilment == "delivery":
            place = app.stores.place
            if place is not None:
                fields.append(
                    ui.muted(
                        app.t("checkout.located", place=pick(app.lang, place.name_zh, place.name_en)), size=13
                    )
                )
            fee = vm.delivery_fee
            if fee is not None and vm.delivery_distance_m is not None:
                fields.append(
                    ui.muted(
                        app.t(
                            "checkout.distance_fee",
                            distance=fmt.distance(vm.delivery_distance_m, app.lang),
                            fee=fmt.price(fee),
                        )
                    )
                )
            elif vm.latitude is not None:
                fields.append(ui.badge(app.t("checkout.too_far"), good=False))
        else:
            fields.append(ui.muted(app.t("checkout.shipping_fee_note"), size=13))
        body.append(section(app.t(f"checkout.{vm.fulfilment}"), *fields))
    if vm.wallet is not None:
        tenders: list[ft.Control | None] = [
            ui.muted(
                app.t(
                    "checkout.balances", points=vm.wallet.points, balance=fmt.price(vm.wallet.stored_value)
                ),
                size=13,
            )
        ]
        if vm.points_cap > 0:
            tenders.append(
                ft.Switch(
                    label=app.t(
                        "checkout.use_points", points=vm.points_cap_points, amount=fmt.price(vm.points_cap)
                    ),
                    value=vm.use_points,
                    on_change=lambda e: vm.toggle_points(bool(e.control.value)),
                    active_color=BRAND,
                )
            )
        if vm.wallet.stored_value > 0:
            tenders.append(
                ft.Switch(
                    label=app.t("checkout.use_stored_value"),
                    value=vm.use_stored_value,
                    on_change=lambda e: vm.toggle_stored_value(bool(e.control.value)),
                    active_color=BRAND,
                )
            )
        body.append(section(app.t("checkout.tenders"), *tenders))
    fee = vm.delivery_fee if vm.fulfilment == "delivery" else None
    rows: list[ft.Control | None] = [money_row(app.t("cart.subtotal"), cart.subtotal)]
    for saving in cart.savings:
        label = f"{app.t('cart.coupon') if saving.coupon else app.t('cart.promotion')} · {saving.rule}"
        rows.append(money_row(label, saving.amount, negative=True))
    if fee:
        rows.append(money_row(app.t("order.fee"), fee))
    if vm.points_amount:
        rows.append(
            money_row(app.t("checkout.points_pay", points=vm.points_used), vm.points_amount, negative=True)
        )
    if vm.stored_value_amount:
        rows.append(money_row(app.t("checkout.stored_value_pay"), vm.stored_value_amount, negative=True))
    rows.append(money_row(app.t("checkout.amount"), vm.due, strong=True))
    body.append(ui.card(ft.Column([r for r in rows if r is not None], spacing=10)))
    body.append(ui.text_field(app.t("checkout.note"), vm.note, field("note")))
    body.append(error_banner(app, vm))
    view = page_view("/cart/checkout", back_bar(app, "checkout.title", "/cart"), body)
    button = ui.primary_button(app.t("checkout.place"), place, busy=vm.busy)
    view.controls.append(action_bar(app.t("checkout.amount"), vm.due, None, button))
    return view
