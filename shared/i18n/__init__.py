"""User-facing strings for the apps: zh-CN first, English available.

``t("sign_in.title")`` looks a key up in the Chinese table; ``t(key, "en")`` in the English one.
Placeholders use ``str.format`` names: ``t("store.distance_km", km="1.2")``. A key missing from
English falls back to Chinese; a key missing everywhere raises ``KeyError`` so typos surface in tests.
"""

from __future__ import annotations

from typing import Any

from shared.i18n.strings import EN, ZH

DEFAULT_LANG = "zh-CN"
LANGS = ("zh-CN", "en")
TABLES: dict[str, dict[str, str]] = {"zh-CN": ZH, "en": EN}


def normalize(lang: str | None) -> str:
    """Map ``zh``, ``zh_CN``, ``en-US`` and the like onto a supported language."""
    if not lang:
        return DEFAULT_LANG
    return "en" if lang.lower().startswith("en") else DEFAULT_LANG


def t(key: str, lang: str | None = None, /, **values: Any) -> str:
    table = TABLES[normalize(lang)]
    text = table.get(key)
    if text is None:
        text = ZH[key]
    return text.format(**values) if values else text


def pick(lang: str | None, zh: str, en: str | None) -> str:
    """Choose between a record's Chinese and English names (``name_zh`` / ``name_en``)."""
    return en if normalize(lang) == "en" and en else zh


__all__ = ["DEFAULT_LANG", "LANGS", "normalize", "pick", "t"]
