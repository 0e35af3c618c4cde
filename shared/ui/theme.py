"""The OMO look for the Flet apps: brand colours, the CJK font, Material 3 theme."""

from __future__ import annotations

from pathlib import Path

import flet as ft

# The repository's assets folder (fonts, pictures); the apps serve it as their Flet assets_dir.
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"

# Noto Sans SC subsets (GB 2312 + Latin) shipped in assets/fonts; paths are relative to ASSETS_DIR.
FONT = "NotoSansSC"
FONT_BOLD = "NotoSansSCBold"
FONTS = {
    FONT: "fonts/NotoSansSC-Regular.otf",
    FONT_BOLD: "fonts/NotoSansSC-Bold.otf",
}

BRAND = "#E4393C"  # a warm retail red
BRAND_DARK = "#B71C1C"
ON_BRAND = "#FFFFFF"
SURFACE = "#F6F6F8"
CARD = "#FFFFFF"
TEXT = "#1F1F1F"
MUTED = "#6B6B6B"
PRICE = "#E4393C"
OK = "#2E7D32"
WARN = "#B26A00"

RADIUS = 12
GAP = 12
TOUCH = 48  # minimum height of anything tappable


def theme() -> ft.Theme:
    # Desktop and web default to the zoom transition, which snapshots both pages on every push; a light
    # fade is cheaper on phones and browsers without a GPU. iOS keeps its native slide.
    fade = ft.PageTransitionTheme.FADE_UPWARDS
    return ft.Theme(
        color_scheme_seed=BRAND,
        font_family=FONT,
        use_material3=True,
        page_transitions=ft.PageTransitionsTheme(android=fade, linux=fade, macos=fade, windows=fade),
    )


def apply(page: ft.Page, title: str, *, fonts_preloaded: bool = False) -> None:
    """Set the theme on a page and register the fonts (call once, before the first view).

    ``fonts_preloaded``: the web client already loaded ``FONTS`` from its font manifest (see
    ``backend/web.py``); registering them again would swap the families while text is on screen.
    """
    if not fonts_preloaded:
        page.fonts = dict(FONTS)
    page.theme = theme()
    page.dark_theme = theme()
    page.theme_mode = ft.ThemeMode.LIGHT
    page.bgcolor = SURFACE
    page.title = title
