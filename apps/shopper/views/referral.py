"""The referral / distribution centre: the member's code and link to share, friends brought, commission."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.views.common import back_bar, error_banner, page_view, qr_image, section
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, BRAND_DARK, OK, ON_BRAND

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp


def figure(label: str, value: str) -> ft.Control:
    return ft.Column(
        [
            ft.Text(value, size=20, color=ON_BRAND, font_family=ui.FONT_BOLD, weight=ft.FontWeight.BOLD),
            ft.Text(label, size=12, color="#FFE0E0"),
        ],
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        spacing=2,
        expand=True,
    )


def build(app: ShopperApp) -> ft.View:
    vm = app.referral

    async def join(_e: object) -> None:
        await vm.join()

    def typed(e: ft.Event[ft.TextField]) -> None:
        vm.typed_code = e.control.value or ""

    async def bind(_e: object) -> None:
        await vm.bind()

    body: list[ft.Control | None] = [error_banner(app, vm)]
    me = vm.me
    if me is None:
        body.append(
            section(
                app.t("referral.join_title"),
                ui.muted(app.t("referral.join_hint"), size=13),
                ft.Row([ui.primary_button(app.t("referral.join"), join, busy=vm.busy)]),
            )
        )
    else:
        body.append(
            ft.Container(
                ft.Row(
                    [
                        figure(app.t("referral.friends"), str(me.referred_count)),
                        figure(app.t("referral.earned"), fmt.price(vm.earned)),
                        figure(app.t("referral.available"), fmt.price(me.available)),
                    ]
                ),
                gradient=ft.LinearGradient(
                    begin=ft.Alignment.TOP_LEFT, end=ft.Alignment.BOTTOM_RIGHT, colors=[BRAND, BRAND_DARK]
                ),
                border_radius=ui.RADIUS,
                padding=16,
            )
        )
        body.append(
            section(
                app.t("referral.my_code"),
                ft.Row(
                    [qr_image(me.link, 180, app.t("referral.my_code"))], alignment=ft.MainAxisAlignment.CENTER
                ),
                ft.Row(
                    [ft.Text(me.code, size=26, color=BRAND, font_family=ui.FONT_BOLD, selectable=True)],
                    alignment=ft.MainAxisAlignment.CENTER,
                ),
                ui.muted(app.t("referral.share_hint"), size=12),
            )
        )
        friends = [
            ft.Row(
                [
                    ft.Icon(ft.Icons.PERSON_OUTLINE, color=BRAND),
                    ft.Text(f.name or f.phone or "—", size=14, expand=True),
                    ui.muted(fmt.stamp(f.bound_at)[:10], size=12),
                ]
            )
            for f in vm.referrals[:10]
        ]
        body.append(
            section(app.t("referral.friends"), *(friends or [ui.muted(app.t("member.none"), size=13)]))
        )
    if vm.referrer is not None:
        body.append(ui.banner(app.t("referral.referred_by", code=vm.referrer.code), error=False))
    else:
        body.append(
            section(
                app.t("referral.bind_title"),
                ft.Row(
                    [ft.Container(ui.text_field(app.t("referral.code"), vm.typed_code, typed), expand=True)]
                ),
                ft.Row([ui.secondary_button(app.t("referral.bind"), bind)]),
            )
        )
    body.append(ft.Text(" ", size=4, color=OK))
    return page_view("/me/referral", back_bar(app, "referral.title", "/me"), body)
