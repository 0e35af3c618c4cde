"""Campaigns: the tiles on home (flash sales, group buys, bargains running now) and one campaign opened
from a tile, with its action (grab, start a group, start a bargain), payment and share code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.shopper.viewmodels.campaigns import FlashOffer
from apps.shopper.views.common import back_bar, error_banner, page_view, qr_image, section, spinner
from backend.campaigns.schemas import BargainDeal, GroupBuyDeal
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.theme import BRAND, OK, ON_BRAND

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp

COLOURS = {
    "flash": ("#E4393C", "#FF7A45"),
    "group": ("#7B1FA2", "#C2185B"),
    "bargain": ("#EF6C00", "#FFA000"),
}
ICONS = {"flash": ft.Icons.BOLT, "group": ft.Icons.GROUPS, "bargain": ft.Icons.CONTENT_CUT}


def tz(app: ShopperApp) -> str:
    return app.stores.chosen.timezone if app.stores.chosen else "Asia/Shanghai"


def facts(
    app: ShopperApp, kind: str, campaign: FlashOffer | GroupBuyDeal | BargainDeal
) -> tuple[str, int, str]:
    """(name, price in fen, one line about it) of a running campaign."""
    if isinstance(campaign, FlashOffer):
        name = pick(app.lang, campaign.slot.name_zh, campaign.slot.name_en)
        return name, campaign.item.price, app.t("campaign.left", n=campaign.left)
    name = pick(app.lang, campaign.name_zh, campaign.name_en)
    if isinstance(campaign, GroupBuyDeal):
        return name, campaign.group_price, app.t("campaign.group_size", n=campaign.group_size)
    return name, campaign.start_price, app.t("campaign.floor", price=fmt.price(campaign.floor_price))


def tile(app: ShopperApp, kind: str, campaign_id: int, campaign) -> ft.Control:  # type: ignore[no-untyped-def]
    name, price, line = facts(app, kind, campaign)
    ends = campaign.slot.ends_at if isinstance(campaign, FlashOffer) else campaign.ends_at

    async def open_it(_e: object) -> None:
        app.campaigns.open(kind, campaign_id)
        await app.go(f"/campaign/{kind}/{campaign_id}")

    return ft.Container(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(ICONS[kind], color=ON_BRAND, size=18),
                        ft.Text(app.t(f"campaign.{kind}"), color=ON_BRAND, size=12),
                    ],
                    spacing=4,
                ),
                ft.Text(
                    name,
                    color=ON_BRAND,
                    size=15,
                    font_family=ui.FONT_BOLD,
                    weight=ft.FontWeight.BOLD,
                    max_lines=1,
                    overflow=ft.TextOverflow.ELLIPSIS,
                ),
                ft.Text(fmt.price(price), color=ON_BRAND, size=20, font_family=ui.FONT_BOLD),
                ft.Text(line, color="#FFE0E0", size=12),
                ft.Text(
                    app.t("campaign.ends", time=fmt.when(ends, tz(app), app.lang)), color="#FFE0E0", size=11
                ),
            ],
            spacing=2,
        ),
        gradient=ft.LinearGradient(colors=list(COLOURS[kind])),
        border_radius=ui.RADIUS,
        padding=12,
        width=180,
        on_click=open_it,
        ink=True,
        tooltip=name,
    )


def home_section(app: ShopperApp) -> list[ft.Control]:
    vm = app.campaigns
    if not vm.any_running:
        return []
    tiles = [tile(app, "flash", o.item.id, o) for o in vm.flash]
    tiles += [tile(app, "group", d.id, d) for d in vm.group_buys]
    tiles += [tile(app, "bargain", d.id, d) for d in vm.bargains]
    return [ui.title(app.t("home.campaigns"), size=18), ft.Row(tiles, scroll=ft.ScrollMode.AUTO, spacing=10)]


def share_card(app: ShopperApp, code: str, progress: str) -> ft.Control:
    return section(
        app.t("campaign.share_code"),
        ft.Row([qr_image(code, 160, app.t("campaign.share_code"))], alignment=ft.MainAxisAlignment.CENTER),
        ft.Row(
            [ft.Text(code, size=26, font_family=ui.FONT_BOLD, color=BRAND, selectable=True)],
            alignment=ft.MainAxisAlignment.CENTER,
        ),
        ft.Text(progress, size=14, color=OK),
        ui.muted(app.t("campaign.share_hint"), size=12),
    )


def build(app: ShopperApp) -> ft.View:
    vm = app.campaigns
    route = app.page.route or "/campaign"
    appbar = back_bar(app, "campaign.title", "/")
    campaign = vm.selected
    if campaign is None or vm.kind is None:
        body: list[ft.Control | None] = [spinner() if vm.busy else ui.banner(app.t("campaign.gone"))]
        return page_view(route, appbar, body)
    kind = vm.kind
    name, price, line = facts(app, kind, campaign)

    async def pay_url(url: str | None) -> None:
        if url:
            await ft.UrlLauncher().launch_url(url)

    async def grab(_e: object) -> None:
        await pay_url(await vm.grab())

    async def open_group(_e: object) -> None:
        await vm.open_group()

    async def pay_seat(_e: object) -> None:
        await pay_url(await vm.pay_seat())

    async def start_bargain(_e: object) -> None:
        await vm.start_bargain()

    head = ft.Container(
        ft.Column(
            [
                ft.Row(
                    [ft.Icon(ICONS[kind], color=ON_BRAND), ft.Text(app.t(f"campaign.{kind}"), color=ON_BRAND)]
                ),
                ft.Text(name, size=22, color=ON_BRAND, font_family=ui.FONT_BOLD, weight=ft.FontWeight.BOLD),
                ft.Text(fmt.price(price), size=30, color=ON_BRAND, font_family=ui.FONT_BOLD),
                ft.Text(line, size=13, color="#FFE0E0"),
            ],
            spacing=4,
        ),
        gradient=ft.LinearGradient(colors=list(COLOURS[kind])),
        border_radius=ui.RADIUS,
        padding=16,
    )
    body = [head, error_banner(app, vm)]
    if kind == "flash":
        if vm.claim is not None:
            body.append(
                ui.banner(
                    app.t("campaign.claimed", time=fmt.when(vm.claim.pay_by, tz(app), app.lang)), error=False
                )
            )
            if vm.payment is not None:
                body.append(
                    ft.Row(
                        [ui.primary_button(app.t("campaign.pay", amount=fmt.price(vm.payment.amount)), grab)]
                    )
                )
        else:
            body.append(
                ft.Row([ui.primary_button(app.t("campaign.grab"), grab, busy=vm.busy, icon=ft.Icons.BOLT)])
            )
    elif kind == "group":
        if vm.group is not None:
            g = vm.group
            body.append(
                share_card(
                    app, g.code, app.t("campaign.group_progress", seats=g.seats, size=g.size, paid=g.paid)
                )
            )
            body.append(ft.Row([ui.primary_button(app.t("campaign.pay", amount=fmt.price(price)), pay_seat)]))
        else:
            body.append(ft.Row([ui.primary_button(app.t("campaign.open_group"), open_group, busy=vm.busy)]))
    elif vm.bargain is not None:
        b = vm.bargain
        body.append(
            share_card(
                app,
                b.code,
                app.t(
                    "campaign.bargain_progress",
                    price=fmt.price(b.price),
                    done=b.cuts_done,
                    needed=b.cuts_needed,
                ),
            )
        )
    else:
        body.append(ft.Row([ui.primary_button(app.t("campaign.start_bargain"), start_bargain, busy=vm.busy)]))
    body.append(ui.muted(app.t("campaign.ends", time=fmt.when(_ends(campaign), tz(app), app.lang)), size=12))
    return page_view(route, appbar, body)


def _ends(campaign) -> object:  # type: ignore[no-untyped-def]
    return campaign.slot.ends_at if isinstance(campaign, FlashOffer) else campaign.ends_at


def shares(app: ShopperApp) -> ft.View:
    """The member's groups and bargains with their share codes, and joining / cutting a friend's."""
    vm = app.campaigns

    def typed(e: ft.Event[ft.TextField]) -> None:
        vm.typed_code = e.control.value or ""

    field = ft.Row([ft.Container(ui.text_field(app.t("shares.code"), vm.typed_code, typed), expand=True)])

    async def join(_e: object) -> None:
        if await vm.join(vm.typed_code):
            await vm.load_shares()

    async def cut(_e: object) -> None:
        if await vm.cut(vm.typed_code):
            await vm.load_shares()

    body: list[ft.Control | None] = [
        section(
            app.t("shares.join_title"),
            field,
            ft.Row(
                [
                    ui.secondary_button(app.t("shares.join"), join),
                    ui.secondary_button(app.t("shares.cut"), cut),
                ],
                spacing=12,
            ),
        ),
        error_banner(app, vm),
        ui.banner(app.t(vm.notice), error=False) if vm.notice else None,
    ]
    groups = [
        ft.Row(
            [
                ft.Column(
                    [
                        ft.Text(pick(app.lang, g.deal.name_zh, g.deal.name_en), size=14),
                        ui.muted(
                            app.t("campaign.group_progress", seats=g.seats, size=g.size, paid=g.paid), size=12
                        ),
                    ],
                    spacing=0,
                    expand=True,
                ),
                ft.Text(g.code, size=18, color=BRAND, font_family=ui.FONT_BOLD, selectable=True),
            ]
        )
        for g in vm.my_groups
    ]
    body.append(section(app.t("shares.groups"), *(groups or [ui.muted(app.t("member.none"), size=13)])))
    bargains = [
        ft.Row(
            [
                ft.Column(
                    [
                        ft.Text(vm.deal_name(b.deal_id, app.lang), size=14),
                        ui.muted(
                            app.t(
                                "campaign.bargain_progress",
                                price=fmt.price(b.price),
                                done=b.cuts_done,
                                needed=b.cuts_needed,
                            ),
                            size=12,
                        ),
                    ],
                    spacing=0,
                    expand=True,
                ),
                ft.Text(b.code, size=18, color=BRAND, font_family=ui.FONT_BOLD, selectable=True),
            ]
        )
        for b in vm.my_bargains
    ]
    body.append(section(app.t("shares.bargains"), *(bargains or [ui.muted(app.t("member.none"), size=13)])))
    body.append(ui.muted(app.t("campaign.share_hint"), size=12))
    return page_view("/me/shares", back_bar(app, "shares.title", "/me"), body)
