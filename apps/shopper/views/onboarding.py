"""First run: where are you? (device location if the platform offers it, else a city) → nearest store."""

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
    vm = app.stores

    async def use_device(_e: object) -> None:
        point = await app.locate() if app.locate else None
        if point is None:
            vm.error = "onboarding.location_unavailable"
            vm.notify()
            return
        await vm.locate(*point)

    def use_place(key: str):
        async def handler(_e: object) -> None:
            await vm.use_place(key)

        return handler

    def choose(store_id: int):
        async def handler(_e: object) -> None:
            await vm.choose(store_id)
            await app.after_store_change()
            await app.go("/")

        return handler

    async def choose_nearest(_e: object) -> None:
        if await vm.choose_nearest():
            await app.after_store_change()
            await app.go("/")

    chips = ft.Row(
        [
            ft.Chip(
                label=pick(app.lang, p.name_zh, p.name_en),
                selected=vm.place is not None and vm.place.key == p.key,
                selected_color="#FDE3E3",
                on_select=use_place(p.key),
                height=TOUCH,
            )
            for p in vm.places
        ],
        wrap=True,
        spacing=8,
        run_spacing=8,
    )
    body: list[ft.Control | None] = [
        ui.title(app.t("onboarding.title")),
        ui.muted(app.t("onboarding.why")),
    ]
    if app.locate:
        body.append(
            ft.Row(
                [
                    ui.primary_button(
                        app.t("onboarding.use_location"), use_device, icon=ft.Icons.MY_LOCATION, busy=vm.busy
                    )
                ]
            )
        )
    body += [ui.muted(app.t("onboarding.pick_city")), chips, error_banner(app, vm)]
    if vm.busy:
        body.append(ft.Row([ft.ProgressRing(color=BRAND)], alignment=ft.MainAxisAlignment.CENTER))
    if vm.searched and not vm.nearby:
        body.append(ui.banner(app.t("onboarding.no_stores"), error=False))
    nearest = vm.nearest
    if nearest:
        body.append(
            ft.Row(
                [
                    ui.primary_button(
                        app.t(
                            "onboarding.choose_nearest", name=pick(app.lang, nearest.name_zh, nearest.name_en)
                        ),
                        choose_nearest,
                    )
                ]
            )
        )
        body.append(ui.muted(app.t("onboarding.or_choose")))
        body += [
            store_card(app, s, s.distance_m, on_click=choose(s.id), nearest=s.id == nearest.id)
            for s in vm.nearby
            if s.kind == "store"
        ]
    return page_view("/onboarding", ui.app_bar(app.t("app.name"), actions=[lang_toggle(app)]), body)
