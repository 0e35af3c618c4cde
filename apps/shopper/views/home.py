"""Home: the chosen store, a search box and the categories."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views import campaign
from apps.shopper.views.common import error_banner, lang_toggle, tab_view
from apps.shopper.views.search import picks_row, product_tile, search_box
from apps.shopper.views.stores import store_card
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, BRAND_DARK, CARD, MUTED, ON_BRAND, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def instore_card(app: ShopperApp) -> ft.Control:
    """In-store mode: turn on beacon listening; on arrival, the store's welcome and its pushed coupon."""
    vm = app.instore

    async def start(_e: object) -> None:
        if await vm.listen():
            await app.member.load()

    def dismiss(_e: object) -> None:
        vm.dismiss()

    if vm.shows_welcome:
        parts: list[ft.Control] = [
            ft.Row(
                [
                    ft.Icon(ft.Icons.WAVING_HAND, color="#FFE9A8"),
                    ft.Text(
                        vm.message(app.lang) or "",
                        color=ON_BRAND,
                        size=17,
                        font_family=ui.FONT_BOLD,
                        weight=ft.FontWeight.BOLD,
                        expand=True,
                    ),
                ],
                spacing=8,
            )
        ]
        gift = vm.coupon
        if gift is not None:
            threshold, amount = int(gift.get("threshold") or 0), int(gift.get("amount") or 0)
            terms = (
                app.t("coupon.terms.threshold", threshold=fmt.price(threshold), amount=fmt.price(amount))
                if threshold
                else app.t("coupon.terms.fixed", amount=fmt.price(amount))
            )
            parts.append(
                ft.Container(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.LOCAL_OFFER, color=BRAND),
                            ft.Column(
                                [
                                    ui.muted(app.t("instore.gift"), size=12),
                                    ft.Text(
                                        pick(app.lang, str(gift.get("name_zh") or ""), gift.get("name_en")),
                                        size=15,
                                        font_family=ui.FONT_BOLD,
                                    ),
                                    ft.Text(terms, size=13, color=BRAND),
                                ],
                                spacing=0,
                                expand=True,
                            ),
                        ],
                        spacing=10,
                    ),
                    bgcolor="#FFFFFF",
                    border_radius=10,
                    padding=10,
                )
            )
        parts.append(
            ft.Row(
                [ft.TextButton(app.t("instore.ok"), on_click=dismiss, style=ft.ButtonStyle(color=ON_BRAND))],
                alignment=ft.MainAxisAlignment.END,
            )
        )
        return ft.Container(
            ft.Column(parts, spacing=10),
            gradient=ft.LinearGradient(
                begin=ft.Alignment.TOP_LEFT, end=ft.Alignment.BOTTOM_RIGHT, colors=[BRAND, BRAND_DARK]
            ),
            border_radius=ui.RADIUS,
            padding=16,
        )
    if vm.listening:
        status: ft.Control = ft.Row(
            [
                ft.ProgressRing(width=18, height=18, color=BRAND),
                ui.muted(app.t("instore.listening"), size=13),
            ],
            spacing=8,
        )
    elif vm.bluetooth is False:
        status = ui.muted(app.t("instore.no_bluetooth"), size=13)
    else:
        status = ft.TextButton(app.t("instore.start"), on_click=start, height=TOUCH)
    return ui.card(
        ft.Row(
            [
                ft.Icon(ft.Icons.BLUETOOTH_SEARCHING, color=BRAND),
                ft.Column(
                    [ft.Text(app.t("instore.title"), size=15), ui.muted(app.t("instore.hint"), size=12)],
                    spacing=0,
                    expand=True,
                ),
                status,
            ],
            spacing=10,
        ),
        padding=12,
    )


def build(app: ShopperApp) -> ft.View:
    store = app.stores.chosen
    catalog = app.catalog

    async def change_store(_e: object) -> None:
        await app.stores.change()
        await app.go("/onboarding")

    def open_category(category_id: int):
        async def handler(_e: object) -> None:
            await catalog.search("", category_id=category_id)
            await app.go("/search")

        return handler

    body: list[ft.Control | None] = []
    if store is not None:
        change = ft.TextButton(app.t("home.change_store"), on_click=change_store, height=TOUCH)
        body.append(store_card(app, store, app.stores.distance_to(store.id), trailing=change))
    body.append(instore_card(app))
    if store is not None:
        body.append(
            ft.Container(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.QR_CODE_SCANNER, color=BRAND),
                        ft.Text(app.t("scango.entry"), size=15, expand=True),
                        ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED),
                    ],
                    spacing=10,
                ),
                on_click=app.link("/scango"),
                bgcolor=CARD,
                border_radius=ui.RADIUS,
                padding=12,
                ink=True,
            )
        )
    body.append(search_box(app))
    body.append(error_banner(app, app.scan))
    body += campaign.home_section(app)
    if catalog.categories:
        body.append(ui.title(app.t("home.categories"), size=18))
        body.append(
            ft.Row(
                [
                    ft.Chip(
                        label=pick(app.lang, c.name_zh, c.name_en), on_click=open_category(c.id), height=TOUCH
                    )
                    for c in catalog.categories
                ],
                wrap=True,
                spacing=8,
                run_spacing=8,
            )
        )
    if catalog.promotions:
        body.append(ui.title(app.t("home.promotions"), size=18))
        body.append(
            ft.Row(
                [
                    ft.Container(
                        ft.Column(
                            [
                                ft.Icon(ft.Icons.LOCAL_FIRE_DEPARTMENT, color=ON_BRAND),
                                ft.Text(
                                    pick(app.lang, p.name_zh, p.name_en),
                                    color=ON_BRAND,
                                    size=16,
                                    font_family=ui.FONT_BOLD,
                                    weight=ft.FontWeight.BOLD,
                                ),
                                ft.Text(
                                    app.t("home.until", date=fmt.stamp(p.ends_at)[:10]),
                                    color="#FFE0E0",
                                    size=12,
                                ),
                            ],
                            spacing=4,
                        ),
                        gradient=ft.LinearGradient(colors=[BRAND, "#FF7A45"]),
                        border_radius=ui.RADIUS,
                        padding=14,
                        width=180,
                    )
                    for p in catalog.promotions
                ],
                scroll=ft.ScrollMode.AUTO,
                spacing=10,
            )
        )
    body += picks_row(app, "home.for_you", catalog.for_you)
    if catalog.hot:
        body.append(ui.title(app.t("home.hot"), size=18))
        body += [product_tile(app, p) for p in catalog.hot]
    actions = [
        lang_toggle(app),
        ui.icon_button(ft.Icons.LOGOUT, app.t("home.sign_out"), app.sign_out, color=ON_BRAND),
    ]
    return tab_view(app, "/", ui.app_bar(app.t("app.name"), actions=actions), body)
