"""RFM eval: our recency / frequency / monetary against lifetimes' on the CDNOW master file.

lifetimes (an independent library) computes, with ``freq="D"`` and ``include_first_transaction=True``:
frequency = purchase days, recency = days from first to last purchase, T = days from first purchase to
the end of the period, monetary_value = mean spend per purchase day. Ours maps onto them exactly:
recency_days = T - recency, frequency = frequency, monetary = monetary_value × frequency (in cents).

    python -m bench.evals.rfm_eval
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402

from backend.intelligence.segments import SEGMENT_NAMES, rfm_table, score  # noqa: E402
from bench.evals.data import cdnow  # noqa: E402


def main() -> int:
    started = time.perf_counter()
    frame = cdnow()
    frame["cents"] = (frame["amount"] * 100).round().astype(int)
    end = frame["date"].max()
    theirs = summary_data_from_transaction_data(
        frame,
        "customer_id",
        "date",
        monetary_value_col="cents",
        observation_period_end=end,
        freq="D",
        include_first_transaction=True,
    )
    ours = {
        row.customer: row
        for row in rfm_table(
            zip(frame["customer_id"], frame["date"].dt.date, frame["cents"], strict=True), end.date()
        )
    }
    agree = {"recency": 0, "frequency": 0, "monetary": 0}
    for customer, row in theirs.iterrows():
        mine = ours[int(customer)]
        agree["recency"] += mine.recency_days == int(row["T"] - row["recency"])
        agree["frequency"] += mine.frequency == int(row["frequency"])
        agree["monetary"] += mine.monetary == round(row["monetary_value"] * row["frequency"])
    n = len(theirs)
    print("dataset: CDNOW master (Lifetimes 0.11.3 lifetimes/datasets/CDNOW_master.txt)")
    print(f"customers: {n} (ours: {len(ours)}), period end {end.date()}")
    for name, count in agree.items():
        print(f"{name:9s} agreement with lifetimes: {count}/{n} ({count / n:.2%})")
    segments = Counter(s.segment for s in score(list(ours.values())))
    print("segments: " + ", ".join(f"{SEGMENT_NAMES[k][0]} {v}" for k, v in segments.most_common()))
    sleeping = sum(s.sleeping for s in score(list(ours.values())))
    print(f"sleeping members: {sleeping}; {time.perf_counter() - started:.1f} s")
    exact = all(count == n for count in agree.values()) and len(ours) == n
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
