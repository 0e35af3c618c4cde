"""Reusable controls for the shopper and staff apps, built on the OMO theme.

Every tappable control carries a visible text or a tooltip, so screen readers and the browser tests
find it by role and name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from shared.ui import format as fmt
from shared.ui.theme import BRAND, CARD, FONT_BOLD, MUTED, OK, ON_BRAND, PRICE, RADIUS, TEXT, TOUCH, WARN

Handler = Callable[[Any], Any] | None


def title(text: str, size: int = 22, color: str = TEXT) -> ft.Text:
    return ft.Text(text, size=size, font_family=FONT_BOLD, weight=ft.FontWeight.BOLD, color=color)


def muted(text: str, size: int = 14) -> ft.Text:
    return ft.Text(text, size=size, color=MUTED)


def price(fen: int | None, size: int = 18) -> ft.Text:
    return ft.Text(fmt.price(fen), size=size, color=PRICE, font_family=FONT_BOLD, weight=ft.FontWeight.BOLD)


def primary_button(
    text: str,
    on_click: Handler,
    *,
    disabled: bool = False,
    busy: bool = False,
    icon: ft.IconData | None = None,
) -> ft.Button:
    return ft.Button(
        content=text,
        icon=icon,
        on_click=on_click,
        disabled=disabled or busy,
        height=TOUCH + 4,
        expand=True,
        style=ft.ButtonStyle(
            bgcolor={ft.ControlState.DEFAULT: BRAND, ft.ControlState.DISABLED: "#F3B7B8"},
            color={ft.ControlState.DEFAULT: ON_BRAND, ft.ControlState.DISABLED: ON_BRAND},
            shape=ft.RoundedRectangleBorder(radius=TOUCH // 2),
            text_style=ft.TextStyle(size=17, font_family=FONT_BOLD),
        ),
    )


def secondary_button(text: str, on_click: Handler, *, disabled: bool = False) -> ft.OutlinedButton:
    return ft.OutlinedButton(
        content=text,
        on_click=on_click,
        disabled=disabled,
        height=TOUCH,
        style=ft.ButtonStyle(shape=ft.RoundedRectangleBorder(radius=TOUCH // 2), color=BRAND),
    )


def text_field(
    label: str,
    value: str,
    on_change: Handler,
    *,
    hint: str | None = None,
    keyboard: ft.KeyboardType = ft.KeyboardType.TEXT,
    max_length: int | None = None,
    on_submit: Handler = None,
    autofocus: bool = False,
    prefix_icon: ft.IconData | None = None,
) -> ft.TextField:
    return ft.TextField(
        label=label,
        value=value,
        hint_text=hint,
        on_change=on_change,
        on_submit=on_submit,
        keyboard_type=keyboard,
        max_length=max_length,
        autofocus=autofocus,
        prefix_icon=prefix_icon,
        border=ft.OutlineInputBorder(border_radius=RADIUS),
        filled=True,
        bgcolor=CARD,
        text_size=18,
    )


def card(
    content: ft.Control,
    *,
    on_click: Handler = None,
    padding: int = 16,
    tooltip: str | None = None,
) -> ft.Container:
    return ft.Container(
        content=content,
        padding=padding,
        bgcolor=CARD,
        border_radius=RADIUS,
        on_click=on_click,
        ink=on_click is not None,
        tooltip=tooltip,
        shadow=ft.BoxShadow(blur_radius=8, color="#14000000", offset=ft.Offset(0, 2)),
    )


def banner(text: str, *, error: bool = True) -> ft.Container:
    color = PRICE if error else OK
    return ft.Container(
        content=ft.Row(
            [
                ft.Icon(ft.Icons.ERROR_OUTLINE if error else ft.Icons.CHECK_CIRCLE_OUTLINE, color=color),
                ft.Text(text, color=color, expand=True),
            ]
        ),
        padding=12,
        bgcolor="#FDECEC" if error else "#E8F5E9",
        border_radius=RADIUS,
    )


def badge(text: str, *, good: bool) -> ft.Container:
    color = OK if good else WARN
    return ft.Container(
        content=ft.Text(text, size=12, color=color),
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border=ft.Border.all(1, color),
        border_radius=RADIUS,
    )


def icon_button(
    icon: ft.IconData, label: str, on_click: Handler, *, color: str | None = None
) -> ft.IconButton:
    """An icon-only button whose accessible name is ``label`` (also shown as its tooltip)."""
    return ft.IconButton(
        icon=ft.Icon(icon, color=color, semantics_label=label),
        on_click=on_click,
        tooltip=label,
        width=TOUCH,
        height=TOUCH,
    )


def app_bar(
    text: str, *, actions: list[ft.Control] | None = None, back: Handler = None, back_label: str = ""
) -> ft.AppBar:
    leading = icon_button(ft.Icons.ARROW_BACK, back_label, back, color=ON_BRAND) if back else None
    return ft.AppBar(
        leading=leading,
        automatically_imply_leading=False,
        title=ft.Text(text, font_family=FONT_BOLD, color=ON_BRAND, size=20),
        bgcolor=BRAND,
        color=ON_BRAND,
        actions=actions or [],
        actions_padding=ft.Padding.only(right=8),
    )


def lang_toggle(label: str, tooltip: str, on_click: Handler) -> ft.TextButton:
    """The 中文 / EN switch in an app bar; ``label`` is the language it switches to."""
    return ft.TextButton(
        content=ft.Text(label, color=ON_BRAND, size=16),
        on_click=on_click,
        tooltip=tooltip,
        height=TOUCH,
    )
