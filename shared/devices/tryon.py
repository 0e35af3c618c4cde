"""AR try-on: MediaPipe face mesh and pose landmarks, overlays placed by anchor metadata.

Images are RGB ``uint8`` arrays (what MediaPipe and PIL use). Each try-on asset is a PNG with a
JSON file under ``assets/tryon/``: two anchor points in the PNG (e.g. the lens centres) are
mapped onto two landmark-derived points (e.g. the eye centres) by a similarity transform, which
gives position, scale and head roll in one step; a top uses a third anchor (the hem) and an
affine transform so it follows the torso. Lipstick is a colour blended into the lip region.

``TryOn(mode="photo")`` runs the landmark models on a still; ``mode="live"`` tracks across
frames and keeps to a per-frame budget by reusing the last landmarks when it falls behind.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ASSET_DIR = Path(__file__).resolve().parents[2] / "assets" / "tryon"

# Face mesh indices (subject's right = image left when facing the camera).
RIGHT_IRIS, LEFT_IRIS = 468, 473
RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS = (33, 133), (362, 263)
FOREHEAD_TOP = 10
RIGHT_TEMPLE, LEFT_TEMPLE = 127, 356
RIGHT_FACE_EDGE, LEFT_FACE_EDGE = 234, 454
RIGHT_JAW_BELOW_EAR, LEFT_JAW_BELOW_EAR = 132, 361
RIGHT_TRAGUS, LEFT_TRAGUS = 93, 323
LIPS_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
LIPS_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191)
# Pose indices.
POSE_RIGHT_SHOULDER, POSE_LEFT_SHOULDER = 12, 11
POSE_RIGHT_HIP, POSE_LEFT_HIP = 24, 23

FACE_KINDS = frozenset({"glasses", "hat", "earrings", "lipstick"})
BODY_KINDS = frozenset({"top"})


class TryOnStatus(StrEnum):
    OK = "ok"
    NO_FACE = "no_face"
    NO_BODY = "no_body"
    UNREADABLE = "unreadable"


_STATUS_KEYS = {
    TryOnStatus.NO_FACE: "tryon.no_face",
    TryOnStatus.NO_BODY: "tryon.no_body",
    TryOnStatus.UNREADABLE: "tryon.image_unreadable",
}


@dataclass(frozen=True)
class TryOnAsset:
    """An overlay product: RGBA image, its anchor points, and what it is."""

    id: str
    kind: str
    anchors: dict[str, tuple[float, float]]
    points: dict[str, tuple[float, float]] = field(default_factory=dict)
    image: np.ndarray | None = None
    color: tuple[int, int, int] | None = None
    opacity: float = 1.0
    width_ratio: float = 0.0
    product_sku: str | None = None
    name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, json_path: str | Path) -> TryOnAsset:
        path = Path(json_path)
        meta = json.loads(path.read_text(encoding="utf-8"))
        kind = meta["kind"]
        if kind not in FACE_KINDS | BODY_KINDS:
            raise ValueError(f"unknown try-on kind {kind!r}")
        image = None
        if kind != "lipstick":
            from PIL import Image

            with Image.open(path.parent / meta["image"]) as im:
                image = np.asarray(im.convert("RGBA")).copy()
        color = None
        if "color" in meta:
            c = meta["color"].lstrip("#")
            color = (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))
        return cls(
            id=meta["id"],
            kind=kind,
            anchors={k: (float(v[0]), float(v[1])) for k, v in meta.get("anchors", {}).items()},
            points={k: (float(v[0]), float(v[1])) for k, v in meta.get("points", {}).items()},
            image=image,
            color=color,
            opacity=float(meta.get("opacity", 1.0)),
            width_ratio=float(meta.get("width_ratio", 0.0)),
            product_sku=meta.get("product_sku"),
            name=dict(meta.get("name", {})),
        )


def load_assets(directory: str | Path = ASSET_DIR) -> dict[str, TryOnAsset]:
    """Every asset described by a JSON file in ``directory``, by id."""
    out = {}
    for p in sorted(Path(directory).glob("*.json")):
        asset = TryOnAsset.load(p)
        out[asset.id] = asset
    return out


@dataclass(frozen=True)
class Placement:
    """Where an asset went: the 2x3 map from asset pixels to frame pixels and named points."""

    asset_id: str
    kind: str
    matrix: np.ndarray | None
    points: dict[str, tuple[float, float]]
    roll_deg: float
    scale: float


@dataclass
class TryOnResult:
    """The rendered image, where each asset went, and the SKUs the app can add to the cart."""

    status: TryOnStatus
    image: np.ndarray
    placements: list[Placement] = field(default_factory=list)
    detect_ms: float = 0.0
    reused_landmarks: bool = False
    product_skus: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == TryOnStatus.OK

    @property
    def message_key(self) -> str | None:
        return _STATUS_KEYS.get(self.status)

    def encode(self, fmt: str = ".jpg", quality: int = 90) -> bytes:
        """The rendered image as JPEG/PNG bytes for the app to show."""
        ok, buf = cv2.imencode(
            fmt, cv2.cvtColor(self.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
        )
        if not ok:
            raise ValueError(f"cannot encode as {fmt}")
        return buf.tobytes()


def similarity(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> np.ndarray:
    """The 2x3 rotation+uniform scale+translation taking two source points onto two targets."""
    (sx0, sy0), (sx1, sy1) = src
    (dx0, dy0), (dx1, dy1) = dst
    s = complex(sx1 - sx0, sy1 - sy0)
    d = complex(dx1 - dx0, dy1 - dy0)
    if abs(s) == 0:
        raise ValueError("anchor points coincide")
    z = d / s
    t = complex(dx0, dy0) - z * complex(sx0, sy0)
    return np.array([[z.real, -z.imag, t.real], [z.imag, z.real, t.imag]], dtype=np.float64)


def apply_matrix(m: np.ndarray, pt: tuple[float, float]) -> tuple[float, float]:
    x, y = pt
    return (float(m[0, 0] * x + m[0, 1] * y + m[0, 2]), float(m[1, 0] * x + m[1, 1] * y + m[1, 2]))


def overlay_rgba(frame: np.ndarray, rgba: np.ndarray, m: np.ndarray) -> None:
    """Alpha-blend ``rgba`` warped by ``m`` into ``frame`` in place, touching only its bounding box."""
    scale = float(math.hypot(m[0, 0], m[1, 0]))
    if scale < 0.5:
        # Shrink by area first: a large affine shrink with linear sampling aliases thin lines.
        f = scale * 1.5
        rgba = cv2.resize(rgba, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        m = m.copy()
        m[:, :2] /= f
    h, w = rgba.shape[:2]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64) @ m[:, :2].T + m[:, 2]
    fh, fw = frame.shape[:2]
    x0, y0 = max(int(np.floor(corners[:, 0].min())), 0), max(int(np.floor(corners[:, 1].min())), 0)
    x1, y1 = min(int(np.ceil(corners[:, 0].max())) + 1, fw), min(int(np.ceil(corners[:, 1].max())) + 1, fh)
    if x1 <= x0 or y1 <= y0:
        return
    local = m.copy()
    local[:, 2] -= (x0, y0)
    warped = cv2.warpAffine(
        rgba,
        local,
        (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    alpha = warped[:, :, 3:4].astype(np.float32) * (1.0 / 255.0)
    roi = frame[y0:y1, x0:x1]
    roi[:] = (roi.astype(np.float32) * (1.0 - alpha) + warped[:, :, :3].astype(np.float32) * alpha).astype(
        np.uint8
    )


def tint_region(
    frame: np.ndarray, outer: np.ndarray, inner: np.ndarray, color: tuple[int, int, int], opacity: float
) -> None:
    """Colour the ring between two polygons (lips minus mouth), keeping the skin's shading."""
    x, y, w, h = cv2.boundingRect(outer.astype(np.int32))
    pad = 4
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, frame.shape[1]), min(y + h + pad, frame.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(mask, [np.round(outer - (x0, y0)).astype(np.int32)], 255)
    cv2.fillPoly(mask, [np.round(inner - (x0, y0)).astype(np.int32)], 0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, w / 80.0))
    a = mask[:, :, None].astype(np.float32) * (opacity / 255.0)
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    shade = roi.mean(axis=2, keepdims=True) / 160.0
    target = np.clip(np.array(color, np.float32) * shade, 0, 255)
    frame[y0:y1, x0:x1] = (roi * (1 - a) + target * a).astype(np.uint8)


@dataclass(frozen=True)
class FaceLandmarks:
    """Face mesh landmarks in pixels (N x 2)."""

    pts: np.ndarray
    refined: bool

    def __getitem__(self, i: int) -> np.ndarray:
        return self.pts[i]

    def eye_centers(self) -> tuple[np.ndarray, np.ndarray]:
        """(image-left eye, image-right eye) centres: the irises when refined, else the eye corners."""
        if self.refined and len(self.pts) > LEFT_IRIS:
            return self.pts[RIGHT_IRIS], self.pts[LEFT_IRIS]
        r = self.pts[list(RIGHT_EYE_CORNERS)].mean(axis=0)
        left = self.pts[list(LEFT_EYE_CORNERS)].mean(axis=0)
        return r, left

    def face_width(self) -> float:
        return float(np.linalg.norm(self.pts[LEFT_FACE_EDGE] - self.pts[RIGHT_FACE_EDGE]))


@dataclass(frozen=True)
class PoseLandmarks:
    pts: np.ndarray
    visibility: np.ndarray


def roll_degrees(a: np.ndarray | tuple[float, float], b: np.ndarray | tuple[float, float]) -> float:
    return math.degrees(math.atan2(float(b[1]) - float(a[1]), float(b[0]) - float(a[0])))


def _placement(asset: TryOnAsset, m: np.ndarray) -> Placement:
    scale = float(math.hypot(m[0, 0], m[1, 0]))
    names = dict(asset.points)
    names.update(asset.anchors)
    mapped = {k: apply_matrix(m, v) for k, v in names.items()}
    return Placement(asset.id, asset.kind, m, mapped, math.degrees(math.atan2(m[1, 0], m[0, 0])), scale)


def place_face_asset(asset: TryOnAsset, face: FaceLandmarks) -> list[Placement]:
    """Transforms for a face asset; earrings give one placement per ear."""
    if asset.kind == "glasses":
        left, right = face.eye_centers()
        m = similarity([asset.anchors["left"], asset.anchors["right"]], [tuple(left), tuple(right)])
        return [_placement(asset, m)]
    if asset.kind == "hat":
        lift = face[FOREHEAD_TOP] - (face[RIGHT_TEMPLE] + face[LEFT_TEMPLE]) / 2
        targets = [tuple(face[RIGHT_TEMPLE] + lift), tuple(face[LEFT_TEMPLE] + lift)]
        m = similarity([asset.anchors["left"], asset.anchors["right"]], targets)
        return [_placement(asset, m)]
    if asset.kind == "earrings":
        assert asset.image is not None
        left_eye, right_eye = face.eye_centers()
        roll = math.atan2(right_eye[1] - left_eye[1], right_eye[0] - left_eye[0])
        scale = asset.width_ratio * face.face_width() / asset.image.shape[1]
        out = []
        for tragus, jaw, edge in (
            (RIGHT_TRAGUS, RIGHT_JAW_BELOW_EAR, RIGHT_FACE_EDGE),
            (LEFT_TRAGUS, LEFT_JAW_BELOW_EAR, LEFT_FACE_EDGE),
        ):
            lobe = 0.35 * face[tragus] + 0.65 * face[jaw]
            outward = face[edge] - (face[RIGHT_FACE_EDGE] + face[LEFT_FACE_EDGE]) / 2
            lobe = lobe + 0.05 * outward
            c, s = math.cos(roll) * scale, math.sin(roll) * scale
            hx, hy = asset.anchors["hook"]
            m = np.array([[c, -s, lobe[0] - (c * hx - s * hy)], [s, c, lobe[1] - (s * hx + c * hy)]])
            out.append(_placement(asset, m))
        return out
    if asset.kind == "lipstick":
        outer = face.pts[list(LIPS_OUTER)]
        return [
            Placement(
                asset.id,
                asset.kind,
                None,
                {"lips_center": tuple(map(float, outer.mean(axis=0)))},
                roll_degrees(face[61], face[291]),
                1.0,
            )
        ]
    raise ValueError(f"{asset.kind} is not a face asset")


def place_body_asset(asset: TryOnAsset, pose: PoseLandmarks, min_visibility: float = 0.5) -> Placement | None:
    """Transform for a top from the shoulders, and the hips when they are in view."""
    vis = pose.visibility
    if min(vis[POSE_RIGHT_SHOULDER], vis[POSE_LEFT_SHOULDER]) < min_visibility:
        return None
    rs, ls = pose.pts[POSE_RIGHT_SHOULDER], pose.pts[POSE_LEFT_SHOULDER]
    a_left, a_right = asset.anchors["left"], asset.anchors["right"]
    hips_seen = min(vis[POSE_RIGHT_HIP], vis[POSE_LEFT_HIP]) >= min_visibility and "hem" in asset.anchors
    if hips_seen:
        hem = (pose.pts[POSE_RIGHT_HIP] + pose.pts[POSE_LEFT_HIP]) / 2
        src = np.float32([a_left, a_right, asset.anchors["hem"]])
        dst = np.float32([rs, ls, hem])
        m = cv2.getAffineTransform(src, dst).astype(np.float64)
    else:
        m = similarity([a_left, a_right], [tuple(rs), tuple(ls)])
    return _placement(asset, m)


def _to_rgb(image: Any) -> np.ndarray:
    if isinstance(image, bytes | bytearray | memoryview):
        from PIL import Image, ImageOps, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(bytes(image))) as im:
                return np.asarray(ImageOps.exif_transpose(im).convert("RGB")).copy()
        except (UnidentifiedImageError, OSError) as exc:
            raise ValueError("unreadable") from exc
    if isinstance(image, np.ndarray) and image.dtype == np.uint8:
        if image.ndim == 2:
            return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
        if image.ndim == 3 and image.shape[2] == 3:
            return image
        if image.ndim == 3 and image.shape[2] == 4:
            return cv2.cvtColor(image, cv2.COLOR_RGBA2RGB)
    if hasattr(image, "convert"):
        return np.asarray(image.convert("RGB")).copy()
    raise ValueError("unreadable")


class TryOn:
    """Landmark models plus overlay rendering; use as a context manager or call ``close()``."""

    def __init__(
        self,
        mode: str = "photo",
        frame_budget_s: float = 1 / 15,
        refine: bool | None = None,
        max_side: int = 960,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if mode not in ("photo", "live"):
            raise ValueError("mode is 'photo' or 'live'")
        self.mode = mode
        self.frame_budget_s = frame_budget_s
        self.refine = (mode == "photo") if refine is None else refine
        self.max_side = max_side
        self.clock = clock
        self._face: Any = None
        self._pose: Any = None
        self._last_face: FaceLandmarks | None = None
        self._last_pose: PoseLandmarks | None = None
        self._behind = False

    def __enter__(self) -> TryOn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for model in (self._face, self._pose):
            if model is not None:
                model.close()
        self._face = self._pose = None

    def _face_model(self) -> Any:
        if self._face is None:
            from mediapipe.python.solutions import face_mesh

            self._face = face_mesh.FaceMesh(
                static_image_mode=self.mode == "photo",
                max_num_faces=1,
                refine_landmarks=self.refine,
                min_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
        return self._face

    def _pose_model(self) -> Any:
        if self._pose is None:
            from mediapipe.python.solutions import pose

            self._pose = pose.Pose(
                static_image_mode=self.mode == "photo",
                model_complexity=1,
                enable_segmentation=False,
                min_detection_confidence=0.5,
            )
        return self._pose

    def _model_input(self, rgb: np.ndarray) -> np.ndarray:
        h, w = rgb.shape[:2]
        if max(h, w) <= self.max_side:
            return rgb
        f = self.max_side / max(h, w)
        return cv2.resize(rgb, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)

    def face_landmarks(self, rgb: np.ndarray) -> FaceLandmarks | None:
        """Face mesh landmarks in pixels of ``rgb``, or None when no face is found."""
        res = self._face_model().process(self._model_input(rgb))
        if not res.multi_face_landmarks:
            return None
        h, w = rgb.shape[:2]
        lm = res.multi_face_landmarks[0].landmark
        pts = np.array([(p.x * w, p.y * h) for p in lm], dtype=np.float64)
        return FaceLandmarks(pts, refined=len(pts) > LEFT_IRIS)

    def pose_landmarks(self, rgb: np.ndarray) -> PoseLandmarks | None:
        res = self._pose_model().process(self._model_input(rgb))
        if not res.pose_landmarks:
            return None
        h, w = rgb.shape[:2]
        lm = res.pose_landmarks.landmark
        return PoseLandmarks(np.array([(p.x * w, p.y * h) for p in lm]), np.array([p.visibility for p in lm]))

    def apply(self, image: Any, assets: Iterable[TryOnAsset]) -> TryOnResult:
        """Render ``assets`` onto an RGB image (array, PIL image or encoded bytes)."""
        start = self.clock()
        try:
            rgb = _to_rgb(image)
        except ValueError:
            return TryOnResult(TryOnStatus.UNREADABLE, np.zeros((1, 1, 3), np.uint8))
        assets = list(assets)
        needs_face = any(a.kind in FACE_KINDS for a in assets)
        needs_body = any(a.kind in BODY_KINDS for a in assets)
        reuse = self.mode == "live" and self._behind
        face = pose = None
        if needs_face:
            face = self._last_face if reuse and self._last_face is not None else self.face_landmarks(rgb)
            self._last_face = face
        if needs_body:
            pose = self._last_pose if reuse and self._last_pose is not None else self.pose_landmarks(rgb)
            self._last_pose = pose
        detect_ms = (self.clock() - start) * 1000.0
        if needs_face and face is None:
            self._behind = False
            return TryOnResult(TryOnStatus.NO_FACE, rgb, detect_ms=detect_ms)
        out = rgb.copy()
        placements: list[Placement] = []
        for asset in assets:
            if asset.kind in FACE_KINDS:
                assert face is not None
                for p in place_face_asset(asset, face):
                    placements.append(p)
                    if asset.kind == "lipstick":
                        assert asset.color is not None
                        tint_region(
                            out,
                            face.pts[list(LIPS_OUTER)],
                            face.pts[list(LIPS_INNER)],
                            asset.color,
                            asset.opacity,
                        )
                    elif asset.image is not None and p.matrix is not None:
                        overlay_rgba(out, asset.image, p.matrix)
            elif asset.kind in BODY_KINDS:
                body = place_body_asset(asset, pose) if pose is not None else None
                if body is None:
                    self._behind = False
                    return TryOnResult(TryOnStatus.NO_BODY, rgb, detect_ms=detect_ms)
                placements.append(body)
                assert asset.image is not None and body.matrix is not None
                overlay_rgba(out, asset.image, body.matrix)
        # In live mode a frame over budget makes the next one reuse these landmarks.
        self._behind = self.mode == "live" and not reuse and (self.clock() - start) > self.frame_budget_s
        skus = [a.product_sku for a in assets if a.product_sku]
        return TryOnResult(TryOnStatus.OK, out, placements, detect_ms, reuse, skus)
