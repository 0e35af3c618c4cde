"""Image features for photo search: SIFT keypoints matched through a FLANN index, plus HSV colour.

Classical features are used on purpose: they ship with OpenCV (no model weights to fetch), cope
with rotation, crop, lighting and a changed background, and run on a small machine. A query's SIFT
descriptors vote for the catalog pictures whose descriptors pass Lowe's ratio test; the colour
histogram breaks ties and helps when a photo has little texture.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageOps

WORK_SIDE = 400
MAX_KEYPOINTS = 700
RATIO = 0.75
HIST_BINS = (16, 4, 4)
COLOUR_WEIGHT = 0.25

_sift = cv2.SIFT_create(nfeatures=MAX_KEYPOINTS)


def load_rgb(data: bytes) -> np.ndarray:
    """An RGB array of an encoded picture, upright per its EXIF orientation, longest side WORK_SIDE."""
    with Image.open(io.BytesIO(data)) as raw:
        image = ImageOps.exif_transpose(raw).convert("RGB")
    image.thumbnail((WORK_SIDE, WORK_SIDE), Image.LANCZOS)
    return np.asarray(image)


def colour_histogram(rgb: np.ndarray) -> np.ndarray:
    """A normalised hue/saturation/value histogram (hue-heavy, so lighting changes matter less)."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, list(HIST_BINS), [0, 180, 0, 256, 0, 256]).ravel()
    hist = np.sqrt(hist / max(float(hist.sum()), 1.0))
    return hist.astype(np.float32)


def descriptors(rgb: np.ndarray) -> np.ndarray:
    """SIFT descriptors (RootSIFT-normalised) of a picture, at most MAX_KEYPOINTS rows."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gray = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(gray)
    _, desc = _sift.detectAndCompute(gray, None)
    if desc is None:
        return np.zeros((0, 128), dtype=np.float32)
    desc = desc / np.maximum(desc.sum(axis=1, keepdims=True), 1e-7)
    return np.sqrt(desc).astype(np.float32)


@dataclass
class Features:
    hist: np.ndarray
    desc: np.ndarray


def extract(data: bytes) -> Features:
    rgb = load_rgb(data)
    return Features(colour_histogram(rgb), descriptors(rgb))


@dataclass
class Index:
    """Features of every indexed catalog picture, searchable in memory."""

    image_ids: list[int] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)
    hists: np.ndarray = field(default_factory=lambda: np.zeros((0, int(np.prod(HIST_BINS))), np.float32))
    descs: np.ndarray = field(default_factory=lambda: np.zeros((0, 128), np.float32))
    owners: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    _pending: list[tuple[int, Features]] = field(default_factory=list)
    _flann: cv2.FlannBasedMatcher | None = None

    def __len__(self) -> int:
        return len(self.image_ids)

    def add(self, image_id: int, product_id: int, features: Features) -> None:
        self._pending.append((len(self.image_ids), features))
        self.image_ids.append(image_id)
        self.product_ids.append(product_id)
        self._flann = None

    def _settle(self) -> None:
        """Fold pictures added since the last search into the arrays (one copy for many adds)."""
        if not self._pending:
            return
        self.hists = np.vstack([self.hists, *(f.hist[None, :] for _, f in self._pending)])
        self.descs = np.vstack([self.descs, *(f.desc for _, f in self._pending)])
        self.owners = np.concatenate(
            [self.owners, *(np.full(len(f.desc), pos, np.int32) for pos, f in self._pending)]
        )
        self._pending = []

    def _matcher(self) -> cv2.FlannBasedMatcher:
        if self._flann is None:
            self._flann = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 4}, {"checks": 64})
            self._flann.add([self.descs])
            self._flann.train()
        return self._flann

    def image_scores(self, features: Features) -> np.ndarray:
        """A score in [0, 1] per indexed picture: share of the query's good matches, plus colour."""
        self._settle()
        votes = np.zeros(len(self.image_ids), np.float32)
        if len(features.desc) >= 2 and len(self.descs) >= 2:
            for pair in self._matcher().knnMatch(features.desc, k=2):
                if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance:
                    votes[self.owners[pair[0].trainIdx]] += 1
        total = votes.sum()
        keypoint_score = votes / total if total else votes
        colour = self.hists @ features.hist
        return (1 - COLOUR_WEIGHT) * keypoint_score + COLOUR_WEIGHT * colour

    def search(self, features: Features, limit: int = 5) -> list[tuple[int, int, float]]:
        """Best (product id, image id, score) first, one row per product."""
        if not self.image_ids:
            return []
        scores = self.image_scores(features)
        best: dict[int, tuple[int, float]] = {}
        for position in np.argsort(-scores):
            product_id = self.product_ids[position]
            if product_id not in best:
                best[product_id] = (self.image_ids[position], float(scores[position]))
                if len(best) >= limit:
                    break
        return [(product_id, image_id, score) for product_id, (image_id, score) in best.items()]

    def to_bytes(self) -> bytes:
        self._settle()
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            image_ids=np.asarray(self.image_ids, np.int64),
            product_ids=np.asarray(self.product_ids, np.int64),
            hists=self.hists,
            descs=self.descs,
            owners=self.owners,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Index:
        with np.load(io.BytesIO(data)) as saved:
            return cls(
                image_ids=[int(v) for v in saved["image_ids"]],
                product_ids=[int(v) for v in saved["product_ids"]],
                hists=saved["hists"],
                descs=saved["descs"],
                owners=saved["owners"],
            )
