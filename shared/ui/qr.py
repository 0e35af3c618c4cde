"""QR codes for the apps' screens (pickup codes, member codes) as PNG bytes an ``ft.Image`` shows."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


@lru_cache(maxsize=32)
def qr_png(text: str, scale: int = 8, border: int = 2) -> bytes:
    """A full QR code (never a Micro QR: till scanners read only full ones) as a black-on-white PNG."""
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
