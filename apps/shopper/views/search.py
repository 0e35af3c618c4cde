"""Search results at the chosen store: name, price there and whether the store has it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.viewmodels.catalog import SORTS
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

    async def scan(_e: object) -> None:
        files = await app.file_picker().pick_files(
            dialog_title=app.t("scan.title"), file_type=ft.FilePickerFileType.IMAGE, with_data=True
        )
        if files:
            product_id = await app.scan.scan_photo(files[0].bytes or b"", vm.store_id)
            if product_id is not None:
                await app.product.load(product_id, vm.store_id)
                await app.go(f"/product/{product_id}")

    scanner = ui.icon_button(ft.Icons.QR_CODE_SCANNER, app.t("scan.title"), scan, color=BRAND)
    return ft.Row([field, scanner, button], spacing=4)


def sort_bar(app: ShopperApp) -> ft.Control:
    """Sort orders and the in-stock filter, as chips."""
    vm = app.catalog

    def sort_by(sort: str | None):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.set_sort(sort)

        return handler

    async def stock_only(_e: object) -> None:
        await vm.set_in_stock_only(not vm.in_stock_only)

    chips: list[ft.Control] = [
        ft.Chip(
            label=app.t(f"search.sort.{sort or 'best'}"),
            selected=vm.sort == sort,
            selected_color="#FDE3E3",
            on_select=sort_by(sort),
            height=36,
        )
        for sort in SORTS
    ]
    if vm.store_id is not None:
        chips.append(
            ft.Chip(
                label=app.t("search.in_stock_only"),
                selected=vm.in_stock_only,
                selected_color="#DFF0E0",
                on_select=stock_only,
                height=36,
            )
        )
    return ft.Row(chips, wrap=True, spacing=6, run_spacing=6)


def pick_tile(app: ShopperApp, item) -> ft.Control:  # type: ignore[no-untyped-def]
    """A recommended product (猜你喜欢, 买了又买): its name and price; tapping opens it."""

    async def open_product(_e: object) -> None:
        await app.product.load(item.product_id, app.catalog.store_id)
        await app.go(f"/product/{item.product_id}")

    name = pick(app.lang, item.name_zh, item.name_en)
    return ui.card(
        ft.Column(
            [
                ft.Container(
                    ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, color=BRAND, size=30),
                    height=64,
                    bgcolor="#FDECEC",
                    border_radius=RADIUS,
                    alignment=ft.Alignment.CENTER,
                ),
                ft.Text(name, size=14, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS, height=40),
                ui.price(item.price, size=15),
            ],
            spacing=4,
            width=130,
        ),
        on_click=open_product,
        padding=10,
        tooltip=name,
    )


def picks_row(app: ShopperApp, title_key: str, items) -> list[ft.Control]:  # type: ignore[no-untyped-def]
    if not items:
        return []
    return [
        ui.title(app.t(title_key), size=18),
        ft.Row([pick_tile(app, i) for i in items], scroll=ft.ScrollMode.AUTO, spacing=10),
    ]


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
    picture: ft.Control = ft.Container(
        ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, color=BRAND, size=36),
        width=72,
        height=72,
        bgcolor="#FDECEC",
        border_radius=RADIUS,
        alignment=ft.Alignment.CENTER,
    )
    if product.image_urls:
        url = product.image_urls[0]
        picture = ft.Image(
            src=app.live_url.rstrip("/") + url if url.startswith("/") else url,
            width=72,
            height=72,
            fit=ft.BoxFit.COVER,
            border_radius=RADIUS,
            error_content=picture,
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
        body.append(sort_bar(app))
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
