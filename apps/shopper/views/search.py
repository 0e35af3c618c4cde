"""Search results at the chosen store: name, price there and whether the store has it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import error_banner, lang_toggle, page_view
from backend.catalog.schemas import ProductSummary
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui.theme import BRAND, MUTED, RADIUS

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def search_box(app: ShopperApp) -> ft.Control:
    vm = app.catalog

    def changed(e: ft.ControlEvent) -> None:
        vm.query = e.control.value

    async def submit(_e: object) -> None:
        await vm.search(vm.query)
        await app.go("/search")

    field = ui.text_field(
        app.t("search.label"),
        vm.query,
        changed,
        hint=app.t("search.hint"),
        on_submit=submit,
        prefix_icon=ft.Icons.SEARCH,
    )
    field.expand = True
    button = ui.icon_button(ft.Icons.ARROW_FORWARD, app.t("search.submit"), submit, color=BRAND)
    return ft.Row([field, button], spacing=8)


def product_tile(app: ShopperApp, product: ProductSummary) -> ft.Control:
    available = app.catalog.available(product.id)

    async def open_product(_e: object) -> None:
        await app.product.load(product.id, app.catalog.store_id)
        await app.go(f"/product/{product.id}")

    name = pick(app.lang, product.name_zh, product.name_en)
    facts: list[ft.Control] = [ui.price(product.price)]
    if available is not None:
        facts.append(
            ui.badge(app.t("search.in_stock") if available else app.t("search.out_of_stock"), good=available)
        )
    picture = ft.Container(
        ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, color=BRAND, size=36),
        width=72,
        height=72,
        bgcolor="#FDECEC",
        border_radius=RADIUS,
        alignment=ft.Alignment.CENTER,
    )
    details = ft.Column(
        [
            ft.Text(name, size=16, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
            ft.Text(
                " · ".join(x for x in (product.brand, app.t("product.per_unit", unit=product.unit)) if x),
                size=12,
                color=MUTED,
            ),
            ft.Row(facts, spacing=10),
        ],
        spacing=4,
        expand=True,
    )
    return ui.card(ft.Row([picture, details], spacing=12), on_click=open_product, tooltip=name, padding=12)


def build(app: ShopperApp) -> ft.View:
    vm = app.catalog

    async def more(_e: object) -> None:
        await vm.more()

    body: list[ft.Control | None] = [search_box(app), error_banner(app, vm)]
    if vm.busy and not vm.results:
        body.append(ft.Row([ft.ProgressRing(color=BRAND)], alignment=ft.MainAxisAlignment.CENTER))
    elif vm.searched:
        body.append(ui.muted(app.t("search.count", n=vm.total) if vm.total else app.t("search.none")))
        body += [product_tile(app, p) for p in vm.results]
        if vm.has_more:
            body.append(
                ft.Row(
                    [ui.secondary_button(app.t("search.more"), more)], alignment=ft.MainAxisAlignment.CENTER
                )
            )
    appbar = ui.app_bar(
        app.t("search.title"), actions=[lang_toggle(app)], back=app.link("/"), back_label=app.t("nav.back")
    )
    return page_view("/search", appbar, body)
