"""Pieces several shopper views share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from shared.ui import controls as ui
from shared.ui import format as fmt
from shared.ui.qr import qr_png
from shared.ui.theme import BRAND, CARD, PRICE, SURFACE, TEXT

if TYPE_CHECKING:
    from apps.shopper.app import ShopperApp
    from apps.shopper.viewmodels import ViewModel


def lang_toggle(app: ShopperApp) -> ft.Control:
    return ui.lang_toggle(app.t("lang.switch_label"), app.t("lang.switch_tooltip"), app.toggle_lang)


def error_banner(app: ShopperApp, vm: ViewModel) -> ft.Control | None:
    if not vm.error:
        return None
    return ui.banner(app.t(vm.error))


def page_view(
    route: str, appbar: ft.AppBar, body: list[ft.Control | None], *, scroll: bool = True
) -> ft.View:
    return ft.View(
        route=route,
        appbar=appbar,
        controls=[
            ft.Column(
                [c for c in body if c is not None],
                spacing=16,
                expand=True,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                scroll=ft.ScrollMode.AUTO if scroll else None,
            )
        ],
        padding=16,
        bgcolor=SURFACE,
    )


TAB_ICONS = (
    ("/", "nav.home", ft.Icons.STOREFRONT_OUTLINED, ft.Icons.STOREFRONT),
    ("/cart", "nav.cart", ft.Icons.SHOPPING_CART_OUTLINED, ft.Icons.SHOPPING_CART),
    ("/orders", "nav.orders", ft.Icons.RECEIPT_LONG_OUTLINED, ft.Icons.RECEIPT_LONG),
    ("/me", "nav.me", ft.Icons.PERSON_OUTLINE, ft.Icons.PERSON),
)


def nav_bar(app: ShopperApp, route: str) -> ft.NavigationBar:
    """The four tabs at the bottom of the top-level screens."""
    selected = next((i for i, (r, *_rest) in enumerate(TAB_ICONS) if r == route), 0)

    async def changed(e: ft.Event[ft.NavigationBar]) -> None:
        await app.open(TAB_ICONS[e.control.selected_index or 0][0])

    count = app.cart.count
    destinations = []
    for path, key, icon, selected_icon in TAB_ICONS:
        label = app.t(key)
        shown: ft.Control | ft.IconData = icon
        if path == "/cart" and count:
            shown = ft.Icon(icon, badge=ft.Badge(label=str(count), bgcolor=BRAND))
        # No hover tooltip: the label is already shown under the icon.
        destinations.append(
            ft.NavigationBarDestination(icon=shown, selected_icon=selected_icon, label=label, tooltip="")
        )
    return ft.NavigationBar(
        destinations=destinations,
        selected_index=selected,
        on_change=changed,
        bgcolor=CARD,
        indicator_color="#FDE3E3",
        overlay_color={ft.ControlState.HOVERED: ft.Colors.TRANSPARENT},
    )


def tab_view(app: ShopperApp, route: str, appbar: ft.AppBar, body: list[ft.Control | None]) -> ft.View:
    view = page_view(route, appbar, body)
    view.navigation_bar = nav_bar(app, route)
    return view


def back_bar(app: ShopperApp, title_key: str, back_to: str) -> ft.AppBar:
    return ui.app_bar(
        app.t(title_key), actions=[lang_toggle(app)], back=app.link(back_to), back_label=app.t("nav.back")
    )


def action_bar(label: str, amount: int, note: str | None, button: ft.Control) -> ft.Container:
    """The bar under a scrolling page that keeps the amount and the main action in reach."""
    return ui.card(
        ft.Row(
            [
                ft.Column(
                    [
                        ft.Row([ui.muted(label), ui.price(amount, size=20)], spacing=6),
                        ft.Text(note, size=12, color=PRICE) if note else ft.Container(),
                    ],
                    spacing=0,
                    expand=True,
                ),
                ft.Container(button, width=150),
            ],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        padding=12,
    )


def money_row(label: str, fen: int | None, *, strong: bool = False, negative: bool = False) -> ft.Row:
    amount = fmt.price(-fen if negative and fen else fen)
    style = {"size": 18 if strong else 15, "weight": ft.FontWeight.BOLD if strong else None}
    return ft.Row(
        [
            ft.Text(label, **style, expand=True),
            ft.Text(
                amount,
                color=PRICE if (strong or negative) else TEXT,
                font_family=ui.FONT_BOLD if strong else None,
                **style,
            ),
        ]
    )


def qr_image(text: str, size: int = 200, label: str | None = None) -> ft.Container:
    """A QR code drawn from ``text`` on a white tile (scanners need the quiet zone)."""
    return ft.Container(
        # Gapless: a re-render keeps the code on screen while the same picture is decoded again.
        ft.Image(
            src=qr_png(text),
            width=size,
            height=size,
            semantics_label=label,
            gapless_playback=True,
            filter_quality=ft.FilterQuality.NONE,
        ),
        bgcolor="#FFFFFF",
        padding=8,
        border_radius=8,
        alignment=ft.Alignment.CENTER,
    )


def section(title: str, *controls: ft.Control | None, trailing: ft.Control | None = None) -> ft.Container:
    head: list[ft.Control] = [ui.title(title, size=17)]
    if trailing is not None:
        head = [ft.Row([head[0], trailing], alignment=ft.MainAxisAlignment.SPACE_BETWEEN)]
    return ui.card(ft.Column(head + [c for c in controls if c is not None], spacing=10))


def centered(*controls: ft.Control) -> ft.Row:
    return ft.Row(list(controls), alignment=ft.MainAxisAlignment.CENTER)


def spinner() -> ft.Row:
    return centered(ft.ProgressRing(color=BRAND))
