"""Home: the chosen store, a search box and the categories."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import lang_toggle, tab_view
from apps.shopper.views.search import product_tile, search_box
from apps.shopper.views.stores import store_card
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, ON_BRAND, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


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
    body.append(search_box(app))
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
    if catalog.hot:
        body.append(ui.title(app.t("home.hot"), size=18))
        body += [product_tile(app, p) for p in catalog.hot]
    actions = [
        lang_toggle(app),
        ui.icon_button(ft.Icons.LOGOUT, app.t("home.sign_out"), app.sign_out, color=ON_BRAND),
    ]
    return tab_view(app, "/", ui.app_bar(app.t("app.name"), actions=actions), body)
