"""Inventory: stock per store and SKU, batches, ledger, reservations and stock documents.

Other domains call the stock primitives as ``from backend.inventory import stock``.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "stock":
        from backend.inventory.service import stock

        return stock
    raise AttributeError(name)
