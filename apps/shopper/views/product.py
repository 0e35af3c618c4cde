"""One product: choose its specs (which pick the SKU), the price at the chosen store, stock nearby."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import error_banner, lang_toggle, page_view, section
from apps.shopper.views.search import picks_row
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

    placeholder = ft.Container(
        ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, color=BRAND, size=96),
        height=180,
        bgcolor="#FDECEC",
        border_radius=ui.RADIUS,
        alignment=ft.Alignment.CENTER,
    )
    pictures = sorted(product.images, key=lambda i: i.sort_order)
    base = app.live_url.rstrip("/")
    gallery: ft.Control = (
        ft.Row(
            [
                ft.Image(
                    src=base + p.url if p.url.startswith("/") else p.url,
                    height=220,
                    fit=ft.BoxFit.CONTAIN,
                    border_radius=ui.RADIUS,
                    semantics_label=pick(app.lang, product.name_zh, product.name_en),
                    error_content=placeholder,
                )
                for p in pictures
            ],
            scroll=ft.ScrollMode.AUTO,
            spacing=8,
            alignment=ft.MainAxisAlignment.CENTER,
        )
        if pictures
        else placeholder
    )
    body: list[ft.Control | None] = [
        gallery,
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
    body.append(tryon_section(app))
    body += picks_row(app, "product.also_bought", vm.also_bought)
    return page_view(route, appbar, body)


def tryon_section(app: ShopperApp) -> ft.Control | None:
    """AR 试戴 for products with an overlay: pick a photo, see the product on it."""
    vm = app.tryon
    if not vm.for_product(app.product.product):
        return None

    async def pick_photo(_e: object) -> None:
        files = await app.file_picker().pick_files(
            dialog_title=app.t("tryon.pick"), file_type=ft.FilePickerFileType.IMAGE, with_data=True
        )
        if files:
            await vm.try_on(files[0].bytes or b"")

    parts: list[ft.Control | None] = [ui.muted(app.t("tryon.hint"), size=13)]
    if vm.busy:
        parts.append(ft.Row([ft.ProgressRing(color=BRAND)], alignment=ft.MainAxisAlignment.CENTER))
    elif vm.picture is not None:
        parts.append(
            ft.Image(
                src=vm.picture,
                height=320,
                fit=ft.BoxFit.CONTAIN,
                border_radius=ui.RADIUS,
                semantics_label=app.t("tryon.result"),
            )
        )
    if vm.error:
        parts.append(ui.banner(app.t(vm.error)))
    label = app.t("tryon.again") if vm.picture is not None else app.t("tryon.pick")
    parts.append(ft.Row([ui.secondary_button(label, pick_photo, disabled=vm.busy)]))
    return section(app.t("tryon.title", name=vm.name(app.lang)), *parts)
