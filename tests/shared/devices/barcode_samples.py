"""Generated barcode frames for the scanner tests and the scan benchmark.

Each sample is a real symbol (python-barcode for 1-D, segno for QR) printed on a label, laid on
a real photograph from scikit-image, then perturbed like a hand-held camera frame: rotation up
to 30 degrees, a perspective tilt, a lighting gradient, defocus blur, sensor noise and JPEG.
"""

from __future__ import annotations

import io
import random
import string
from dataclasses import dataclass

import cv2
import numpy as np
import segno
from barcode import get as get_barcode
from barcode.writer import ImageWriter
from PIL import Image

from shared.devices.gtin import check_digit

KINDS = ("ean13", "ean8", "upca", "code128", "qr")


@dataclass(frozen=True)
class Sample:
    kind: str
    value: str
    image: np.ndarray
    rotation: float = 0.0
    blur: float = 0.0
    noise: float = 0.0


def random_value(kind: str, rng: random.Random) -> str:
    """A random value for the symbology, with the check digit for GTINs."""
    if kind in ("ean13", "ean8", "upca"):
        n = {"ean13": 12, "ean8": 7, "upca": 11}[kind]
        first = "69" if kind == "ean13" else str(rng.randint(0, 9))
        body = (first + "".join(rng.choice(string.digits) for _ in range(n)))[:n]
        return body + str(check_digit(body))
    if kind == "code128":
        return "OMO-" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
    return "https://omo.example/p/" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


def render_symbol(kind: str, value: str) -> np.ndarray:
    """Clean grayscale rendering of the symbol with its quiet zone."""
    if kind == "qr":
        buf = io.BytesIO()
        segno.make_qr(value, error="m").save(buf, kind="png", scale=5, border=4)
        return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    body = value[:-1] if kind in ("ean13", "ean8", "upca") else value
    code = get_barcode(kind, body, writer=ImageWriter())
    img = code.render(
        {
            "module_width": 25.4 * 4 / 300,
            "module_height": 14.0,
            "quiet_zone": 4.0,
            "font_size": 8,
            "text_distance": 4.0,
            "dpi": 300,
            "write_text": True,
        }
    )
    return np.asarray(img.convert("L"))


def backgrounds() -> list[np.ndarray]:
    """Real photographs (scikit-image) as grayscale 640x480 backgrounds."""
    from skimage import data

    photos = [data.coffee(), data.chelsea(), data.rocket(), data.astronaut(), data.immunohistochemistry()]
    out = []
    for p in photos:
        g = cv2.cvtColor(p, cv2.COLOR_RGB2GRAY) if p.ndim == 3 else p
        out.append(cv2.resize(g, (640, 480), interpolation=cv2.INTER_AREA))
    return out


def compose(
    symbol: np.ndarray,
    background: np.ndarray,
    rng: random.Random,
    rotation: float,
    tilt: float,
    blur: float,
    noise: float,
    jpeg: int,
) -> np.ndarray:
    """Lay the label on the photo with a rotation and perspective, then degrade it like a camera."""
    h, w = symbol.shape
    if h >= w:
        target = rng.uniform(0.32, 0.4) * 480
    elif w > 2.2 * h:
        target = rng.uniform(0.62, 0.72) * 640
    else:
        target = rng.uniform(0.42, 0.55) * 640
    s = target / w
    label = cv2.resize(symbol, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    lh, lw = label.shape
    src = np.float32([[0, 0], [lw, 0], [lw, lh], [0, lh]])
    cx, cy = 320 + rng.uniform(-40, 40), 240 + rng.uniform(-30, 30)
    theta = np.deg2rad(rotation)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    corners = (src - [lw / 2, lh / 2]) @ rot.T + [cx, cy]
    jitter = tilt * np.array([[rng.uniform(-1, 1) * lw, rng.uniform(-1, 1) * lh] for _ in range(4)])
    dst = np.float32(corners + jitter)
    hm = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(label, hm, (640, 480), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(np.full_like(label, 255), hm, (640, 480), flags=cv2.INTER_LINEAR)
    a = mask.astype(np.float32) / 255.0
    frame = background.astype(np.float32) * (1 - a) + warped.astype(np.float32) * 0.92 * a
    yy, xx = np.mgrid[0:480, 0:640].astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    grad = (np.cos(ang) * (xx - 320) + np.sin(ang) * (yy - 240)) / 400.0
    frame = frame * (1.0 + rng.uniform(0.15, 0.35) * grad) + rng.uniform(-20, 10)
    if blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    if noise > 0:
        nrng = np.random.default_rng(rng.randrange(1 << 30))
        frame = frame + nrng.normal(0, noise, frame.shape)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    ok, enc = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
    assert ok
    return cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)


def perturbed_set(n: int = 200, seed: int = 6) -> list[Sample]:
    """``n`` frames cycling through the symbologies with random perturbations (seeded)."""
    rng = random.Random(seed)
    bgs = backgrounds()
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        value = random_value(kind, rng)
        rotation = rng.uniform(-30, 30)
        blur = rng.uniform(0.0, 1.2)
        noise = rng.uniform(2.0, 10.0)
        img = compose(
            render_symbol(kind, value),
            bgs[i % len(bgs)],
            rng,
            rotation,
            tilt=rng.uniform(0.0, 0.08),
            blur=blur,
            noise=noise,
            jpeg=rng.randint(55, 90),
        )
        out.append(Sample(kind, value, img, rotation, blur, noise))
    return out


def clean_frames(n: int = 20, seed: int = 7) -> list[Sample]:
    """Upright, sharp 640x480 frames (the live-camera case) for the benchmark baseline."""
    rng = random.Random(seed)
    bgs = backgrounds()
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        value = random_value(kind, rng)
        img = compose(
            render_symbol(kind, value),
            bgs[i % len(bgs)],
            rng,
            rng.uniform(-5, 5),
            tilt=0.02,
            blur=0.4,
            noise=3.0,
            jpeg=85,
        )
        out.append(Sample(kind, value, img))
    return out
