"""Demo product pictures and the shipped CJK font."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image

from backend.seed import data
from backend.seed.demo import picture_specs
from backend.seed.pictures import FONT_BOLD, FONT_REGULAR, SIZE, ensure_picture, ensure_pictures, render


def _signature(image: Image.Image) -> np.ndarray:
    """The picture above the label, shrunk to 24x24 colour pixels: what a photo match would compare."""
    top = image.crop((0, 0, SIZE, SIZE - 140)).resize((24, 24), Image.BILINEAR)
    return np.asarray(top, dtype=np.float32)


def test_same_code_same_picture_and_cached_file(tmp_path: Path) -> None:
    product = next(p for p in data.PRODUCTS if p.code == "DAI001")
    spec = picture_specs(product)[0]
    assert np.array_equal(np.asarray(render(spec)), np.asarray(render(spec)))
    path = ensure_picture(tmp_path, spec)
    stamp = path.stat().st_mtime_ns
    assert ensure_picture(tmp_path, spec) == path and path.stat().st_mtime_ns == stamp
    with Image.open(path) as image:
        assert image.size == (600, 600) and image.format == "JPEG"


def test_pictures_drawn_in_worker_processes_match_the_ones_drawn_here(tmp_path: Path) -> None:
    specs = [s for p in data.PRODUCTS if p.category == "FRUIT" for s in picture_specs(p)]
    assert len(specs) >= 16
    ensure_pictures(tmp_path / "pool", specs, workers=2)
    for spec in specs[:3]:
        here = ensure_picture(tmp_path / "here", spec)
        assert (tmp_path / "pool" / "products" / spec.filename).read_bytes() == here.read_bytes()
    assert len(list((tmp_path / "pool" / "products").iterdir())) == len(specs)


def test_pictures_of_similar_products_look_different() -> None:
    """Products of one category share a shape; their pictures still differ well beyond the label."""
    products = [p for p in data.PRODUCTS if p.category in ("DAIRY", "MENSWEAR")]
    specs = [s for p in products for s in picture_specs(p)]
    signatures = {s.code: _signature(render(s)) for s in specs}
    closest = min(
        (float(np.abs(signatures[a] - signatures[b]).mean()), a, b)
        for a, b in itertools.combinations(signatures, 2)
    )
    assert closest[0] > 6.0, closest


def test_apparel_pictures_use_the_sku_colour() -> None:
    tee = next(p for p in data.PRODUCTS if p.code == "MEN001")
    white, black = picture_specs(tee)[:2]
    assert (white.name_zh, black.name_zh) == ("男士纯棉圆领T恤 白", "男士纯棉圆领T恤 黑")
    centre = (slice(250, 330), slice(260, 340))
    white_px = np.asarray(render(white), dtype=np.float32)[centre].mean()
    black_px = np.asarray(render(black), dtype=np.float32)[centre].mean()
    assert white_px > black_px + 100


def test_font_covers_every_demo_name() -> None:
    for path in (FONT_REGULAR, FONT_BOLD):
        assert path.stat().st_size < 6_000_000
        cmap = TTFont(str(path)).getBestCmap()
        names = [p.name_zh for p in data.PRODUCTS] + [s.name_zh for s in data.STORES]
        names += [s.name for s in data.STAFF] + [m.name for m in data.build_members(date.today())]
        missing = {ch for name in names for ch in name if ord(ch) not in cmap and not ch.isspace()}
        assert not missing, missing
