"""Live camera scanning: frames from a camera (a ``FrameSource``) are decoded with zbar through
``shared.devices.scanner``; a code is acted on once it reads the same on a few frames in a row, and a code
still in view is not acted on again. The phone camera is the boundary: ``SimulatedCamera`` stands in for it
with frames of a printed label moving into view (blurred and noisy until it settles)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import cv2
import numpy as np

from apps.shopper.viewmodels.base import ViewModel
from apps.shopper.viewmodels.scan import SYMBOLOGIES
from shared.devices.scanner import (
    CameraUnavailable,
    ReadDeduplicator,
    ScanLoop,
    Scanner,
    camera_frames,
)

# 1-D reads must agree on this many frames before they count (a one-frame misread is ignored).
CONFIRMATIONS = 2


class FrameSource(Protocol):
    """Where camera frames come from (grayscale or BGR arrays, newest first served)."""

    def frames(self) -> AsyncIterator[np.ndarray]: ...


class DesktopCamera:
    """A desktop webcam through OpenCV (``shared.devices.scanner.camera_frames``)."""

    def __init__(self, index: int = 0) -> None:
        self.index = index

    async def frames(self) -> AsyncIterator[np.ndarray]:
        source = await asyncio.to_thread(camera_frames, self.index)
        while True:
            frame = await asyncio.to_thread(next, source, None)
            if frame is None:
                return
            yield frame


class SimulatedCamera:
    """A phone camera pointed at a shelf: empty frames, then ``label`` sliding in blurred and noisy, then
    held still for ``steady`` frames."""

    def __init__(
        self,
        label: np.ndarray,
        *,
        size: tuple[int, int] = (640, 480),
        empty: int = 3,
        moving: int = 3,
        steady: int = 6,
        seed: int = 5,
    ) -> None:
        self.label = label if label.ndim == 2 else cv2.cvtColor(label, cv2.COLOR_BGR2GRAY)
        self.size, self.empty, self.moving, self.steady = size, empty, moving, steady
        self.rng = np.random.default_rng(seed)
        self.served = 0

    def _scene(self) -> np.ndarray:
        width, height = self.size
        ramp = np.linspace(90, 170, width, dtype=np.float32)[None, :].repeat(height, 0)
        noise = self.rng.normal(0, 6, (height, width)).astype(np.float32)
        return np.clip(ramp + noise, 0, 255).astype(np.uint8)

    def _frame(self, shift: float, blur: int) -> np.ndarray:
        frame = self._scene()
        width, height = self.size
        scale = min(0.8 * width / self.label.shape[1], 0.6 * height / self.label.shape[0], 1.0)
        label = cv2.resize(self.label, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        lh, lw = label.shape
        x = int((width - lw) / 2 + shift * width)
        y = (height - lh) // 2
        x0, x1 = max(0, x), min(width, x + lw)
        if x1 > x0:
            frame[y : y + lh, x0:x1] = label[:, x0 - x : x1 - x]
        if blur > 1:
            frame = cv2.GaussianBlur(frame, (blur, blur), 0)
        return frame

    async def frames(self) -> AsyncIterator[np.ndarray]:
        for _ in range(self.empty):
            self.served += 1
            yield self._scene()
            await asyncio.sleep(0)
        for i in range(self.moving):
            self.served += 1
            yield self._frame(shift=0.6 - 0.2 * i, blur=15 - 4 * i)
            await asyncio.sleep(0)
        for _ in range(self.steady):
            self.served += 1
            yield self._frame(shift=0.0, blur=1)
            await asyncio.sleep(0)


OnCode = Callable[[str], Awaitable[Any]]


class LiveScanVM(ViewModel):
    """Watch a frame source until a code reads stably, then hand it to ``on_code`` (open the product,
    or add it to the scan-and-go list) and stop."""

    def __init__(self, scanner: Scanner | None = None, *, confirmations: int = CONFIRMATIONS) -> None:
        super().__init__()
        self.loop = ScanLoop(
            scanner or Scanner(symbologies=SYMBOLOGIES),
            dedup=ReadDeduplicator(confirmations=confirmations),
        )
        self.scanning = False
        self.code: str | None = None
        self.frames = 0
        self.result: Any = None

    async def watch(self, source: FrameSource, on_code: OnCode) -> str | None:
        """Scan frames until the first stable read; the code (None when the source ran out first)."""
        self.scanning, self.code, self.result, self.error = True, None, None, None
        self.notify()
        try:
            async for frame in source.frames():
                self.frames += 1
                fresh = await asyncio.to_thread(self.loop.feed, frame)
                if fresh:
                    self.code = fresh[0].text
                    break
        except CameraUnavailable:
            self.error = "scan.camera_unavailable"
        finally:
            self.scanning = False
        if self.code is None:
            self.error = self.error or "scan.no_code"
            self.notify()
            return None
        self.notify()
        self.result = await on_code(self.code)
        self.notify()
        return self.code
