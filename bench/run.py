"""Run benchmarks and write docs/performance.md.

Each ``bench/<name>_bench.py`` is a script that measures its own baseline in the same run and prints
its figures and ratios. This runner starts each in its own process (so one benchmark's warm caches or
threads do not colour the next), shows its output as it goes, and collects it into the report.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "performance.md"


def available() -> list[str]:
    benches = sorted(p.stem.removesuffix("_bench") for p in (ROOT / "bench").glob("*_bench.py"))
    # model evaluations on public data (bench/evals/<name>_eval.py), named by their file stem
    return benches + sorted(p.stem for p in (ROOT / "bench" / "evals").glob("*_eval.py"))


def _module(name: str) -> str:
    return f"bench.evals.{name}" if name.endswith("_eval") else f"bench.{name}_bench"


def run(names: list[str]) -> int:
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)}; available: {', '.join(available())}")
        return 2
    sections: list[str] = []
    failures = 0
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-m", _module(name)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        print(process.stdout, end="")
        if process.returncode != 0:
            failures += 1
            print(process.stderr[-4000:], file=sys.stderr)
        status = "ok" if process.returncode == 0 else f"failed (exit {process.returncode})"
        sections.append(f"## {name}\n\n{status}, {elapsed:.0f} s\n\n```\n{process.stdout.strip()}\n```\n")
    header = (
        "# Performance\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Every figure comes with a baseline measured in the same run, "
        "so ratios stay meaningful on a noisy shared machine. Reproduce with `make bench`.\n\n"
    )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(header + "\n".join(sections))
    print(f"\nwrote {REPORT.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or available()))
