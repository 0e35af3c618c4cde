"""The member centre: tier and progress, points, stored value, coupons, the member QR for the till,
the histories, and the way to services, settings and the assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.viewmodels.member import coupon_terms
from apps.shopper.views.common import error_banner, lang_toggle, qr_image, section, tab_view
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, BRAND_DARK, MUTED, ON_BRAND, TOUCH

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

HISTORY_SHOWN = 5


def coupon_text(app: ShopperApp, coupon) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A coupon's name and what it takes off, in the app's language."""
    name = (
        pick(app.lang, coupon.name_zh, coupon.name_en) if coupon.name_zh else app.t("member.coupon_unnamed")
    )
    key, values = coupon_terms(coupon)
    shown = {
        k: fmt.price(v) if k in ("threshold", "amount") and isinstance(v, int) else v
        for k, v in values.items()
    }
    return name, app.t(key, **shown)


def stat(label: str, value: str) -> ft.Control:
    return ft.Column(
        [
            ft.Text(value, size=20, font_family=ui.FONT_BOLD, weight=ft.FontWeight.BOLD, color=ON_BRAND),
            ft.Text(label, size=12, color="#FFE0E0"),
        ],
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        spacing=2,
        expand=True,
    )


def entry(text: str, when: str, delta: str, positive: bool) -> ft.Control:
    return ft.Row(
        [
            ft.Column([ft.Text(text, size=14), ui.muted(when, size=12)], spacing=0, expand=True),
            ft.Text(delta, size=15, color=BRAND if positive else MUTED),
        ]
    )


def birthday_card(app: ShopperApp) -> ft.Control:
    """生日特权: the birthday-month coupon, or setting the birthday that earns it."""
    vm = app.member
    born = vm.profile.birthday if vm.profile else None

    def typed(e: ft.Event[ft.TextField]) -> None:
        vm.birthday_text = e.control.value or ""

    async def save(_e: object) -> None:
        await vm.set_birthday(vm.birthday_text)

    if born is None:
        parts: list[ft.Control] = [
            ui.muted(app.t("member.birthday_hint"), size=13),
            ft.Row(
                [
                    ft.Container(
                        ui.text_field(app.t("member.birthday"), vm.birthday_text, typed, hint="1990-05-20"),
                        expand=True,
                    ),
                    ui.secondary_button(app.t("member.birthday_save"), save),
                ],
                spacing=10,
            ),
        ]
    elif vm.birthday_this_month:
        parts = [ft.Text(app.t("member.birthday_now"), size=14, color=BRAND)]
    else:
        parts = [ui.muted(app.t("member.birthday_month", month=born.month), size=13)]
    return section(app.t("member.birthday_perks"), *parts)


def build(app: ShopperApp) -> ft.View:
    vm = app.member
    wallet = vm.wallet
    profile = vm.profile

    async def show_code(_e: object) -> None:
        await vm.show_code()

    tier_name = (
        pick(app.lang, wallet.tier.name_zh, wallet.tier.name_en)
        if wallet and wallet.tier
        else app.t("member.no_tier")
    )
    if wallet and wallet.next_tier and wallet.to_next_tier is not None:
        progress_text = app.t(
            "member.to_next",
            spend=fmt.price(wallet.spend_12m),
            gap=fmt.price(wallet.to_next_tier),
            tier=pick(app.lang, wallet.next_tier.name_zh, wallet.next_tier.name_en),
        )
    elif wallet and wallet.tier:
        progress_text = app.t("member.top_tier")
    else:
        progress_text = None
    phone = profile.phone[:3] + "****" + profile.phone[-4:] if profile else ""
    header = ft.Container(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.CircleAvatar(
                            content=ft.Icon(ft.Icons.PERSON, color=BRAND), bgcolor=ON_BRAND, radius=26
                        ),
                        ft.Column(
                            [
                                ft.Text(
                                    profile.name or phone if profile else "",
                                    size=18,
                                    color=ON_BRAND,
                                    font_family=ui.FONT_BOLD,
                                ),
                                ft.Container(
                                    ft.Text(tier_name, size=12, color=BRAND_DARK),
                                    bgcolor="#FFE9A8",
                                    padding=ft.Padding.symmetric(horizontal=8, vertical=2),
                                    border_radius=10,
                                ),
                            ],
                            spacing=4,
                            expand=True,
                        ),
                    ],
                    spacing=12,
                ),
                ft.ProgressBar(value=vm.tier_progress, color="#FFE9A8", bgcolor="#F08A8C", height=6)
                if progress_text
                else ft.Container(),
                ft.Text(progress_text, size=12, color="#FFE0E0") if progress_text else ft.Container(),
                ft.Row(
                    [
                        stat(app.t("member.points"), str(wallet.points) if wallet else "—"),
                        stat(app.t("member.stored_value"), fmt.price(wallet.stored_value) if wallet else "—"),
                        stat(app.t("member.coupons"), str(len(vm.unused_coupons))),
                    ]
                ),
            ],
            spacing=10,
        ),
        gradient=ft.LinearGradient(
            begin=ft.Alignment.TOP_LEFT, end=ft.Alignment.BOTTOM_RIGHT, colors=[BRAND, BRAND_DARK]
        ),
        border_radius=ui.RADIUS,
        padding=16,
    )
    body: list[ft.Control | None] = [header, error_banner(app, vm)]
    if vm.code is not None:
        body.append(
            section(
                app.t("member.code"),
                ft.Row(
                    [qr_image(vm.code.code, 220, app.t("member.code"))], alignment=ft.MainAxisAlignment.CENTER
                ),
                ft.Row(
                    [ui.muted(app.t("member.code_hint", s=vm.code.expires_in), size=13)],
                    alignment=ft.MainAxisAlignment.CENTER,
                ),
                ft.Row(
                    [ui.secondary_button(app.t("member.code_refresh"), show_code)],
                    alignment=ft.MainAxisAlignment.CENTER,
                ),
            )
        )
    else:
        body.append(
            ft.Row(
                [ui.primary_button(app.t("member.code"), show_code, icon=ft.Icons.QR_CODE_2, busy=vm.busy)]
            )
        )
    coupons = []
    for c in vm.coupons[:HISTORY_SHOWN]:
        name, terms = coupon_text(app, c)
        coupons.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.LOCAL_OFFER_OUTLINED, color=BRAND),
                    ft.Column(
                        [
                            ft.Text(name, size=14, font_family=ui.FONT_BOLD),
                            ft.Text(terms, size=13, color=BRAND),
                            ui.muted(app.t("member.coupon_valid", date=fmt.stamp(c.valid_to)[:10]), size=12),
                        ],
                        spacing=0,
                        expand=True,
                    ),
                    ui.badge(app.t(f"member.coupon_status.{c.status}"), good=c.status == "unused"),
                ]
            )
        )
    body.append(section(app.t("member.coupons"), *(coupons or [ui.muted(app.t("member.none"), size=13)])))
    body.append(birthday_card(app))
    menu = [
        ("/orders", "member.orders", ft.Icons.RECEIPT_LONG_OUTLINED),
        ("/me/topup", "topup.title", ft.Icons.ACCOUNT_BALANCE_WALLET_OUTLINED),
        ("/me/shares", "member.shares", ft.Icons.GROUPS_OUTLINED),
        ("/me/referral", "member.referral", ft.Icons.CAMPAIGN_OUTLINED),
        ("/me/services", "member.services", ft.Icons.SPA_OUTLINED),
        ("/me/assistant", "member.assistant", ft.Icons.SUPPORT_AGENT),
        ("/me/settings", "member.settings", ft.Icons.SETTINGS_OUTLINED),
    ]

    def opener(route: str):
        async def handler(_e: object) -> None:
            await app.open(route)

        return handler

    body.append(
        ui.card(
            ft.Column(
                [
                    ft.ListTile(
                        leading=ft.Icon(icon, color=BRAND),
                        title=ft.Text(app.t(key)),
                        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED),
                        on_click=opener(route),
                        min_height=TOUCH,
                    )
                    for route, key, icon in menu
                ],
                spacing=0,
            ),
            padding=4,
        )
    )
    points = [
        entry(p.note or p.kind, fmt.stamp(p.created_at), f"{p.delta:+d}", p.delta > 0)
        for p in vm.points[:HISTORY_SHOWN]
    ]
    body.append(
        section(app.t("member.points_history"), *(points or [ui.muted(app.t("member.none"), size=13)]))
    )
    values = [
        entry(e.kind, fmt.stamp(e.created_at), ("+" if e.delta > 0 else "") + fmt.price(e.delta), e.delta > 0)
        for e in vm.stored_value[:HISTORY_SHOWN]
    ]
    body.append(
        section(
            app.t("member.stored_value_history"),
            *(values or [ui.muted(app.t("member.none"), size=13)]),
            ft.Row(
                [
                    ui.secondary_button(app.t("member.topup"), opener("/me/topup")),
                    ui.muted(app.t("member.topup_or_till"), size=12),
                ],
                spacing=12,
                wrap=True,
            ),
        )
    )
    return tab_view(app, "/me", ui.app_bar(app.t("member.title"), actions=[lang_toggle(app)]), body)
