"""Photo search accuracy: perturbed demo catalog photos (crop, rotation, lighting, background).

Every demo catalog picture is drawn by ``backend/seed/pictures.py``; each is indexed once, then
photographed again with random perturbations (a crop, a rotation, a lighting change, pasted on a
different background, JPEG re-encoding). Reports top-1 and top-5 rates (targets 90% / 98%) and,
as the in-run baseline, the same rates with the colour histogram alone.
"""

from __future__ import annotations

import io
import random
import sys
import time

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from backend.seed import data
from backend.seed.demo import picture_specs
from backend.seed.pictures import render
from backend.vision import features

VARIANTS_PER_PICTURE = 2


def _background(rng: random.Random, size: int) -> Image.Image:
    """A cluttered scene: a random colour with random rectangles and ellipses."""
    base = tuple(rng.randint(0, 255) for _ in range(3))
    scene = Image.new("RGB", (size, size), base)
    arr = np.asarray(scene).copy()
    for _ in range(12):
        x0, y0 = rng.randint(0, size - 20), rng.randint(0, size - 20)
        x1, y1 = rng.randint(x0 + 10, size), rng.randint(y0 + 10, size)
        arr[y0:y1, x0:x1] = [rng.randint(0, 255) for _ in range(3)]
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 12, arr.shape)
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))


def perturb(picture: Image.Image, rng: random.Random) -> bytes:
    """One simulated shopper photo of a catalog picture."""
    w, h = picture.size
    # random crop keeping 65-90% of each side
    cw, ch = int(w * rng.uniform(0.65, 0.9)), int(h * rng.uniform(0.65, 0.9))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    shot = picture.crop((x, y, x + cw, y + ch))
    # lighting: brightness, contrast, colour temperature
    shot = ImageEnhance.Brightness(shot).enhance(rng.uniform(0.6, 1.35))
    shot = ImageEnhance.Contrast(shot).enhance(rng.uniform(0.7, 1.3))
    tint = np.array([rng.uniform(0.9, 1.1), 1.0, rng.uniform(0.9, 1.1)])
    shot = Image.fromarray(np.clip(np.asarray(shot) * tint, 0, 255).astype(np.uint8))
    # rotation, with the corners showing the background
    angle = rng.uniform(-30, 30)
    mask = Image.new("L", shot.size, 255).rotate(angle, expand=True)
    shot = shot.rotate(angle, expand=True, resample=Image.BICUBIC)
    # paste on a background, the product filling 55-85% of the frame
    side = int(max(shot.size) / rng.uniform(0.55, 0.85))
    scene = _background(rng, side)
    ox, oy = rng.randint(0, side - shot.size[0]), rng.randint(0, side - shot.size[1])
    scene.paste(shot, (ox, oy), mask)
    if rng.random() < 0.5:
        scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=rng.randint(60, 90))
    return out.getvalue()


def main(limit: int | None = None) -> dict[str, float]:
    rng = random.Random(20261122)
    specs = [spec for product in data.PRODUCTS for spec in picture_specs(product)][:limit]
    pictures = {spec.code: render(spec) for spec in specs}
    index = features.Index()
    started = time.perf_counter()
    for position, picture in enumerate(pictures.values()):
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=88)
        index.add(position, position, features.extract(buffer.getvalue()))
    build_s = time.perf_counter() - started
    top1 = top5 = base1 = base5 = total = 0
    search_s = 0.0
    for position, picture in enumerate(pictures.values()):
        for _ in range(VARIANTS_PER_PICTURE):
            query = features.extract(perturb(picture, rng))
            t0 = time.perf_counter()
            found = [product_id for product_id, _, _ in index.search(query, 5)]
            search_s += time.perf_counter() - t0
            colour_only = list(np.argsort(-(index.hists @ query.hist))[:5])
            total += 1
            top1 += found[:1] == [position]
            top5 += position in found
            base1 += colour_only[:1] == [position]
            base5 += position in colour_only
    figures = {
        "pictures": len(pictures),
        "queries": total,
        "top1": top1 / total,
        "top5": top5 / total,
        "baseline_colour_top1": base1 / total,
        "baseline_colour_top5": base5 / total,
        "index_build_s": build_s,
        "search_ms_mean": 1000 * search_s / total,
    }
    print("photo search (perturbed demo catalog photos)")
    for key, value in figures.items():
        print(f"  {key:24s} {value:.3f}" if isinstance(value, float) else f"  {key:24s} {value}")
    ratio = figures["top1"] / max(figures["baseline_colour_top1"], 1e-9)
    print(f"  ratio top1 vs colour-only baseline: {ratio:.2f}x")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
