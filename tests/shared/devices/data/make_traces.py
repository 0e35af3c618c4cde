"""Write the recorded-style RSSI traces used by the arrival detector tests.

A shopper's phone hears one store beacon (RSSI -59 dBm at 1 m) about once a second, as phones
do. RSSI follows log-distance path loss (exponent 2.2) with 4 dB shadowing noise, occasional
deep fades, and missed advertisements. Each scenario is a path of (time, distance) knots; the
door is 5 m from the beacon. Run ``python make_traces.py`` to regenerate the CSV files.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

HERE = Path(__file__).parent / "traces"
MEASURED_POWER = -59.0
EXPONENT = 2.2

SCENARIOS: dict[str, list[tuple[float, float]]] = {
    "walk_in": [(0, 40), (25, 5), (30, 3), (150, 3), (160, 5), (185, 40), (240, 60)],
    "linger_at_door": [(0, 40), (25, 6.5), (115, 6.5), (140, 40), (180, 60)],
    "pass_by": [(0, 30), (12, 6), (14, 3), (17, 3), (19, 6), (32, 30), (60, 60)],
    "dropouts": [(0, 40), (25, 5), (30, 2.5), (210, 2.5), (220, 5), (245, 40), (300, 60)],
}
GAPS = {"dropouts": [(60, 72), (100, 106), (140, 155)]}


def distance_at(path: list[tuple[float, float]], t: float) -> float:
    for (t0, d0), (t1, d1) in zip(path, path[1:], strict=False):
        if t0 <= t <= t1:
            return d0 + (d1 - d0) * (t - t0) / (t1 - t0)
    return path[-1][1]


def trace(name: str, seed: int) -> list[tuple[float, int]]:
    rng = random.Random(seed)
    path = SCENARIOS[name]
    rows = []
    t = 0.0
    while t <= path[-1][0]:
        t += rng.uniform(0.8, 1.2)
        if any(a <= t < b for a, b in GAPS.get(name, [])) or rng.random() < 0.15:
            continue
        d = distance_at(path, t)
        rssi = MEASURED_POWER - 10 * EXPONENT * math.log10(d) + rng.gauss(0, 4.0)
        if rng.random() < 0.05:
            rssi -= rng.uniform(8, 15)
        if rssi < -100:
            continue
        rows.append((round(t, 2), int(round(rssi))))
    return rows


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for i, name in enumerate(SCENARIOS):
        with open(HERE / f"{name}.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["t", "rssi"])
            w.writerows(trace(name, seed=100 + i))


if __name__ == "__main__":
    main()
