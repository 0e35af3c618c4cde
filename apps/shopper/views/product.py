"""One product: choose its specs (which pick the SKU), the price at the chosen store, stock nearby."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import error_banner, lang_toggle, page_view
from apps.shopper.views.stores import store_card
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui.theme import BRAND, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def build(app: ShopperApp) -> ft.View:
    vm = app.product
    product = vm.product
    route = f"/product/{product.id}" if product else "/product/0"
    appbar = ui.app_bar(
        app.t("product.title"),
        actions=[lang_toggle(app)],
        back=app.link("/search"),
        back_label=app.t("nav.back"),
    )
    if product is None:
        return page_view(route, appbar, [error_banner(app, vm) or ui.muted(app.t("product.loading"))])

    def pick_value(spec: str, value: str):
        def handler(_e: object) -> None:
            vm.select(spec, value)

        return handler

    async def add_to_cart(_e: object) -> None:
        sku = vm.sku
        if sku is not None:
            store_id = app.stores.chosen.id if app.stores.chosen else None
            if app.cart.cart is None or app.cart.store_id != store_id:
                await app.cart.load(store_id)
            if await app.cart.add(sku.id):
                app.page.show_dialog(ft.SnackBar(ft.Text(app.t("product.added")), duration=1500))

    async def book_service(_e: object) -> None:
        sku = vm.sku
        await app.open("/me/services")
        if sku is not None:
            await app.services.choose(sku.id)

    async def stock_nearby(_e: object) -> None:
        place = app.stores.place or app.stores.chosen
        if place is not None:
            await vm.find_stock_nearby(place.latitude, place.longitude)

    body: list[ft.Control | None] = [
        ft.Container(
            ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, color=BRAND, size=96),
            height=180,
            bgcolor="#FDECEC",
            border_radius=ui.RADIUS,
            alignment=ft.Alignment.CENTER,
        ),
        ui.title(pick(app.lang, product.name_zh, product.name_en)),
        ui.muted(" · ".join(x for x in (product.brand, app.t("product.per_unit", unit=product.unit)) if x)),
        ui.price(vm.price, size=26),
    ]
    for spec in product.spec_names:
        body.append(ui.muted(spec))
        body.append(
            ft.Row(
                [
                    ft.Chip(
                        label=value,
                        selected=vm.selected.get(spec) == value,
                        selected_color="#FDE3E3",
                        on_select=pick_value(spec, value),
                        height=TOUCH,
                    )
                    for value in vm.options(spec)
                ],
                wrap=True,
                spacing=8,
            )
        )
    sku = vm.sku
    if sku is not None and sku.available is not None:
        body.append(
            ft.Row(
                [
                    ui.badge(
                        app.t("product.available_here", n=sku.available)
                        if sku.available
                        else app.t("search.out_of_stock"),
                        good=bool(sku.available),
                    )
                ]
            )
        )
    description = pick(app.lang, product.description_zh or "", product.description_en)
    if description:
        body.append(ft.Text(description, size=14))
    body.append(error_banner(app, vm))
    body.append(error_banner(app, app.cart))
    if product.kind == "service":
        body.append(
            ft.Row([ui.primary_button(app.t("product.book_service"), book_service, disabled=sku is None)])
        )
    else:
        in_cart = sum(ln.quantity for ln in app.cart.lines if sku is not None and ln.sku_id == sku.id)
        body.append(
            ft.Row(
                [
                    ui.primary_button(
                        app.t("product.add_to_cart"),
                        add_to_cart,
                        disabled=sku is None,
                        busy=app.cart.busy,
                        icon=ft.Icons.ADD_SHOPPING_CART,
                    )
                ]
            )
        )
        if in_cart:
            body.append(ft.Row([ui.badge(app.t("product.in_cart", n=in_cart), good=True)]))
    body.append(
        ft.Row([ui.secondary_button(app.t("product.stock_nearby"), stock_nearby, disabled=sku is None)])
    )
    for store in vm.stock_nearby:
        count = store.available.get(sku.id, 0) if sku else 0
        body.append(
            store_card(
                app,
                store,
                store.distance_m,
                trailing=ui.badge(app.t("product.units", n=count), good=count > 0),
            )
        )
    return page_view(route, appbar, body)
