"""Try-on benchmark: frames/s with the glasses overlay against the bare MediaPipe face mesh.

Both run on the same 640x480 frames (a real face photo, skimage's astronaut, drifting and
tilting a little from frame to frame as in a live camera), interleaved frame by frame, each
with its own tracking face mesh (live mode, no iris refinement). Figures are per wall-clock
second and per CPU second of this process. Photo mode (iris-refined landmarks on a still) and
live mode with a 1/15 s budget (landmarks reused on a frame after one that ran over) follow.

    python -m bench.tryon_bench       or        python bench/tryon_bench.py
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from skimage import data  # noqa: E402

from shared.devices.tryon import TryOn, load_assets  # noqa: E402


@dataclass
class Meter:
    wall: float = 0.0
    cpu: float = 0.0
    frames: int = 0

    def time(self, fn: Callable[[], object]) -> object:
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        self.wall += time.perf_counter() - w
        self.cpu += time.process_time() - c
        self.frames += 1
        return out

    @property
    def fps(self) -> float:
        return self.frames / self.wall

    @property
    def cpu_fps(self) -> float:
        return self.frames / max(self.cpu, 1e-9)


def frames(n: int) -> list[np.ndarray]:
    face = data.astronaut()
    out = []
    for i in range(n):
        canvas = np.full((480, 640, 3), 180, np.uint8)
        angle = 6.0 * np.sin(i / 7.0)
        m = cv2.getRotationMatrix2D((256, 256), angle, 0.9)
        m[:, 2] += (64 + 20 * np.sin(i / 5.0), -10 + 8 * np.cos(i / 6.0))
        out.append(cv2.warpAffine(face, m, (640, 480), dst=canvas, borderMode=cv2.BORDER_TRANSPARENT))
    return out


def main() -> None:
    from mediapipe.python.solutions import face_mesh

    assets = load_assets()
    glasses = [assets["glasses_classic"]]
    clip = frames(60)
    bare_mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=False)
    tryon = TryOn(mode="live", frame_budget_s=10.0, refine=False)
    for f in clip[:5]:
        bare_mesh.process(f)
        tryon.apply(f, glasses)
    base, mine = Meter(), Meter()
    ok = 0
    for f in clip * 2:
        base.time(lambda f=f: bare_mesh.process(f))
        res = mine.time(lambda f=f: tryon.apply(f, glasses))
        ok += res.ok  # type: ignore[attr-defined]
    print(f"try-on benchmark on {clip[0].shape[1]}x{clip[0].shape[0]} RGB frames ({len(clip) * 2} frames)")
    print(f"  bare FaceMesh.process     {base.fps:6.1f} frames/s wall  {base.cpu_fps:6.1f} frames/CPU-s")
    print(
        f"  TryOn.apply (glasses)     {mine.fps:6.1f} frames/s wall  {mine.cpu_fps:6.1f} frames/CPU-s  "
        f"face found {ok}/{mine.frames}"
    )
    print(
        f"  ratio TryOn/bare          {mine.fps / base.fps:6.2f} (wall)"
        f"         {mine.cpu_fps / base.cpu_fps:6.2f} (CPU)"
    )
    bare_mesh.close()
    tryon.close()

    budgeted = TryOn(mode="live", frame_budget_s=1 / 15, refine=False)
    m = Meter()
    reused = 0
    for f in clip * 2:
        res = m.time(lambda f=f: budgeted.apply(f, glasses))
        reused += res.reused_landmarks  # type: ignore[attr-defined]
    budgeted.close()
    print(
        f"  live, 1/15 s budget        {m.fps:6.1f} frames/s wall  {m.cpu_fps:6.1f} frames/CPU-s  "
        f"landmarks reused on {reused}/{m.frames} frames"
    )

    with TryOn(mode="photo") as photo:
        photo.apply(data.astronaut(), glasses)
        p = Meter()
        for _ in range(10):
            p.time(lambda: photo.apply(data.astronaut(), [assets[k] for k in assets]))
    print(f"  photo mode, all 5 assets, 512x512: {1000 * p.wall / p.frames:.0f} ms per photo (wall)")


if __name__ == "__main__":
    main()
