"""Masking personal data for display and logs (个人信息保护法: show only what the reader needs)."""

from __future__ import annotations

import re
from typing import Any

# A mainland mobile number (optionally +86) not glued to other digits, and an 18-digit resident ID.
PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")

# Keys whose values are personal data wherever they appear in structured data.
SENSITIVE_KEYS = {"phone", "mobile", "address", "contact_name", "contact_phone", "id_card", "password"}


def mask_phone(phone: str | None) -> str | None:
    """138****5678."""
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_name(name: str | None) -> str | None:
    """张** / A***."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_address(address: str | None) -> str | None:
    if not address:
        return address
    return address[: max(3, len(address) // 3)] + "****"


def mask_text(text: str) -> str:
    """Mask every phone number and resident ID number inside free text."""
    text = PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return ID_CARD_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


def mask_value(key: str, value: Any) -> Any:
    """Mask ``value`` if ``key`` names personal data; recurse through dicts and lists."""
    lowered = key.lower()
    if isinstance(value, dict):
        if lowered == "address":
            # A structured address: contact fields by kind, every other text part as address.
            return {
                k: mask_value(str(k), v)
                if str(k).lower() in SENSITIVE_KEYS or not isinstance(v, str)
                else mask_address(v)
                for k, v in value.items()
            }
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v) for v in value]
    if lowered in SENSITIVE_KEYS and value is not None:
        if lowered == "password":
            return "****"
        text = str(value)
        if "phone" in lowered or lowered == "mobile":
            return mask_phone(text)
        if lowered == "contact_name":
            return mask_name(text)
        return mask_address(text) if lowered == "address" else mask_text(text)
    if isinstance(value, str):
        return mask_text(value)
    return value
