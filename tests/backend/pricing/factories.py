"""Price lists for tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Sku
from backend.core.time import utcnow
from backend.pricing.models import PriceList, PriceListItem


async def create_price_list(
    session: AsyncSession,
    scope: str,
    scope_value: int,
    prices: dict[Sku, int],
    *,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    **overrides: Any,
) -> PriceList:
    price_list = PriceList(
        **{
            "name": f"{scope} {scope_value}",
            "scope": scope,
            "scope_value": scope_value,
            "valid_from": valid_from or utcnow() - timedelta(days=1),
            "valid_to": valid_to,
            **overrides,
        }
    )
    session.add(price_list)
    await session.flush()
    session.add_all(
        PriceListItem(price_list_id=price_list.id, sku_id=sku.id, price=p) for sku, p in prices.items()
    )
    await session.flush()
    return price_list
