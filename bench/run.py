"""Run benchmarks and write docs/performance.md.

Each ``bench/<name>_bench.py`` is a script that measures its own baseline in the same run and prints
its figures and ratios. This runner starts each in its own process (so one benchmark's warm caches or
threads do not colour the next), shows its output as it goes, and collects it into the report. Running a
few benchmarks replaces their sections and keeps the others; the hand-written analysis at the end of the
report (from ``ANALYSIS`` on) is kept as it is. Every line that states a ratio against its target
(``0.59x (target >= 1.0x)``) is drawn in one chart of how far each hot path is from its target.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "performance.md"
CHART = ROOT / "docs" / "performance-targets.png"
ANALYSIS = "## What limits the hot paths"
TARGET = re.compile(r"(?P<ratio>[\d.]+)x \(target (?P<op>>=|at least|under) (?P<goal>[\d.]+)x\)")


def sections_of(report: str) -> tuple[dict[str, str], str]:
    """The benchmark sections of an earlier report by name, and its hand-written analysis."""
    analysis = ""
    if ANALYSIS in report:
        report, analysis = report.split(ANALYSIS, 1)
        analysis = ANALYSIS + analysis
    found: dict[str, str] = {}
    for block in re.split(r"^(?=## )", report, flags=re.M)[1:]:
        name = block.splitlines()[0].removeprefix("## ").strip()
        found[name] = block.rstrip() + "\n"
    return found, analysis


def attainment(sections: dict[str, str]) -> list[tuple[str, float, str]]:
    """(benchmark, share of its target reached, the ratio as printed) for every stated target."""
    rows = []
    for name, text in sections.items():
        for m in TARGET.finditer(text):
            ratio, goal = float(m["ratio"]), float(m["goal"])
            share = goal / ratio if m["op"] == "under" else ratio / goal
            rows.append((name, share, f"{m['ratio']}x (target {m['op']} {m['goal']}x)"))
    return rows


def draw(rows: list[tuple[str, float, str]]) -> bool:
    """A bar per target, 1.0 = met; matplotlib draws it to PNG without a browser."""
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.7 * len(rows) + 1.4), dpi=110)
    names = [name for name, _, _ in rows]
    shares = [share for _, share, _ in rows]
    colours = ["#2e7d32" if share >= 1 else "#e53935" for share in shares]
    ax.barh(names, shares, color=colours)
    ax.axvline(1.0, color="#333333", linestyle="--", linewidth=1)
    for y, (_, share, printed) in enumerate(rows):
        ax.text(
            share + 0.02,
            y,
            printed,
            va="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none"},
        )
    ax.set_xlim(0, max(1.6, max(shares) + 0.8))
    ax.invert_yaxis()
    ax.set_xlabel("share of the target reached (1.0 = met; ratios measured against a same-run baseline)")
    ax.set_title("Hot paths against their targets")
    fig.tight_layout()
    fig.savefig(CHART)
    plt.close(fig)
    return True


def _modules() -> dict[str, str]:
    """Benchmark name -> module: ``bench/<name>_bench.py``, then the model evaluations on public data
    (``bench/evals/<name>_eval.py``, named by their file stem)."""
    found = {
        p.stem.removesuffix("_bench"): f"bench.{p.stem}" for p in sorted((ROOT / "bench").glob("*_bench.py"))
    }
    for p in sorted((ROOT / "bench" / "evals").glob("*_eval.py")):
        found.setdefault(p.stem, f"bench.evals.{p.stem}")
    return found


def available() -> list[str]:
    return list(_modules())


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
            [sys.executable, "-m", _modules()[name]],
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
        sections.append(
            f"## {name}\n\n{status}, {elapsed:.0f} s, measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"```\n{process.stdout.strip()}\n```\n"
        )
    earlier, analysis = sections_of(REPORT.read_text()) if REPORT.exists() else ({}, "")
    merged = {**earlier, **dict(zip(names, sections, strict=True))}
    ordered = {name: merged[name] for name in available() if name in merged}
    charted = draw(attainment(ordered))
    header = (
        "# Performance\n\n"
        f"Last run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()} ({', '.join(names)}; each section says when it was measured). "
        "Every figure comes with a baseline measured in the same run, so ratios stay meaningful on a noisy "
        "shared machine. Reproduce with `make bench` (all) or `.venv/bin/omo bench NAME…`.\n\n"
    )
    if charted:
        header += f"![Hot paths against their targets]({CHART.name})\n\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(header + "\n".join(ordered.values()) + ("\n" + analysis if analysis else ""))
    print(f"\nwrote {REPORT.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or available()))
