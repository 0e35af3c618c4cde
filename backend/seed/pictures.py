"""Product pictures for the demo catalog: a drawn, shaded object per product, labelled in Chinese.

Every picture is a pure function of its `PictureSpec`: the product code seeds the colours, the
background pattern and the small variations of the drawing, so the same code always gives the same
picture and no two products look alike (the photo search has to tell them apart from a camera frame,
not only from the label text).
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import multiprocessing
import os
import random
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FONT_REGULAR = ROOT / "assets" / "fonts" / "NotoSansSC-Regular.otf"
FONT_BOLD = ROOT / "assets" / "fonts" / "NotoSansSC-Bold.otf"
SIZE = 600
# Bump when the drawing changes, so cached pictures are redrawn.
STYLE_VERSION = 1

RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    "白": (244, 244, 240),
    "黑": (38, 38, 42),
    "藏青": (30, 45, 90),
    "红": (200, 40, 45),
    "酒红": (120, 25, 45),
    "灰": (140, 142, 148),
    "浅灰": (196, 198, 202),
    "卡其": (190, 165, 115),
    "粉": (240, 160, 180),
    "天蓝": (120, 180, 230),
    "军绿": (85, 100, 60),
    "黄": (245, 200, 50),
    "橙": (240, 130, 40),
    "紫": (120, 80, 160),
    "棕": (120, 80, 50),
    "米白": (235, 225, 200),
    "银": (200, 204, 210),
    "香槟金": (214, 190, 140),
    "深空灰": (80, 82, 88),
    "绿": (60, 150, 80),
    "蓝": (40, 100, 190),
}


@dataclass(frozen=True)
class PictureSpec:
    code: str
    name_zh: str
    shape: str
    colour: RGB | None = None
    brand: str | None = None
    subtitle: str | None = None

    @property
    def filename(self) -> str:
        return f"{self.code}.jpg"


def _seed(code: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{STYLE_VERSION}:{code}".encode()).digest()[:8], "big")


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))
    return int(r * 255), int(g * 255), int(b * 255)


def _shift(colour: RGB, factor: float) -> RGB:
    """Lighter (factor > 1) or darker (< 1) version of a colour."""
    if factor >= 1:
        return tuple(int(c + (255 - c) * (factor - 1)) for c in colour)  # type: ignore[return-value]
    return tuple(int(c * factor) for c in colour)  # type: ignore[return-value]


def _jitter(colour: RGB, rng: random.Random, amount: float = 0.08) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
    return _hsv(h + rng.uniform(-amount, amount) / 2, s * rng.uniform(0.85, 1.1), v * rng.uniform(0.9, 1.05))


# ---------------------------------------------------------------------------------------------------
# Background: a two-colour gradient, a pattern chosen by the code and a fine grain.


def _background(rng: random.Random, accent: RGB) -> Image.Image:
    hue = rng.random()
    top = _hsv(hue, rng.uniform(0.08, 0.25), rng.uniform(0.9, 0.99))
    bottom = _hsv(hue + rng.uniform(-0.15, 0.15), rng.uniform(0.15, 0.4), rng.uniform(0.7, 0.9))
    t = np.linspace(0.0, 1.0, SIZE)[:, None, None]
    angle = rng.choice([0, 1, 2])
    if angle == 1:
        t = np.linspace(0.0, 1.0, SIZE)[None, :, None]
    grad = np.array(top, dtype=np.float32) * (1 - t) + np.array(bottom, dtype=np.float32) * t
    grad = np.broadcast_to(grad, (SIZE, SIZE, 3)).copy()
    if angle == 2:
        yy, xx = np.mgrid[0:SIZE, 0:SIZE]
        r = np.sqrt((xx - SIZE / 2) ** 2 + (yy - SIZE / 2) ** 2) / (SIZE * 0.72)
        r = np.clip(r, 0, 1)[..., None]
        grad = np.array(top, dtype=np.float32) * (1 - r) + np.array(bottom, dtype=np.float32) * r
    np_rng = np.random.default_rng(rng.getrandbits(32))
    grain = np_rng.normal(0, rng.uniform(3, 7), (SIZE, SIZE, 1)).astype(np.float32)
    image = Image.fromarray(np.clip(grad + grain, 0, 255).astype(np.uint8), "RGB")

    pattern = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(pattern)
    tint = _shift(accent, rng.uniform(0.6, 1.3)) + (rng.randint(22, 48),)
    kind = rng.randrange(6)
    step = rng.randint(34, 70)
    if kind == 0:  # dots
        for y in range(step // 2, SIZE, step):
            for x in range((y // step % 2) * step // 2, SIZE, step):
                rad = step // 7
                draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=tint)
    elif kind == 1:  # diagonal stripes
        for x in range(-SIZE, SIZE * 2, step):
            draw.line((x, 0, x + SIZE, SIZE), fill=tint, width=step // 4)
    elif kind == 2:  # checks
        for y in range(0, SIZE, step):
            for x in range(0, SIZE, step):
                if (x // step + y // step) % 2 == 0:
                    draw.rectangle((x, y, x + step - 1, y + step - 1), fill=tint)
    elif kind == 3:  # waves
        for y in range(0, SIZE + step, step):
            pts = [(x, y + math.sin(x / step * 2) * step / 4) for x in range(0, SIZE + 10, 10)]
            draw.line(pts, fill=tint, width=max(3, step // 6))
    elif kind == 4:  # rings from a corner
        cx, cy = rng.choice([(0, 0), (SIZE, 0), (0, SIZE), (SIZE, SIZE)])
        for rad in range(step, SIZE * 2, step):
            draw.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), outline=tint, width=max(3, step // 8))
    else:  # scattered confetti
        for _ in range(rng.randint(25, 45)):
            x, y, s = rng.randrange(SIZE), rng.randrange(SIZE), rng.randint(6, 20)
            draw.rounded_rectangle((x, y, x + s * 2, y + s), radius=s // 2, fill=tint)
    image.paste(pattern, (0, 0), pattern)
    return image


# ---------------------------------------------------------------------------------------------------
# Shapes. Each draws one object in flat colours on a transparent layer inside the box (x0, y0, x1, y1);
# shading and the shadow are added afterwards from the layer's alpha.

Box = tuple[int, int, int, int]
Drawer = Callable[[ImageDraw.ImageDraw, Box, RGB, random.Random], None]


def _w(box: Box) -> int:
    return box[2] - box[0]


def _h(box: Box) -> int:
    return box[3] - box[1]


def _carton(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * rng.uniform(0.5, 0.62))
    left, right = cx - w // 2, cx + w // 2
    roof = y0 + int(_h(b) * 0.22)
    d.polygon(
        [(left, roof), (cx - w // 6, y0 + 10), (right - w // 6, y0 + 10), (right, roof)], fill=_shift(c, 1.5)
    )
    d.rectangle((cx - w // 6, y0, right - w // 6, y0 + 14), fill=_shift(c, 1.3))
    d.rectangle((left, roof, right, y1), fill=(250, 250, 248))
    band = roof + int((y1 - roof) * rng.uniform(0.25, 0.4))
    d.rectangle((left, band, right, band + int((y1 - roof) * 0.35)), fill=c)
    d.ellipse((cx - w // 5, band - w // 8, cx + w // 5, band + w // 6), fill=_shift(c, 1.6))


def _bottle(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * rng.uniform(0.3, 0.42))
    neck = int(w * rng.uniform(0.32, 0.45))
    shoulder = y0 + int(_h(b) * rng.uniform(0.25, 0.35))
    d.rectangle((cx - neck // 2, y0, cx + neck // 2, y0 + 26), fill=_shift(c, 0.55))
    d.polygon(
        [
            (cx - neck // 2, y0 + 24),
            (cx + neck // 2, y0 + 24),
            (cx + w // 2, shoulder),
            (cx - w // 2, shoulder),
        ],
        fill=c,
    )
    d.rounded_rectangle((cx - w // 2, shoulder - 4, cx + w // 2, y1), radius=w // 6, fill=c)
    ly = shoulder + int((y1 - shoulder) * 0.25)
    d.rectangle((cx - w // 2, ly, cx + w // 2, ly + int((y1 - shoulder) * 0.4)), fill=_shift(c, 1.7))
    d.ellipse((cx - w // 6, ly + 20, cx + w // 6, ly + 20 + w // 3), fill=_shift(c, 0.8))


def _jug(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * 0.55)
    d.rounded_rectangle((cx - w // 2, y0 + 70, cx + w // 2, y1), radius=40, fill=c)
    d.rectangle((cx - 30, y0 + 20, cx + 20, y0 + 80), fill=_shift(c, 0.6))
    d.rounded_rectangle(
        (cx + w // 2 - 50, y0 + 60, cx + w // 2 + 20, y0 + 200), radius=25, outline=c, width=24
    )
    d.rounded_rectangle(
        (cx - w // 2 + 25, y0 + 170, cx + w // 2 - 25, y1 - 50), radius=20, fill=_shift(c, 1.6)
    )


def _cup(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    top = int(_w(b) * 0.62)
    bottom = int(top * 0.72)
    ty = y0 + int(_h(b) * 0.3)
    d.polygon(
        [(cx - top // 2, ty), (cx + top // 2, ty), (cx + bottom // 2, y1), (cx - bottom // 2, y1)], fill=c
    )
    d.ellipse((cx - top // 2 - 6, ty - 28, cx + top // 2 + 6, ty + 28), fill=_shift(c, 1.7))
    mid = ty + (y1 - ty) // 2
    d.rectangle((cx - int(top * 0.42), mid - 30, cx + int(top * 0.42), mid + 30), fill=_shift(c, 1.5))


def _bag(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    inset = int(_w(b) * rng.uniform(0.12, 0.2))
    d.rounded_rectangle((x0 + inset, y0 + 40, x1 - inset, y1), radius=50, fill=c)
    for x in range(x0 + inset + 10, x1 - inset - 10, 16):
        d.line((x, y0 + 40, x + 8, y0 + 58), fill=_shift(c, 0.7), width=5)
    d.rectangle((x0 + inset, y0 + 40, x1 - inset, y0 + 60), fill=_shift(c, 0.8))
    cy = (y0 + y1) // 2 + 20
    d.ellipse((x0 + inset + 40, cy - 70, x1 - inset - 40, cy + 70), fill=_shift(c, 1.6))
    d.ellipse((x0 + inset + 80, cy - 35, x1 - inset - 80, cy + 35), fill=_shift(c, 0.85))


def _box(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    depth = int(_w(b) * rng.uniform(0.12, 0.2))
    top = y0 + int(_h(b) * rng.uniform(0.15, 0.35))
    left, right = x0 + 30, x1 - 30 - depth
    d.polygon(
        [(left, top), (left + depth, top - depth), (right + depth, top - depth), (right, top)],
        fill=_shift(c, 1.35),
    )
    d.polygon(
        [(right, top), (right + depth, top - depth), (right + depth, y1 - depth), (right, y1)],
        fill=_shift(c, 0.7),
    )
    d.rectangle((left, top, right, y1), fill=c)
    d.rounded_rectangle(
        (left + 25, top + 30, right - 25, top + 30 + (y1 - top) // 3), radius=18, fill=_shift(c, 1.7)
    )


def _can(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * rng.uniform(0.38, 0.5))
    d.rectangle((cx - w // 2, y0 + 60, cx + w // 2, y1 - 20), fill=c)
    d.ellipse((cx - w // 2, y1 - 45, cx + w // 2, y1), fill=c)
    d.ellipse((cx - w // 2, y0 + 35, cx + w // 2, y0 + 85), fill=(205, 208, 212))
    d.ellipse((cx - w // 4, y0 + 48, cx + w // 4, y0 + 72), fill=(170, 172, 178))
    d.rectangle((cx - w // 2, y0 + 160, cx + w // 2, y0 + 230), fill=_shift(c, 1.6))


def _jar(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * rng.uniform(0.55, 0.7))
    h = int(_h(b) * rng.uniform(0.45, 0.6))
    d.rounded_rectangle(
        (cx - w // 2 + 20, y1 - h - 50, cx + w // 2 - 20, y1 - h + 10), radius=12, fill=_shift(c, 0.6)
    )
    d.rounded_rectangle((cx - w // 2, y1 - h, cx + w // 2, y1), radius=36, fill=c)
    d.rectangle((cx - w // 2, y1 - h + 50, cx + w // 2, y1 - 50), fill=_shift(c, 1.6))


def _tube(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cy = (y0 + y1) // 2
    h = int(_h(b) * 0.3)
    d.polygon(
        [
            (x0 + 20, cy - h // 2 - 10),
            (x1 - 120, cy - h // 2),
            (x1 - 120, cy + h // 2),
            (x0 + 20, cy + h // 2 + 10),
        ],
        fill=c,
    )
    d.rectangle((x0 + 8, cy - h // 2 - 14, x0 + 30, cy + h // 2 + 14), fill=_shift(c, 0.7))
    d.rounded_rectangle((x1 - 125, cy - h // 3, x1 - 40, cy + h // 3), radius=12, fill=_shift(c, 0.5))
    d.rectangle((x0 + 80, cy - h // 4, x1 - 170, cy + h // 4), fill=_shift(c, 1.7))


def _apple(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    r = int(_w(b) * rng.uniform(0.26, 0.32))
    cy = y1 - r - 10
    d.ellipse((cx - r - r // 3, cy - r, cx + r // 3, cy + r), fill=c)
    d.ellipse((cx - r // 3, cy - r, cx + r + r // 3, cy + r), fill=c)
    d.line((cx, cy - r + 10, cx + 10, cy - r - 50), fill=(95, 60, 30), width=12)
    d.ellipse((cx + 10, cy - r - 60, cx + 90, cy - r - 20), fill=(70, 150, 60))


def _round_fruit(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    r = int(_w(b) * rng.uniform(0.3, 0.38))
    cy = y1 - r - 5
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=c)
    for _ in range(40):
        a, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, r * 0.85)
        px, py = cx + math.cos(a) * dist, cy + math.sin(a) * dist
        d.ellipse((px - 3, py - 3, px + 3, py + 3), fill=_shift(c, 0.85))
    d.ellipse((cx - 14, cy - r - 6, cx + 14, cy - r + 16), fill=(90, 120, 40))
    d.polygon([(cx, cy - r), (cx + 70, cy - r - 40), (cx + 20, cy - r - 10)], fill=(60, 140, 60))


def _pear(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    r = int(_w(b) * 0.3)
    d.ellipse((cx - r, y1 - 2 * r, cx + r, y1), fill=c)
    d.ellipse((cx - r * 2 // 3, y1 - 3 * r, cx + r * 2 // 3, y1 - r), fill=c)
    d.line((cx, y1 - 3 * r + 10, cx - 5, y1 - 3 * r - 40), fill=(95, 60, 30), width=10)


def _banana(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) / 2
    count = rng.randint(3, 5)
    for i in range(count):
        cy = y0 + 40 + i * 26
        rx, ry = _w(b) * 0.46, _h(b) * 0.62
        angles = [math.radians(a) for a in range(18, 163, 4)]
        outer = [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]
        inner = [(cx + rx * 0.9 * math.cos(a), cy + ry * 0.68 * math.sin(a)) for a in reversed(angles)]
        d.polygon(outer + inner, fill=_jitter(c, rng, 0.02), outline=_shift(c, 0.75))
    tip = (
        cx + _w(b) * 0.46 * math.cos(math.radians(18)),
        y0 + 40 + _h(b) * 0.62 * math.sin(math.radians(18)),
    )
    d.rounded_rectangle(
        (tip[0] - 30, tip[1] - 30, tip[0] + 10, tip[1] + 30 + count * 20), radius=10, fill=(110, 90, 40)
    )
    d.ellipse((x0 + 6, y0 + 150, x0 + 34, y0 + 178), fill=(70, 50, 30))


def _grapes(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    r = int(_w(b) * 0.075)
    rows = [5, 5, 4, 4, 3, 2, 1]
    y = y0 + 70
    for n in rows:
        for i in range(n):
            x = cx + (i - (n - 1) / 2) * r * 1.8 + rng.uniform(-4, 4)
            d.ellipse(
                (x - r, y - r, x + r, y + r), fill=_jitter(c, rng, 0.04), outline=_shift(c, 0.7), width=2
            )
        y += int(r * 1.55)
    d.line((cx, y0 + 60, cx + 10, y0 + 5), fill=(95, 70, 30), width=10)
    d.polygon([(cx + 10, y0 + 30), (cx + 110, y0), (cx + 70, y0 + 60)], fill=(70, 140, 60))


def _melon(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cy = y0 + 60
    d.pieslice((x0 + 10, cy - 200, x1 - 10, y1 + 60), start=0, end=180, fill=(40, 120, 50))
    d.pieslice((x0 + 30, cy - 180, x1 - 30, y1 + 40), start=0, end=180, fill=(225, 240, 200))
    d.pieslice((x0 + 45, cy - 165, x1 - 45, y1 + 25), start=0, end=180, fill=c)
    for _ in range(14):
        a = rng.uniform(0.3, 2.8)
        dist = rng.uniform(60, 170)
        px, py = (x0 + x1) / 2 + math.cos(a) * dist, cy + 20 + math.sin(a) * dist * 0.9
        d.ellipse((px - 6, py - 9, px + 6, py + 9), fill=(30, 25, 20))


def _berry(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    for i in range(rng.randint(3, 5)):
        cx = x0 + 80 + i * (_w(b) - 160) // 4 + rng.randint(-10, 10)
        cy = y1 - 90 - (i % 2) * 80
        d.polygon([(cx - 55, cy - 40), (cx + 55, cy - 40), (cx, cy + 75)], fill=c)
        d.ellipse((cx - 55, cy - 70, cx + 55, cy + 10), fill=c)
        for _ in range(10):
            px, py = cx + rng.uniform(-35, 35), cy + rng.uniform(-45, 30)
            d.ellipse((px - 3, py - 4, px + 3, py + 4), fill=(250, 220, 120))
        d.polygon([(cx - 40, cy - 62), (cx, cy - 90), (cx + 40, cy - 62), (cx, cy - 50)], fill=(60, 140, 60))


def _cut_fruit(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2 + 20
    r = int(_w(b) * 0.36)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(120, 90, 50))
    d.ellipse((cx - r + 14, cy - r + 14, cx + r - 14, cy + r - 14), fill=c)
    d.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 3), fill=_shift(c, 1.6))
    for i in range(18):
        a = i / 18 * 2 * math.pi
        px, py = cx + math.cos(a) * r * 0.45, cy + math.sin(a) * r * 0.45
        d.ellipse((px - 5, py - 8, px + 5, py + 8), fill=(30, 30, 25))


def _long_veg(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    tilt = rng.randint(-40, 40)
    d.polygon(
        [
            (x0 + 60, y0 + 110 + tilt),
            (x1 - 40, y1 - 120 - tilt),
            (x1 - 90, y1 - 50 - tilt),
            (x0 + 30, y0 + 190 + tilt),
        ],
        fill=c,
    )
    d.ellipse((x1 - 130, y1 - 140 - tilt, x1 - 20, y1 - 40 - tilt), fill=c)
    d.ellipse((x0 + 10, y0 + 100 + tilt, x0 + 110, y0 + 200 + tilt), fill=c)
    for i in range(3):
        d.polygon(
            [
                (x0 + 40, y0 + 140 + tilt),
                (x0 - 10 + i * 30, y0 + 40 + tilt),
                (x0 + 40 + i * 20, y0 + 120 + tilt),
            ],
            fill=(60, 140, 50),
        )


def _leafy(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    for i in range(7):
        a = -0.9 + i * 0.3
        lx = cx + math.sin(a) * 170
        ly = y0 + 40 + abs(a) * 60
        d.ellipse((lx - 70, ly, lx + 70, ly + 260), fill=_jitter(c, rng, 0.05))
    d.polygon([(cx - 60, y1), (cx - 25, y0 + 180), (cx + 25, y0 + 180), (cx + 60, y1)], fill=(235, 245, 220))
    d.line((cx, y1 - 10, cx, y0 + 120), fill=(220, 235, 200), width=8)


def _veg_round(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    for i in range(rng.randint(2, 3)):
        r = int(_w(b) * rng.uniform(0.18, 0.24))
        cx = x0 + r + 20 + i * int(_w(b) * 0.25)
        cy = y1 - r - (i % 2) * 60
        d.ellipse((cx - r, cy - r * 0.9, cx + r, cy + r * 0.9), fill=_jitter(c, rng, 0.04))
        for k in range(5):
            a = k / 5 * 2 * math.pi
            d.polygon(
                [
                    (cx, cy - r * 0.85),
                    (cx + math.cos(a) * 40, cy - r * 0.85 + math.sin(a) * 20),
                    (cx + math.cos(a + 0.4) * 10, cy - r * 0.85 + math.sin(a + 0.4) * 5),
                ],
                fill=(60, 130, 50),
            )


def _tree_veg(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.polygon([(cx - 40, y1), (cx - 25, y0 + 230), (cx + 25, y0 + 230), (cx + 40, y1)], fill=_shift(c, 1.4))
    for _ in range(22):
        px, py = cx + rng.uniform(-150, 150), y0 + 60 + rng.uniform(0, 170)
        r = rng.randint(45, 70)
        d.ellipse((px - r, py - r, px + r, py + r), fill=_jitter(c, rng, 0.05))


def _mushroom(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    for i in range(rng.randint(2, 3)):
        cx = x0 + 120 + i * 140
        top = y0 + 60 + (i % 2) * 90
        d.rounded_rectangle((cx - 28, top + 80, cx + 28, y1), radius=18, fill=(240, 232, 215))
        d.pieslice((cx - 110, top, cx + 110, top + 200), start=180, end=360, fill=c)


def _steak(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    d.rounded_rectangle((x0 + 10, y0 + 120, x1 - 10, y1), radius=30, fill=(235, 235, 230))
    d.rounded_rectangle((x0 + 30, y0 + 140, x1 - 30, y1 - 20), radius=24, fill=(250, 250, 248))
    pts = [
        (x0 + 70 + rng.randint(-15, 15), y0 + 180),
        (x1 - 120, y0 + 160 + rng.randint(-15, 15)),
        (x1 - 60, y0 + 260),
        (x1 - 110, y1 - 50),
        (x0 + 90, y1 - 40),
        (x0 + 50, y0 + 280),
    ]
    d.polygon(pts, fill=c)
    for _ in range(8):
        px, py = rng.randint(x0 + 110, x1 - 150), rng.randint(y0 + 200, y1 - 80)
        d.line((px, py, px + rng.randint(30, 80), py + rng.randint(-20, 20)), fill=(245, 225, 220), width=5)
    d.rectangle((x1 - 200, y0 + 130, x1 - 40, y0 + 170), fill=(240, 210, 80))


def _drumstick(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    for i in range(rng.randint(2, 3)):
        ox = i * 110
        d.ellipse((x0 + 30 + ox, y0 + 130 + i * 30, x0 + 230 + ox, y0 + 380 + i * 30), fill=c)
        d.line((x0 + 190 + ox, y0 + 330 + i * 30, x0 + 290 + ox, y1 - 10), fill=(245, 240, 225), width=34)
        d.ellipse((x0 + 270 + ox, y1 - 40, x0 + 320 + ox, y1 + 8), fill=(245, 240, 225))


def _eggs(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    d.rounded_rectangle((x0 + 10, y0 + 180, x1 - 10, y1), radius=20, fill=(200, 190, 170))
    for row in range(2):
        for i in range(5):
            cx = x0 + 60 + i * (_w(b) - 120) // 4
            cy = y0 + 200 + row * 90
            d.ellipse((cx - 38, cy - 52, cx + 38, cy + 40), fill=_jitter(c, rng, 0.02))


def _fish(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cy = (y0 + y1) // 2 + 30
    d.ellipse((x0 + 20, cy - 90, x1 - 110, cy + 90), fill=c)
    d.polygon([(x1 - 140, cy), (x1 - 10, cy - 100), (x1 - 10, cy + 100)], fill=_shift(c, 0.8))
    d.ellipse((x0 + 70, cy - 35, x0 + 100, cy - 5), fill=(255, 255, 255))
    d.ellipse((x0 + 78, cy - 27, x0 + 94, cy - 11), fill=(20, 20, 20))
    for i in range(4):
        d.arc(
            (x0 + 140 + i * 50, cy - 70, x0 + 220 + i * 50, cy + 70), 300, 60, fill=_shift(c, 0.75), width=5
        )


def _loaf(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    top = y0 + int(_h(b) * rng.uniform(0.25, 0.4))
    d.rounded_rectangle((x0 + 20, top + 60, x1 - 20, y1), radius=30, fill=c)
    d.ellipse((x0 + 20, top, x1 - 20, top + 150), fill=_shift(c, 0.85))
    for i in range(rng.randint(3, 5)):
        x = x0 + 110 + i * 80
        d.line((x, top + 30, x + 40, top + 80), fill=_shift(c, 1.35), width=10)


def _croissant(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2 + 60
    for i, (w, h) in enumerate([(120, 110), (190, 150), (250, 170), (190, 150), (120, 110)]):
        px = cx + (i - 2) * 95
        py = cy - (60 if i == 2 else 25 if i in (1, 3) else -10)
        d.ellipse(
            (px - w // 2, py - h // 2, px + w // 2, py + h // 2),
            fill=_shift(c, 0.9 + 0.05 * (i % 2)),
            outline=_shift(c, 0.7),
            width=4,
        )


def _cake(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * 0.8)
    d.rectangle((cx - w // 2, y0 + 200, cx + w // 2, y1 - 30), fill=c)
    d.ellipse((cx - w // 2, y1 - 70, cx + w // 2, y1 + 10), fill=c)
    d.ellipse((cx - w // 2, y0 + 160, cx + w // 2, y0 + 240), fill=_shift(c, 1.5))
    d.rectangle((cx - w // 2, y0 + 270, cx + w // 2, y0 + 290), fill=(250, 245, 240))
    for i in range(5):
        px = cx - w // 2 + 50 + i * (w - 100) // 4
        d.ellipse((px - 18, y0 + 170, px + 18, y0 + 206), fill=(200, 30, 50))


def _bun(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    for i in range(rng.randint(2, 3)):
        cx = x0 + 140 + i * 130
        cy = y1 - 110 - (i % 2) * 80
        d.ellipse((cx - 110, cy - 85, cx + 110, cy + 85), fill=_jitter(c, rng, 0.03))
        d.ellipse((cx - 40, cy - 30, cx + 40, cy + 30), fill=_shift(c, 0.8))


def _lipstick(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * 0.22)
    d.rounded_rectangle((cx - w // 2, y0 + 230, cx + w // 2, y1), radius=10, fill=(30, 30, 35))
    d.rectangle((cx - w // 2 + 6, y0 + 170, cx + w // 2 - 6, y0 + 240), fill=(212, 180, 110))
    d.polygon(
        [
            (cx - w // 2 + 16, y0 + 175),
            (cx - w // 2 + 16, y0 + 60),
            (cx + w // 2 - 16, y0 + 20),
            (cx + w // 2 - 16, y0 + 175),
        ],
        fill=c,
    )


def _pump(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * rng.uniform(0.32, 0.42))
    d.rectangle((cx - 12, y0 + 20, cx + 12, y0 + 120), fill=(40, 40, 45))
    d.rectangle((cx - 12, y0 + 20, cx + 70, y0 + 44), fill=(40, 40, 45))
    d.rounded_rectangle((cx - w // 4, y0 + 100, cx + w // 4, y0 + 150), radius=8, fill=(212, 180, 110))
    d.rounded_rectangle((cx - w // 2, y0 + 145, cx + w // 2, y1), radius=w // 5, fill=c)
    d.rectangle((cx - w // 2 + 20, y0 + 260, cx + w // 2 - 20, y0 + 360), fill=_shift(c, 1.6))


def _compact(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2 + 40
    r = int(_w(b) * 0.38)
    d.ellipse((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6 + 40), fill=(30, 30, 35))
    d.ellipse((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), fill=(212, 180, 110))
    d.ellipse((cx - r + 24, cy - r * 0.6 + 16, cx + r - 24, cy + r * 0.6 - 16), fill=c)


def _perfume(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.rounded_rectangle((cx - 40, y0 + 40, cx + 40, y0 + 130), radius=12, fill=(212, 180, 110))
    d.rectangle((cx - 22, y0 + 125, cx + 22, y0 + 170), fill=(190, 190, 195))
    d.rounded_rectangle((x0 + 70, y0 + 165, x1 - 70, y1), radius=40, fill=c)
    d.rounded_rectangle((x0 + 110, y0 + 210, x1 - 110, y1 - 40), radius=30, fill=_shift(c, 1.4))


def _mask(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    d.rounded_rectangle((x0 + 50, y0 + 10, x1 - 50, y1), radius=20, fill=c)
    d.rectangle((x0 + 50, y0 + 10, x1 - 50, y0 + 50), fill=_shift(c, 0.8))
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2 + 20
    d.ellipse((cx - 110, cy - 140, cx + 110, cy + 140), fill=(250, 245, 240))
    d.ellipse((cx - 60, cy - 50, cx - 20, cy - 30), fill=c)
    d.ellipse((cx + 20, cy - 50, cx + 60, cy - 30), fill=c)
    d.arc((cx - 40, cy + 40, cx + 40, cy + 80), 0, 180, fill=c, width=8)


def _tshirt(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    body = int(_w(b) * 0.56)
    pts = [
        (cx - 70, y0 + 20),
        (cx - body // 2 - 110, y0 + 100),
        (cx - body // 2 - 60, y0 + 210),
        (cx - body // 2, y0 + 170),
        (cx - body // 2, y1),
        (cx + body // 2, y1),
        (cx + body // 2, y0 + 170),
        (cx + body // 2 + 60, y0 + 210),
        (cx + body // 2 + 110, y0 + 100),
        (cx + 70, y0 + 20),
    ]
    d.polygon(pts, fill=c)
    d.pieslice((cx - 70, y0 - 30, cx + 70, y0 + 70), start=0, end=180, fill=_shift(c, 0.75))
    edge = _shift(c, 0.8) if sum(c) > 200 else _shift(c, 1.5)
    d.line((cx - body // 2, y1 - 30, cx + body // 2, y1 - 30), fill=edge, width=4)


def _shirt(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    body = int(_w(b) * 0.52)
    pts = [
        (cx - 60, y0 + 20),
        (cx - body // 2 - 40, y0 + 70),
        (cx - body // 2 - 80, y1 - 30),
        (cx - body // 2 - 30, y1 - 20),
        (cx - body // 2, y0 + 200),
        (cx - body // 2, y1),
        (cx + body // 2, y1),
        (cx + body // 2, y0 + 200),
        (cx + body // 2 + 30, y1 - 20),
        (cx + body // 2 + 80, y1 - 30),
        (cx + body // 2 + 40, y0 + 70),
        (cx + 60, y0 + 20),
    ]
    d.polygon(pts, fill=c)
    edge = _shift(c, 0.7) if sum(c) > 200 else _shift(c, 1.6)
    d.polygon(
        [(cx - 60, y0 + 20), (cx, y0 + 90), (cx - 30, y0 + 110), (cx - 75, y0 + 50)],
        fill=_shift(c, 0.9),
        outline=edge,
    )
    d.polygon(
        [(cx + 60, y0 + 20), (cx, y0 + 90), (cx + 30, y0 + 110), (cx + 75, y0 + 50)],
        fill=_shift(c, 0.9),
        outline=edge,
    )
    d.line((cx, y0 + 90, cx, y1), fill=edge, width=3)
    for i in range(5):
        y = y0 + 130 + i * 55
        d.ellipse((cx + 8, y - 6, cx + 20, y + 6), fill=edge)


def _hoodie(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    _shirt(d, b, c, rng)
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.ellipse((cx - 90, y0 - 20, cx + 90, y0 + 120), fill=_shift(c, 0.85))
    d.ellipse((cx - 55, y0 + 10, cx + 55, y0 + 105), fill=_shift(c, 0.6))
    d.rounded_rectangle((cx - 110, y1 - 170, cx + 110, y1 - 70), radius=20, fill=_shift(c, 0.9))


def _pants(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * 0.5)
    d.polygon(
        [
            (cx - w // 2, y0 + 20),
            (cx + w // 2, y0 + 20),
            (cx + w // 2 + 30, y1),
            (cx + 20, y1),
            (cx, y0 + 170),
            (cx - 20, y1),
            (cx - w // 2 - 30, y1),
        ],
        fill=c,
    )
    d.rectangle((cx - w // 2, y0 + 20, cx + w // 2, y0 + 55), fill=_shift(c, 0.8))
    edge = _shift(c, 0.7) if sum(c) > 200 else _shift(c, 1.5)
    d.line((cx, y0 + 55, cx, y0 + 150), fill=edge, width=3)


def _dress(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.polygon(
        [
            (cx - 70, y0 + 20),
            (cx - 90, y0 + 180),
            (cx - 200, y1),
            (cx + 200, y1),
            (cx + 90, y0 + 180),
            (cx + 70, y0 + 20),
            (cx + 30, y0 + 20),
            (cx, y0 + 60),
            (cx - 30, y0 + 20),
        ],
        fill=c,
    )
    d.rectangle((cx - 92, y0 + 170, cx + 92, y0 + 195), fill=_shift(c, 0.75))


def _fridge(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * rng.uniform(0.5, 0.62))
    d.rounded_rectangle((cx - w // 2, y0, cx + w // 2, y1), radius=20, fill=c)
    split = y0 + int(_h(b) * rng.uniform(0.32, 0.4))
    d.line((cx - w // 2, split, cx + w // 2, split), fill=_shift(c, 0.6), width=6)
    if rng.random() < 0.5:
        d.line((cx, split, cx, y1), fill=_shift(c, 0.6), width=6)
    d.rounded_rectangle(
        (cx - w // 2 + 20, split - 90, cx - w // 2 + 34, split - 20), radius=6, fill=_shift(c, 0.5)
    )
    d.rounded_rectangle(
        (cx - w // 2 + 20, split + 20, cx - w // 2 + 34, split + 120), radius=6, fill=_shift(c, 0.5)
    )


def _washer(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * 0.78)
    top = y0 + 40
    d.rounded_rectangle((cx - w // 2, top, cx + w // 2, y1), radius=24, fill=c)
    d.rectangle((cx - w // 2, top, cx + w // 2, top + 60), fill=_shift(c, 0.85))
    d.ellipse((cx + w // 2 - 80, top + 15, cx + w // 2 - 50, top + 45), fill=(60, 60, 70))
    cy = top + 60 + (y1 - top - 60) // 2
    r = int(w * 0.3)
    d.ellipse((cx - r - 14, cy - r - 14, cx + r + 14, cy + r + 14), fill=(170, 172, 178))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(60, 90, 120))
    d.arc((cx - r + 20, cy - r + 20, cx + r - 20, cy + r - 20), 200, 320, fill=(200, 220, 240), width=8)


def _tv(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cy = y0 + 50
    d.rounded_rectangle((x0, cy, x1, y1 - 60), radius=10, fill=(25, 25, 28))
    scr = (x0 + 14, cy + 14, x1 - 14, y1 - 74)
    d.rectangle(scr, fill=c)
    d.polygon(
        [(scr[0], scr[3]), (scr[0] + 160, scr[1] + 120), (scr[0] + 260, scr[3] - 60), (scr[2], scr[3])],
        fill=_shift(c, 0.6),
    )
    d.ellipse((scr[2] - 120, scr[1] + 20, scr[2] - 50, scr[1] + 90), fill=_shift(c, 1.6))
    cx = (x0 + x1) // 2
    d.rectangle((cx - 15, y1 - 60, cx + 15, y1 - 20), fill=(60, 60, 65))
    d.rounded_rectangle((cx - 120, y1 - 25, cx + 120, y1), radius=8, fill=(60, 60, 65))


def _microwave(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    top = y0 + 120
    d.rounded_rectangle((x0, top, x1, y1), radius=18, fill=c)
    d.rounded_rectangle((x0 + 24, top + 24, x1 - 150, y1 - 24), radius=10, fill=(40, 45, 50))
    for i in range(4):
        d.ellipse((x1 - 100, top + 40 + i * 55, x1 - 60, top + 80 + i * 55), fill=_shift(c, 0.6))


def _kettle(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.rounded_rectangle((cx - 170, y1 - 30, cx + 150, y1), radius=12, fill=(40, 40, 45))
    d.polygon([(cx - 130, y1 - 30), (cx - 100, y0 + 120), (cx + 100, y0 + 120), (cx + 130, y1 - 30)], fill=c)
    d.polygon(
        [(cx - 100, y0 + 150), (cx - 200, y0 + 120), (cx - 190, y0 + 100), (cx - 100, y0 + 125)], fill=c
    )
    d.rounded_rectangle((cx + 100, y0 + 140, cx + 190, y1 - 70), radius=30, outline=(40, 40, 45), width=24)
    d.rounded_rectangle((cx - 100, y0 + 95, cx + 100, y0 + 130), radius=10, fill=_shift(c, 0.7))


def _cooker(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.rounded_rectangle((x0 + 20, y0 + 160, x1 - 20, y1), radius=70, fill=c)
    d.ellipse((x0 + 20, y0 + 90, x1 - 20, y0 + 260), fill=_shift(c, 1.3))
    d.rounded_rectangle((cx - 60, y0 + 140, cx + 60, y0 + 180), radius=14, fill=_shift(c, 0.6))
    d.rounded_rectangle((cx - 90, y1 - 150, cx + 90, y1 - 70), radius=14, fill=(30, 35, 40))
    d.text((cx - 40, y1 - 130), "88:88", fill=(110, 220, 160))


def _tower(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    w = int(_w(b) * 0.4)
    d.rounded_rectangle((cx - w // 2, y0 + 10, cx + w // 2, y1), radius=w // 3, fill=c)
    for i in range(12):
        y = y0 + 140 + i * 22
        d.line((cx - w // 2 + 30, y, cx + w // 2 - 30, y), fill=_shift(c, 0.7), width=6)
    d.ellipse((cx - 40, y0 + 50, cx + 40, y0 + 110), fill=_shift(c, 0.5))


def _hairdryer(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    d.rounded_rectangle((x0 + 10, y0 + 60, x1 - 60, y0 + 220), radius=80, fill=c)
    d.ellipse((x1 - 150, y0 + 50, x1 - 10, y0 + 230), fill=_shift(c, 0.7))
    d.ellipse((x1 - 120, y0 + 80, x1 - 40, y0 + 200), fill=(40, 40, 45))
    d.rounded_rectangle((x0 + 150, y0 + 180, x0 + 250, y1), radius=30, fill=_shift(c, 0.85))


def _fan(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx, cy = (x0 + x1) // 2, y0 + 170
    d.rectangle((cx - 14, cy, cx + 14, y1 - 20), fill=_shift(c, 0.7))
    d.ellipse((cx - 120, y1 - 50, cx + 120, y1), fill=_shift(c, 0.7))
    d.ellipse((cx - 170, cy - 170, cx + 170, cy + 170), outline=c, width=14)
    for k in range(rng.choice([3, 5])):
        a = k / 5 * 2 * math.pi + rng.random()
        d.pieslice((cx - 150, cy - 150, cx + 150, cy + 150), math.degrees(a), math.degrees(a) + 40, fill=c)
    d.ellipse((cx - 30, cy - 30, cx + 30, cy + 30), fill=_shift(c, 0.5))


def _house(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    cx = (x0 + x1) // 2
    d.polygon([(x0 + 30, y0 + 200), (cx, y0 + 20), (x1 - 30, y0 + 200)], fill=_shift(c, 0.75))
    d.rectangle((x0 + 80, y0 + 190, x1 - 80, y1), fill=c)
    d.rectangle((cx - 45, y1 - 140, cx + 45, y1), fill=_shift(c, 0.6))
    for sx, sy, s in [(x1 - 90, y0 + 60, 30), (x0 + 80, y0 + 90, 22), (x1 - 50, y0 + 150, 16)]:
        d.polygon(
            [
                (sx, sy - s),
                (sx + s // 4, sy - s // 4),
                (sx + s, sy),
                (sx + s // 4, sy + s // 4),
                (sx, sy + s),
                (sx - s // 4, sy + s // 4),
                (sx - s, sy),
                (sx - s // 4, sy - s // 4),
            ],
            fill=(255, 240, 150),
        )


def _droplet(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    d.rounded_rectangle((x0 + 10, y0 + 20, x1 - 10, y0 + 170), radius=24, fill=(240, 242, 245))
    for i in range(5):
        d.line((x0 + 60, y0 + 130 + i * 7, x1 - 60, y0 + 130 + i * 7), fill=(170, 175, 180), width=3)
    for i in range(3):
        cx, cy = x0 + 130 + i * 160, y0 + 320 + (i % 2) * 60
        d.polygon([(cx, cy - 90), (cx - 55, cy), (cx + 55, cy)], fill=c)
        d.ellipse((cx - 56, cy - 50, cx + 56, cy + 60), fill=c)


def _hands(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    skin = (236, 196, 160)
    for side in (-1, 1):
        cx = (x0 + x1) // 2 + side * 110
        d.rounded_rectangle((cx - 70, y0 + 140, cx + 70, y1 - 20), radius=60, fill=skin)
        for k in range(4):
            fx = cx - 55 + k * 36
            d.rounded_rectangle((fx, y0 + 40 + abs(k - 1.5) * 18, fx + 30, y0 + 200), radius=15, fill=skin)
    for i in range(3):
        r = 190 + i * 40
        d.arc(
            ((x0 + x1) // 2 - r, y0 + 200 - r // 2, (x0 + x1) // 2 + r, y0 + 200 + r),
            200,
            340,
            fill=c,
            width=8,
        )


def _nails(d: ImageDraw.ImageDraw, b: Box, c: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = b
    skin = (238, 200, 168)
    d.rounded_rectangle((x0 + 60, y0 + 260, x1 - 160, y1), radius=70, fill=skin)
    for k in range(4):
        fx = x0 + 70 + k * 80
        top = y0 + 60 + abs(k - 1.5) * 30
        d.rounded_rectangle((fx, top, fx + 66, y0 + 320), radius=33, fill=skin)
        d.rounded_rectangle((fx + 10, top + 8, fx + 56, top + 80), radius=22, fill=c)
    d.rounded_rectangle((x1 - 150, y0 + 180, x1 - 40, y1 - 40), radius=20, fill=c)
    d.rectangle((x1 - 125, y0 + 100, x1 - 65, y0 + 185), fill=(30, 30, 35))


SHAPES: dict[str, Drawer] = {
    "carton": _carton,
    "bottle": _bottle,
    "jug": _jug,
    "cup": _cup,
    "bag": _bag,
    "box": _box,
    "can": _can,
    "jar": _jar,
    "tube": _tube,
    "apple": _apple,
    "round_fruit": _round_fruit,
    "pear": _pear,
    "banana": _banana,
    "grapes": _grapes,
    "melon": _melon,
    "berry": _berry,
    "cut_fruit": _cut_fruit,
    "long_veg": _long_veg,
    "leafy": _leafy,
    "veg_round": _veg_round,
    "tree_veg": _tree_veg,
    "mushroom": _mushroom,
    "steak": _steak,
    "drumstick": _drumstick,
    "eggs": _eggs,
    "fish": _fish,
    "loaf": _loaf,
    "croissant": _croissant,
    "cake": _cake,
    "bun": _bun,
    "lipstick": _lipstick,
    "pump": _pump,
    "compact": _compact,
    "perfume": _perfume,
    "mask": _mask,
    "tshirt": _tshirt,
    "shirt": _shirt,
    "hoodie": _hoodie,
    "pants": _pants,
    "dress": _dress,
    "fridge": _fridge,
    "washer": _washer,
    "tv": _tv,
    "microwave": _microwave,
    "kettle": _kettle,
    "cooker": _cooker,
    "tower": _tower,
    "hairdryer": _hairdryer,
    "fan": _fan,
    "house": _house,
    "droplet": _droplet,
    "hands": _hands,
    "nails": _nails,
}


def _shade(layer: Image.Image, rng: random.Random) -> Image.Image:
    """Light from the upper left over the object's flat colours, plus a soft highlight."""
    alpha = layer.getchannel("A")
    bbox = alpha.getbbox() or (0, 0, SIZE, SIZE)
    x0, y0, x1, y1 = bbox
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    u = np.clip((xx - x0) / max(1, x1 - x0), 0, 1)
    v = np.clip((yy - y0) / max(1, y1 - y0), 0, 1)
    slant = rng.uniform(0.3, 0.7)
    factor = 1.08 - rng.uniform(0.3, 0.42) * (u * slant + v * (1 - slant))
    rgb = np.asarray(layer.convert("RGB"), dtype=np.float32) * factor[..., None]
    dark = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    shaded = Image.merge("RGBA", (*dark.split(), alpha))
    glow = Image.new("L", (SIZE, SIZE), 0)
    gd = ImageDraw.Draw(glow)
    hx, hy = x0 + (x1 - x0) * 0.3, y0 + (y1 - y0) * 0.25
    gr = max(20, (x1 - x0) * 0.18)
    gd.ellipse((hx - gr, hy - gr * 1.4, hx + gr, hy + gr * 1.4), fill=90)
    glow = ImageChops.multiply(glow.filter(ImageFilter.GaussianBlur(30)), alpha)
    white = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 255))
    shaded.paste(white, (0, 0), glow)
    return shaded


def _label(image: Image.Image, spec: PictureSpec, accent: RGB, rng: random.Random) -> None:
    draw = ImageDraw.Draw(image)
    band_top = SIZE - 128
    band = (18, band_top, SIZE - 18, SIZE - 16)
    draw.rounded_rectangle(band, radius=22, fill=(255, 255, 255), outline=accent, width=4)
    title_font = ImageFont.truetype(str(FONT_BOLD), 40)
    name = spec.name_zh
    while draw.textlength(name, font=title_font) > SIZE - 80 and len(name) > 2:
        name = name[:-2] + "…"
    draw.text((SIZE // 2, band_top + 42), name, font=title_font, fill=(30, 30, 34), anchor="mm")
    small = ImageFont.truetype(str(FONT_REGULAR), 24)
    line = " · ".join(p for p in (spec.brand, spec.subtitle) if p)
    while line and draw.textlength(line, font=small) > SIZE - 80:
        line = line[:-2] + "…"
    if line:
        draw.text((SIZE // 2, band_top + 88), line, font=small, fill=(95, 95, 105), anchor="mm")
    badge = ImageFont.truetype(str(FONT_BOLD), 22)
    draw.rounded_rectangle(
        (22, 20, 32 + draw.textlength(spec.code, font=badge) + 14, 58), radius=12, fill=accent
    )
    text_colour = (255, 255, 255) if sum(accent) < 450 else (30, 30, 34)
    draw.text((36, 39), spec.code, font=badge, fill=text_colour, anchor="lm")


def render(spec: PictureSpec) -> Image.Image:
    """Draw the picture for one product (600x600 RGB); the same spec always gives the same pixels."""
    rng = random.Random(_seed(spec.code))
    colour = spec.colour or _hsv(rng.random(), rng.uniform(0.45, 0.85), rng.uniform(0.55, 0.9))
    colour = _jitter(colour, rng, 0.03) if spec.colour else colour
    accent = _hsv(rng.random(), 0.7, 0.75)
    image = _background(rng, accent)
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    drawer = SHAPES.get(spec.shape, _box)
    margin = rng.randint(70, 95)
    box = (
        margin + rng.randint(-15, 15),
        70 + rng.randint(0, 20),
        SIZE - margin + rng.randint(-15, 15),
        SIZE - 150,
    )
    drawer(ImageDraw.Draw(layer), box, colour, rng)
    if rng.random() < 0.5:
        layer = layer.rotate(rng.uniform(-9, 9), resample=Image.BICUBIC, center=(SIZE / 2, SIZE / 2 - 40))
    shadow = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    shadow_alpha = layer.getchannel("A").point(lambda v: v * 0.35)
    shadow.putalpha(shadow_alpha.filter(ImageFilter.GaussianBlur(14)))
    image.paste(shadow, (14, 16), shadow)
    shaded = _shade(layer, rng)
    image.paste(shaded, (0, 0), shaded)
    _label(image, spec, accent, rng)
    return image


def ensure_picture(media_dir: Path, spec: PictureSpec) -> Path:
    """The picture's file under ``media_dir/products``, drawn on first use and reused afterwards."""
    path = media_dir / "products" / spec.filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        render(spec).save(tmp, "JPEG", quality=88, optimize=True)
        tmp.replace(path)
    return path


def ensure_pictures(media_dir: Path, specs: Iterable[PictureSpec], workers: int | None = None) -> None:
    """Draw every missing picture, spread over worker processes when there are many."""
    missing = [s for s in specs if not (media_dir / "products" / s.filename).exists()]
    workers = workers or min(4, os.cpu_count() or 1)
    # Forked workers only draw and write files; without fork (Windows, macOS default) draw in-process.
    if len(missing) < 16 or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for spec in missing:
            ensure_picture(media_dir, spec)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(partial(ensure_picture, media_dir), missing, chunksize=8))
