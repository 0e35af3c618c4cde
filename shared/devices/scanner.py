"""Barcode and QR scanning on camera frames and photos.

pyzbar does the decoding. A plain decode of the grayscale frame comes first; the rescue passes
(contrast, sharpening, adaptive threshold, region of interest, rectification of a detected
barcode quad, rotation tries) run only when it finds nothing, and stop when the time budget is
spent. Every GTIN read is checked against its check digit, so a misread is dropped rather than
returned. Our own signed QR payloads (``shared.codes``) are verified on the spot.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import cv2
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from shared import codes
from shared.devices.gtin import is_valid_gtin, is_valid_upce, to_gtin13, upce_to_upca

Point = tuple[int, int]
PointMap = Callable[[np.ndarray], np.ndarray]


class Symbology(StrEnum):
    EAN13 = "EAN13"
    EAN8 = "EAN8"
    UPCA = "UPCA"
    UPCE = "UPCE"
    CODE128 = "CODE128"
    CODE39 = "CODE39"
    QRCODE = "QRCODE"


GTIN_LENGTH = {Symbology.EAN13: 13, Symbology.EAN8: 8, Symbology.UPCA: 12}
DEFAULT_SYMBOLOGIES: tuple[Symbology, ...] = tuple(Symbology)
ONE_D = frozenset(set(Symbology) - {Symbology.QRCODE})

_CODE_REASON_KEYS = {
    "not an OMO code": "code.not_ours",
    "signature does not match": "code.bad_signature",
    "damaged payload": "code.damaged",
    "code has expired": "code.expired",
}


def code_reason_key(reason: str) -> str:
    """Message key for a ``shared.codes.CodeError`` reason."""
    if reason.startswith("expected a"):
        return "code.wrong_kind"
    return _CODE_REASON_KEYS.get(reason, "code.damaged")


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One accepted read: symbology, text, where it is in the frame, and our code if it is one."""

    symbology: Symbology
    text: str
    polygon: tuple[Point, ...]
    quality: int
    strategy: str
    code: codes.SignedCode | None = None
    code_error: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.symbology.value, self.text)

    @property
    def is_omo_code(self) -> bool:
        """True when the text has our signed-code shape, verified or not."""
        return self.code is not None or self.code_error is not None

    @property
    def gtin13(self) -> str | None:
        """The product GTIN zero-padded to 13 digits, for EAN/UPC reads."""
        if self.symbology == Symbology.UPCE:
            return to_gtin13(upce_to_upca(self.text))
        if self.symbology in GTIN_LENGTH:
            return to_gtin13(self.text)
        return None

    @property
    def center(self) -> tuple[float, float]:
        pts = np.asarray(self.polygon, dtype=float)
        return (float(pts[:, 0].mean()), float(pts[:, 1].mean())) if len(pts) else (0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A read that was decoded but dropped, with the message key of the reason."""

    symbology: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    results: tuple[ScanResult, ...]
    rejected: tuple[Rejected, ...] = ()
    strategy: str | None = None
    tried: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.results)

    @property
    def message_key(self) -> str | None:
        """Why nothing was returned, as a message key; None when something was."""
        if self.results:
            return None
        if self.error:
            return self.error
        return "scan.checksum" if self.rejected else "scan.none"


class ImageUnreadable(ValueError):
    """The bytes or object given are not an image."""


@dataclass(slots=True)
class Variant:
    """A preprocessed view of the frame and the map from its pixels back to the frame's."""

    name: str
    image: np.ndarray
    to_frame: PointMap | None = None


def to_gray(image: Any) -> np.ndarray:
    """Grayscale uint8 array from an OpenCV frame (BGR/BGRA/gray), a PIL image or encoded bytes."""
    if isinstance(image, bytes | bytearray | memoryview):
        return _gray_from_bytes(bytes(image))
    if isinstance(image, np.ndarray):
        arr = image
    elif hasattr(image, "convert") and hasattr(image, "size"):
        arr = np.asarray(image.convert("L"))
    else:
        raise ImageUnreadable(f"unsupported image type {type(image).__name__}")
    if arr.dtype != np.uint8:
        arr = np.clip(arr * (255.0 if arr.dtype.kind == "f" and arr.max() <= 1.0 else 1.0), 0, 255)
        arr = arr.astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.ndim == 3 and arr.shape[2] == 1:
        return arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 3:
        return cv2.cvtColor(arr, cv2.COLOR_BGR2GRAY)
    if arr.ndim == 3 and arr.shape[2] == 4:
        return cv2.cvtColor(arr, cv2.COLOR_BGRA2GRAY)
    raise ImageUnreadable(f"unsupported image shape {arr.shape}")


def _gray_from_bytes(data: bytes) -> np.ndarray:
    """Decode JPEG/PNG bytes from a phone camera, honouring the EXIF orientation."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im = ImageOps.exif_transpose(im)
            return np.asarray(im.convert("L"))
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageUnreadable("image could not be read") from exc


def _affine_back(m: np.ndarray) -> PointMap:
    inv = cv2.invertAffineTransform(m)

    def back(pts: np.ndarray) -> np.ndarray:
        return pts @ inv[:, :2].T + inv[:, 2]

    return back


def _homography_back(h: np.ndarray) -> PointMap:
    inv = np.linalg.inv(h)

    def back(pts: np.ndarray) -> np.ndarray:
        return cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float64), inv).reshape(-1, 2)

    return back


def _scale_back(sx: float, sy: float, ox: float = 0.0, oy: float = 0.0) -> PointMap:
    def back(pts: np.ndarray) -> np.ndarray:
        return pts / np.array([sx, sy]) + np.array([ox, oy])

    return back


def rotate(gray: np.ndarray, degrees: float) -> Variant:
    """Rotate around the centre, growing the canvas so nothing is cut off."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    return Variant(f"rotate{degrees:+.0f}", out, _affine_back(m))


def clahe(gray: np.ndarray) -> Variant:
    return Variant("contrast", cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray))


def sharpen(gray: np.ndarray) -> Variant:
    blur = cv2.GaussianBlur(gray, (0, 0), 2.0)
    return Variant("sharpen", cv2.addWeighted(gray, 2.0, blur, -1.0, 0))


def adaptive_threshold(gray: np.ndarray) -> Variant:
    block = max(15, (min(gray.shape) // 16) | 1)
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    out = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 5)
    return Variant("threshold", out)


def denoise(gray: np.ndarray) -> Variant:
    return Variant("denoise", cv2.medianBlur(gray, 3))


def crop(gray: np.ndarray, roi: tuple[float, float, float, float]) -> Variant:
    """Crop a region given as fractions (x, y, w, h) of the frame, upscaled when small."""
    h, w = gray.shape
    x0, y0 = int(roi[0] * w), int(roi[1] * h)
    x1, y1 = int((roi[0] + roi[2]) * w), int((roi[1] + roi[3]) * h)
    part = gray[y0:y1, x0:x1]
    scale = 2.0 if min(part.shape) < 360 else 1.0
    if scale != 1.0:
        part = cv2.resize(part, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return Variant("roi", part, _scale_back(scale, scale, x0, y0))


_barcode_detector: Any = None


def detected_quads(gray: np.ndarray) -> list[np.ndarray]:
    """Corner quads of 1-D barcodes found by OpenCV's gradient detector."""
    global _barcode_detector
    if _barcode_detector is None:
        _barcode_detector = cv2.barcode.BarcodeDetector()
    ok, points = _barcode_detector.detect(gray)
    if not ok or points is None:
        return []
    return [np.asarray(q, dtype=np.float32) for q in points]


def rectify(gray: np.ndarray, quad: np.ndarray, index: int = 0) -> Variant:
    """Warp a detected quad to an upright rectangle with a quiet zone around it."""
    q = _order_quad(quad)
    width = float(max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])))
    height = float(max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])))
    if width < height:
        q = np.roll(q, -1, axis=0)
        width, height = height, width
    scale = max(1.0, 480.0 / max(width, 1.0))
    w, h = int(width * scale), int(max(height * scale, 60))
    pad_x, pad_y = int(0.12 * w) + 10, int(0.25 * h) + 10
    dst = np.array(
        [[pad_x, pad_y], [pad_x + w, pad_y], [pad_x + w, pad_y + h], [pad_x, pad_y + h]], np.float32
    )
    src = q.astype(np.float32)
    grow = _grow_quad(src, 0.08, 0.15)
    hm = cv2.getPerspectiveTransform(grow, dst)
    out = cv2.warpPerspective(
        gray, hm, (w + 2 * pad_x, h + 2 * pad_y), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return Variant(f"rectify{index}", out, _homography_back(hm))


def _order_quad(q: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    c = q.mean(axis=0)
    ang = np.arctan2(q[:, 1] - c[1], q[:, 0] - c[0])
    q = q[np.argsort(ang)]
    start = int(np.argmin(q.sum(axis=1)))
    return np.roll(q, -start, axis=0)


def _grow_quad(q: np.ndarray, fx: float, fy: float) -> np.ndarray:
    """Enlarge an ordered quad along its own axes so the bars' ends are not cut."""
    c = q.mean(axis=0)
    ux = ((q[1] - q[0]) + (q[2] - q[3])) / 2
    uy = ((q[3] - q[0]) + (q[2] - q[1])) / 2
    out = []
    for p in q:
        d = p - c
        sx = 1 if d @ ux > 0 else -1
        sy = 1 if d @ uy > 0 else -1
        out.append(p + sx * fx * ux + sy * fy * uy)
    return np.array(out, np.float32)


@dataclass
class Scanner:
    """Decode barcodes in one image; configure the symbologies, QR key and rescue budget."""

    symbologies: Sequence[Symbology] = DEFAULT_SYMBOLOGIES
    qr_key: Ed25519PublicKey | None = None
    expected_kind: str | None = None
    roi: tuple[float, float, float, float] | None = None
    rescue: bool = True
    rescue_budget_s: float = 0.5
    confirm_budget_s: float = 0.25
    strong_quality: int = 10
    rotations: tuple[float, ...] = (-30.0, 30.0, -15.0, 15.0, 45.0, -45.0)
    clock: Callable[[], float] = time.perf_counter
    now: Callable[[], float] = time.time
    _zsymbols: list[ZBarSymbol] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._zsymbols = [ZBarSymbol[s.value] for s in self.symbologies]

    def scan(self, image: Any, budget_s: float | None = None) -> ScanOutcome:
        """Plain decode first, then rescue passes until something is read or the budget is gone.

        A 1-D read that only a few scan lines agree on (zbar quality below ``strong_quality``)
        is held back until a second, differently preprocessed pass reads the same value; an
        unconfirmed read is dropped. QR codes carry Reed-Solomon error correction and need no
        second pass.
        """
        start = self.clock()
        try:
            gray = to_gray(image)
        except ImageUnreadable:
            return ScanOutcome((), error="scan.image_unreadable")
        budget = self.rescue_budget_s if budget_s is None else budget_s
        tried: list[str] = []
        rejected: list[Rejected] = []
        accepted: dict[tuple[str, str], ScanResult] = {}
        weak: dict[tuple[str, str], ScanResult] = {}
        for variant in self._variants(gray):
            tried.append(variant.name)
            for result in self._decode(variant, rejected):
                key = _identity(result)
                if key in accepted:
                    continue
                if self._strong(result) or key in weak:
                    accepted[key] = weak.pop(key, result)
                else:
                    weak[key] = result
            if accepted and not weak:
                break
            spent = self.clock() - start
            if weak and spent < budget + self.confirm_budget_s:
                continue
            if not self.rescue or spent >= budget:
                break
        rejected.extend(Rejected(r.symbology.value, r.text, "scan.unconfirmed") for r in weak.values())
        results = tuple(accepted.values())
        strategy = results[0].strategy if results else None
        return ScanOutcome(results, tuple(rejected), strategy, tuple(tried), self.clock() - start)

    def _strong(self, result: ScanResult) -> bool:
        return result.symbology not in ONE_D or result.quality >= self.strong_quality

    def _variants(self, gray: np.ndarray) -> Iterator[Variant]:
        yield Variant("plain", gray)
        if self.roi is not None:
            yield crop(gray, self.roi)
        yield clahe(gray)
        yield sharpen(gray)
        for i, quad in enumerate(detected_quads(gray)[:3]):
            rect = rectify(gray, quad, i)
            yield rect
            sharp = sharpen(rect.image)
            yield Variant(rect.name + "+sharpen", sharp.image, rect.to_frame)
            thr = adaptive_threshold(rect.image)
            yield Variant(rect.name + "+threshold", thr.image, rect.to_frame)
        yield adaptive_threshold(gray)
        yield denoise(gray)
        small = gray
        factor = 1.0
        if max(gray.shape) > 900:
            factor = 900.0 / max(gray.shape)
            small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        for deg in self.rotations:
            rot = rotate(small, deg)
            back = rot.to_frame
            assert back is not None
            yield Variant(rot.name, rot.image, _chain(back, _scale_back(factor, factor)))

    def _decode(self, variant: Variant, rejected: list[Rejected]) -> list[ScanResult]:
        found: list[ScanResult] = []
        seen: set[tuple[str, str]] = set()
        for raw in pyzbar.decode(variant.image, symbols=self._zsymbols):
            result = self._accept(raw, variant, rejected)
            if result is not None and result.key not in seen:
                seen.add(result.key)
                found.append(result)
        return found

    def _accept(self, raw: Any, variant: Variant, rejected: list[Rejected]) -> ScanResult | None:
        try:
            sym = Symbology(raw.type)
        except ValueError:
            return None
        text = raw.data.decode("utf-8", errors="replace")
        if sym == Symbology.QRCODE:
            text = repair_qr_text(text)
        reason = validate(sym, text)
        if reason is not None:
            rejected.append(Rejected(sym.value, text, reason))
            return None
        pts = np.array([(p.x, p.y) for p in raw.polygon], dtype=np.float64).reshape(-1, 2)
        if variant.to_frame is not None and len(pts):
            pts = variant.to_frame(pts)
        polygon = tuple((int(round(x)), int(round(y))) for x, y in pts)
        code, code_error = self._verify(text) if sym == Symbology.QRCODE else (None, None)
        return ScanResult(sym, text, polygon, int(raw.quality), variant.name, code, code_error)

    def _verify(self, text: str) -> tuple[codes.SignedCode | None, str | None]:
        if not codes.looks_like_code(text):
            return None, None
        if self.qr_key is None:
            return None, "code.no_key"
        try:
            return codes.verify(self.qr_key, text, kind=self.expected_kind, now=self.now()), None
        except codes.CodeError as exc:
            return None, code_reason_key(exc.reason)


def _identity(result: ScanResult) -> tuple[str, str]:
    """What two reads must share to be the same code (EAN-13 and UPC-A of one GTIN agree)."""
    gtin = result.gtin13
    return ("GTIN", gtin) if gtin is not None else result.key


def _chain(first: PointMap, second: PointMap) -> PointMap:
    def both(pts: np.ndarray) -> np.ndarray:
        return second(first(pts))

    return both


def repair_qr_text(text: str) -> str:
    """Undo zbar's guess of Shift-JIS (or Latin-1) for UTF-8 QR data without an ECI header.

    Chinese text in a QR code is UTF-8 bytes; zbar often takes them for Shift-JIS and converts,
    giving mojibake. When the text maps back to bytes that are valid UTF-8, those are the data.
    """
    if text.isascii():
        return text
    for guessed in ("shift_jis", "cp932", "latin-1"):
        try:
            fixed = text.encode(guessed).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return text


def validate(sym: Symbology, text: str) -> str | None:
    """None when the read is plausible, else the message key of why it is dropped."""
    if not text:
        return "scan.none"
    if sym in GTIN_LENGTH:
        if len(text) != GTIN_LENGTH[sym] or not is_valid_gtin(text):
            return "scan.checksum"
    elif sym == Symbology.UPCE:
        if not is_valid_upce(text):
            return "scan.checksum"
    elif sym in ONE_D and not text.isprintable():
        return "scan.checksum"
    return None


@dataclass
class ReadDeduplicator:
    """Report each code once while it stays in view; again after it is gone for ``hold_s``.

    With ``confirmations`` > 1 a 1-D read is reported only after that many frames agree,
    which keeps a one-frame misread out of a live loop.
    """

    hold_s: float = 2.0
    confirmations: int = 1
    _last_seen: dict[tuple[str, str], float] = field(default_factory=dict)
    _count: dict[tuple[str, str], int] = field(default_factory=dict)
    _reported: set[tuple[str, str]] = field(default_factory=set)

    def offer(self, result: ScanResult, now: float) -> bool:
        """True when this read should be reported now."""
        key = result.key
        last = self._last_seen.get(key)
        self._last_seen[key] = now
        if last is None or now - last > self.hold_s:
            self._reported.discard(key)
            self._count[key] = 0
        if key in self._reported:
            return False
        self._count[key] = self._count.get(key, 0) + 1
        need = self.confirmations if result.symbology in ONE_D else 1
        if self._count[key] >= need:
            self._reported.add(key)
            return True
        return False

    def forget(self, older_than: float) -> None:
        for key in [k for k, t in self._last_seen.items() if t < older_than]:
            self._last_seen.pop(key, None)
            self._count.pop(key, None)
            self._reported.discard(key)


@dataclass
class LoopStats:
    frames: int = 0
    frames_with_reads: int = 0
    rescued: int = 0
    over_budget: int = 0
    reported: int = 0
    busy_s: float = 0.0


@dataclass
class ScanLoop:
    """Continuous scanning of camera frames within a per-frame time budget.

    The plain decode runs on every frame; rescue passes get whatever is left of the budget.
    """

    scanner: Scanner
    frame_budget_s: float = 1 / 15
    dedup: ReadDeduplicator = field(default_factory=ReadDeduplicator)
    clock: Callable[[], float] = time.perf_counter
    stats: LoopStats = field(default_factory=LoopStats)

    def feed(self, frame: Any, now: float | None = None) -> list[ScanResult]:
        """Scan one frame; return the reads that are new (after de-duplication)."""
        start = self.clock()
        t = start if now is None else now
        outcome = self.scanner.scan(frame, budget_s=self.frame_budget_s)
        spent = self.clock() - start
        self.stats.frames += 1
        self.stats.busy_s += spent
        if spent > self.frame_budget_s:
            self.stats.over_budget += 1
        if outcome.results:
            self.stats.frames_with_reads += 1
            if outcome.strategy != "plain":
                self.stats.rescued += 1
        fresh = [r for r in outcome.results if self.dedup.offer(r, t)]
        self.stats.reported += len(fresh)
        return fresh

    def run(self, frames: Iterable[Any]) -> Iterator[ScanResult]:
        for frame in frames:
            yield from self.feed(frame)


class CameraUnavailable(RuntimeError):
    """No camera could be opened (message key ``scan.camera_unavailable``)."""

    message_key = "scan.camera_unavailable"


def camera_frames(index: int = 0, width: int = 640, height: int = 480) -> Iterator[np.ndarray]:
    """Open a desktop camera through OpenCV now (CameraUnavailable if none) and yield its frames."""
    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        cap.release()
        raise CameraUnavailable(f"camera {index} could not be opened")
    cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return _read_frames(cap)


def _read_frames(cap: Any) -> Iterator[np.ndarray]:
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                return
            yield frame
    finally:
        cap.release()
