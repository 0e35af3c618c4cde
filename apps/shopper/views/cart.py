"""The cart: lines with their specs and quantities, what stops a line, the breakdown with the
promotions and coupons applied automatically, 凑单 hints, and the way to checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import (
    action_bar,
    centered,
    error_banner,
    lang_toggle,
    money_row,
    spinner,
    tab_view,
)
from backend.orders.schemas import PricedLine
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, MUTED, OK, PRICE, RADIUS

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def line_tile(app: ShopperApp, line: PricedLine) -> ft.Control:
    vm = app.cart
    name = pick(app.lang, line.name_zh, line.name_en)
    specs = " · ".join(f"{v}" for v in line.specs.values())

    def step(by: int):
        async def handler(_e: object) -> None:
            await vm.increment(line.sku_id, by)

        return handler

    async def remove(_e: object) -> None:
        await vm.remove(line.sku_id)

    picture = ft.Container(
        ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, color=BRAND if line.valid else MUTED, size=30),
        width=60,
        height=60,
        bgcolor="#FDECEC" if line.valid else "#EEEEEE",
        border_radius=RADIUS,
        alignment=ft.Alignment.CENTER,
    )
    facts: list[ft.Control] = [ft.Text(name, size=15, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS)]
    if specs:
        facts.append(ui.muted(specs, size=12))
    if line.valid:
        total = vm.line_total(line.sku_id)
        price_row: list[ft.Control] = [ui.price(total, size=16)]
        if total is not None and total < line.unit_price * line.quantity:
            price_row.append(
                ft.Text(
                    fmt.price(line.unit_price * line.quantity),
                    size=12,
                    color=MUTED,
                    style=ft.TextStyle(decoration=ft.TextDecoration.LINE_THROUGH),
                )
            )
        facts.append(ft.Row(price_row, spacing=8, vertical_alignment=ft.CrossAxisAlignment.END))
    else:
        for problem in line.problems:
            facts.append(ui.badge(app.t(vm.problem_key(problem.code), n=problem.available or 0), good=False))
    stepper = ft.Row(
        [
            ui.icon_button(ft.Icons.REMOVE_CIRCLE_OUTLINE, app.t("cart.decrease"), step(-1), color=BRAND),
            ft.Text(str(line.quantity), size=16, semantics_label=app.t("cart.quantity", n=line.quantity)),
            ui.icon_button(ft.Icons.ADD_CIRCLE_OUTLINE, app.t("cart.increase"), step(1), color=BRAND),
        ],
        spacing=0,
        tight=True,
    )
    right = ft.Column(
        [ui.icon_button(ft.Icons.DELETE_OUTLINE, app.t("cart.remove"), remove, color=MUTED), stepper],
        horizontal_alignment=ft.CrossAxisAlignment.END,
        spacing=0,
    )
    return ui.card(
        ft.Row(
            [picture, ft.Column(facts, spacing=4, expand=True), right],
            spacing=10,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        padding=12,
    )


def breakdown(app: ShopperApp) -> ft.Control:
    vm = app.cart
    rows: list[ft.Control | None] = [money_row(app.t("cart.subtotal"), vm.subtotal)]
    for saving in vm.savings:
        label = f"{app.t('cart.coupon') if saving.coupon else app.t('cart.promotion')} · {saving.rule}"
        rows.append(money_row(label, saving.amount, negative=True))
    rows.append(ft.Divider(height=1))
    rows.append(money_row(app.t("cart.total"), vm.total, strong=True))
    return ui.card(ft.Column([r for r in rows if r is not None], spacing=10))


def build(app: ShopperApp) -> ft.View:
    vm = app.cart
    store = app.stores.chosen
    body: list[ft.Control | None] = []
    if store is not None:
        body.append(ui.muted(app.t("cart.at_store", store=pick(app.lang, store.name_zh, store.name_en))))
    body.append(error_banner(app, vm))
    if vm.busy and vm.cart is None:
        body.append(spinner())
    elif vm.empty:
        body += [
            ft.Container(height=40),
            centered(ft.Icon(ft.Icons.SHOPPING_CART_OUTLINED, size=72, color=MUTED)),
            centered(ui.muted(app.t("cart.empty"))),
            centered(ui.secondary_button(app.t("cart.go_shopping"), app.link("/"))),
        ]
    else:
        for applied in vm.coupon_savings:
            body.append(
                ft.Container(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.LOCAL_OFFER, color=PRICE),
                            ft.Text(
                                app.t(
                                    "cart.coupon_applied", rule=applied.rule, amount=fmt.price(applied.amount)
                                ),
                                color=PRICE,
                                expand=True,
                            ),
                        ]
                    ),
                    bgcolor="#FDECEC",
                    padding=12,
                    border_radius=RADIUS,
                )
            )
        body += [line_tile(app, line) for line in vm.valid_lines]
        for hint in vm.hints:
            body.append(
                ft.Container(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.TIPS_AND_UPDATES_OUTLINED, color=OK),
                            ft.Text(
                                app.t(
                                    "cart.hint",
                                    gap=fmt.price(hint.gap),
                                    rule=hint.rule,
                                    off=fmt.price(hint.off),
                                ),
                                color=OK,
                                expand=True,
                            ),
                        ]
                    ),
                    bgcolor="#E8F5E9",
                    padding=12,
                    border_radius=RADIUS,
                )
            )
        if vm.invalid_lines:
            body.append(ui.muted(app.t("cart.invalid")))
            body += [line_tile(app, line) for line in vm.invalid_lines]
        body.append(breakdown(app))

    view = tab_view(app, "/cart", ui.app_bar(app.t("cart.title"), actions=[lang_toggle(app)]), body)
    if not vm.empty:
        saved = app.t("cart.saved", amount=fmt.price(vm.discount_total)) if vm.discount_total else ""
        button = ui.primary_button(
            app.t("cart.checkout"), checkout(app), disabled=not vm.can_check_out, busy=vm.busy
        )
        view.controls.append(action_bar(app.t("cart.total"), vm.total, saved, button))
    return view


def checkout(app: ShopperApp):  # type: ignore[no-untyped-def]
    async def handler(_e: object) -> None:
        await app.open("/cart/checkout")

    return handler
