"""How a store is shown: name, address, distance, today's hours and whether it is open now."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from backend.stores.schemas import Store
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def store_card(
    app: ShopperApp,
    store: Store,
    distance_m: int | None,
    *,
    on_click: ui.Handler = None,
    nearest: bool = False,
    trailing: ft.Control | None = None,
) -> ft.Container:
    name = pick(app.lang, store.name_zh, store.name_en)
    hours = fmt.hours_today(store.opening_hours, store.timezone, app.lang)
    facts = [
        ui.badge(
            app.t("store.open_now") if store.open_now else app.t("store.closed_now"), good=store.open_now
        ),
        ui.muted(hours, size=13),
    ]
    if distance_m is not None:
        facts.insert(0, ft.Text(fmt.distance(distance_m, app.lang), size=13, color=BRAND))
    heading = [ft.Text(name, size=17, weight=ft.FontWeight.BOLD, font_family=ui.FONT_BOLD, expand=True)]
    if nearest:
        heading.append(ui.badge(app.t("store.nearest"), good=True))
    column = ft.Column(
        [
            ft.Row(heading),
            ui.muted(store.address, size=13),
            ft.Row(facts, spacing=10, wrap=True),
        ],
        spacing=4,
        expand=True,
    )
    row = ft.Row(
        [ft.Icon(ft.Icons.STOREFRONT, color=BRAND, size=32), column] + ([trailing] if trailing else []),
        spacing=12,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    return ui.card(row, on_click=on_click, tooltip=name if on_click else None)
