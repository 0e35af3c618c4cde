"""Sales and returns at the till, as a cashier makes them, for the commission and settlement tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.catalog.models import Sku
from backend.stores.models import Store


async def till_sale(
    client: httpx.AsyncClient,
    cashier: dict[str, str],
    store: Store,
    lines: list[tuple[Sku, int]],
    member_id: int | None = None,
) -> dict[str, Any]:
    """A completed cash sale at ``store``; returns the order."""
    body = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "member_id": member_id,
        "lines": [{"sku_id": sku.id, "quantity": qty} for sku, qty in lines],
        "tenders": [{"method": "cash", "amount": 10**8}],
    }
    response = await client.post("/api/v1/pos/sales", json=body, headers=cashier)
    assert response.status_code == 201, response.text
    return response.json()


async def return_units(
    client: httpx.AsyncClient,
    cashier: dict[str, str],
    order: dict[str, Any],
    store: Store,
    units: dict[int, int],
) -> dict[str, Any]:
    """Return ``units`` (order line id → quantity) of a completed order at ``store``."""
    body = {
        "order_id": order["id"],
        "store_id": store.id,
        "lines": [{"order_line_id": line_id, "quantity": qty} for line_id, qty in units.items()],
    }
    response = await client.post("/api/v1/returns", json=body, headers=cashier)
    assert response.status_code == 201, response.text
    return response.json()
