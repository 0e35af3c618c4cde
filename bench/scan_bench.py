"""Scan benchmark: frames/s of the scanner on 640x480 frames against a bare pyzbar.decode.

Both run on the same frames in the same process, interleaved frame by frame so that load from
other processes hits both alike. Figures are given per wall-clock second and per CPU second of
this process (the latter is steadier on a shared machine). "live" frames are upright camera
frames (the common case: the plain pass reads them); "hard" frames are perturbed like the test
set (rotation up to 30 degrees, tilt, blur, noise, JPEG), where the rescue passes earn their time.

    python -m bench.scan_bench        or        python bench/scan_bench.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
from pyzbar import pyzbar  # noqa: E402
from pyzbar.pyzbar import ZBarSymbol  # noqa: E402

from shared.devices.scanner import ReadDeduplicator, ScanLoop, Scanner  # noqa: E402
from tests.shared.devices.barcode_samples import Sample, clean_frames, perturbed_set  # noqa: E402


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


def expected(s: Sample) -> str:
    return s.value.zfill(13) if s.kind in ("ean13", "ean8", "upca") else s.value


def compare(name: str, samples: list[Sample], repeat: int, scanner: Scanner) -> None:
    frames = [cv2.cvtColor(s.image, cv2.COLOR_GRAY2BGR) for s in samples]
    base, same, mine = Meter(), Meter(), Meter()
    symbols = [ZBarSymbol[s.value] for s in scanner.symbologies]
    base_read = ok = wrong = 0
    for _ in range(repeat):
        for s, f in zip(samples, frames, strict=True):
            raw = base.time(lambda f=f: pyzbar.decode(f))
            same.time(lambda f=f: pyzbar.decode(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), symbols=symbols))
            out = mine.time(lambda f=f: scanner.scan(f))
            got = [r.gtin13 or r.text for r in out.results]  # type: ignore[attr-defined]
            base_read += any(
                (
                    d.data.decode("utf-8", "replace").zfill(13)
                    if d.type in ("EAN13", "EAN8", "UPCA")
                    else d.data.decode("utf-8", "replace")
                )
                == expected(s)
                for d in raw  # type: ignore[attr-defined]
            )
            ok += expected(s) in got
            wrong += sum(g != expected(s) for g in got)
    n = len(samples)
    print(f"{name} ({n} frames x {repeat}):")
    print(
        f"  bare pyzbar.decode  {base.fps:7.1f} frames/s wall  {base.cpu_fps:7.1f} frames/CPU-s  "
        f"read {base_read // repeat}/{n}"
    )
    print(
        f"  gray + pyzbar.decode(symbols=ours)  {same.fps:7.1f} frames/s wall  "
        f"{same.cpu_fps:7.1f} frames/CPU-s  (the scanner's plain pass, undressed)"
    )
    print(
        f"  Scanner.scan        {mine.fps:7.1f} frames/s wall  {mine.cpu_fps:7.1f} frames/CPU-s  "
        f"read {ok // repeat}/{n}, wrong values {wrong // repeat}"
    )
    print(
        f"  ratio Scanner/bare  {mine.fps / base.fps:7.2f} (wall)"
        f"         {mine.cpu_fps / base.cpu_fps:7.2f} (CPU)"
    )
    print(
        f"  ratio Scanner/plain {mine.fps / same.fps:7.2f} (wall)"
        f"         {mine.cpu_fps / same.cpu_fps:7.2f} (CPU)"
    )


def main() -> None:
    live = clean_frames(30)
    hard = perturbed_set(100, seed=21)
    scanner = Scanner()
    for s in live[:5]:
        pyzbar.decode(s.image)
        scanner.scan(s.image)
    print(f"scan benchmark on {live[0].image.shape[1]}x{live[0].image.shape[0]} BGR frames")
    compare("live", live, 3, scanner)
    compare("hard", hard, 1, scanner)

    loop = ScanLoop(Scanner(), frame_budget_s=1 / 15, dedup=ReadDeduplicator(confirmations=2))
    frames = [cv2.cvtColor(s.image, cv2.COLOR_GRAY2BGR) for s in live]
    m = Meter()
    for f in frames * 3:
        m.time(lambda f=f: loop.feed(f))
    print(
        f"ScanLoop, 1/15 s frame budget: {m.fps:.1f} frames/s wall, {m.cpu_fps:.1f} frames/CPU-s, "
        f"{loop.stats.over_budget}/{loop.stats.frames} frames over budget"
    )


if __name__ == "__main__":
    main()
