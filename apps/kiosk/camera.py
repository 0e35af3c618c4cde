"""Camera frames for the kiosk: where they come from (``FrameSource``) and the thread that scans them.

A real kiosk reads an OpenCV capture; tests and demos push frames into a ``QueueSource``. Either way
each frame goes through the real decoder (``shared.devices.scanner``), and the newest frame is kept
for the on-screen preview.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np


class FrameSource(Protocol):
    """Yields BGR or grayscale frames (numpy arrays) until closed."""

    def frames(self) -> Iterator[np.ndarray]: ...

    def close(self) -> None: ...


class OpenCVSource:
    """A USB or built-in camera through OpenCV."""

    def __init__(self, index: int = 0, width: int = 1280, height: int = 720) -> None:
        self.index, self.width, self.height = index, width, height
        self._closed = threading.Event()

    def frames(self) -> Iterator[np.ndarray]:
        from shared.devices.scanner import camera_frames

        for frame in camera_frames(self.index, self.width, self.height):
            if self._closed.is_set():
                return
            yield frame

    def close(self) -> None:
        self._closed.set()


class QueueSource:
    """Frames handed in by code (a test, a demo): each pushed frame stays in view until the next one."""

    def __init__(self, blank: tuple[int, int] = (480, 640), fps: float = 15.0) -> None:
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._current = np.full(blank, 200, np.uint8)
        self._closed = threading.Event()
        self._interval = 1.0 / fps

    def push(self, frame: np.ndarray) -> None:
        self._queue.put(frame)

    def frames(self) -> Iterator[np.ndarray]:
        while not self._closed.is_set():
            with contextlib.suppress(queue.Empty):
                self._current = self._queue.get(timeout=self._interval)
            yield self._current

    def close(self) -> None:
        self._closed.set()


def on_camera(image: np.ndarray, size: tuple[int, int] = (480, 640)) -> np.ndarray:
    """Place a code image on a grey camera-sized frame with a little sensor noise."""
    h, w = size
    gray = image if image.ndim == 2 else image.mean(axis=2).astype(np.uint8)
    scale = min((h * 0.8) / gray.shape[0], (w * 0.8) / gray.shape[1], 1.0)
    if scale < 1.0:
        import cv2

        gray = cv2.resize(gray, (int(gray.shape[1] * scale), int(gray.shape[0] * scale)), cv2.INTER_AREA)
    frame = np.full((h, w), 170, np.uint8)
    y, x = (h - gray.shape[0]) // 2, (w - gray.shape[1]) // 2
    frame[y : y + gray.shape[0], x : x + gray.shape[1]] = gray
    noise = np.random.default_rng(0).normal(0, 4, frame.shape)
    return np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)


class CameraScanner:
    """Reads a frame source on its own thread, keeps the newest frame, reports each new code once."""

    def __init__(self, source: FrameSource, on_code: Callable[[str], None], scanner: Any = None) -> None:
        from shared.devices.scanner import ReadDeduplicator, ScanLoop, Scanner

        self.source = source
        self.on_code = on_code
        self.loop = ScanLoop(scanner or Scanner(), frame_budget_s=0.15, dedup=ReadDeduplicator(hold_s=1.5))
        self.latest: np.ndarray | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="kiosk-camera", daemon=True)
        self._stop = threading.Event()

    def start(self) -> CameraScanner:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            for frame in self.source.frames():
                if self._stop.is_set():
                    return
                self.latest = frame
                for result in self.loop.feed(frame, now=time.monotonic()):
                    self.on_code(result.text)
        except Exception as exc:  # the camera vanished: the USB scanner still works
            self.error = f"{type(exc).__name__}: {exc}"

    def stop(self) -> None:
        self._stop.set()
        self.source.close()
