"""Campaign factories: a store with a SKU in stock, HQ and member sign-ins, the sandbox payment flow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.service import issue_tokens, member_principal
from backend.catalog.models import Sku
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.inventory.models import Stock
from backend.stores.models import Store
from tests.backend.orders.factories import put_stock
from tests.factories import bearer, create_member, create_sku, create_staff, create_store, staff_token


async def shop(session: AsyncSession, stock: int = 100, price: int = 5000) -> tuple[Store, Sku]:
    store = await create_store(session)
    sku = await create_sku(session, price=price)
    await put_stock(session, store, sku, stock)
    await session.commit()
    return store, sku


async def hq(client: httpx.AsyncClient, session: AsyncSession) -> dict[str, str]:
    staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    return bearer(await staff_token(client, staff))


async def members(session: AsyncSession, settings: Settings, count: int) -> list[tuple[int, dict[str, str]]]:
    """``count`` members, each signed in (a real sign-in: an auth session and its access token)."""
    made = []
    for _ in range(count):
        member = await create_member(session)
        tokens = await issue_tokens(session, settings, member_principal(member.id))
        made.append((member.id, bearer(tokens.access_token)))
    await session.commit()
    return made


def window(hours: float = 24, start_ago: float = 1) -> dict[str, str]:
    now = utcnow()
    return {
        "starts_at": (now - timedelta(hours=start_ago)).isoformat(),
        "ends_at": (now + timedelta(hours=hours)).isoformat(),
    }


async def pay(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> dict[str, Any]:
    """Open the payment at ``path`` and pay it on the sandbox page, as a shopper does."""
    response = await client.post(path, json={"provider": "sandbox"}, headers=headers)
    assert response.status_code == 200, response.text
    started = response.json()
    page = started["pay_url"].split("/api/v1", 1)[1]
    response = await client.post(f"/api/v1{page}/confirm")
    assert response.status_code == 200, response.text
    response = await client.post(f"/api/v1/payments/{started['payment_id']}/sync", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded", response.text
    return started


async def stock_of(app: Any, store: Store, sku: Sku) -> tuple[int, int]:
    async with app.state.db.read_sessionmaker() as session:
        row = (
            await session.execute(
                select(Stock.on_hand, Stock.reserved).where(
                    Stock.store_id == store.id, Stock.sku_id == sku.id
                )
            )
        ).first()
    return (row[0], row[1]) if row else (0, 0)


async def count(app: Any, query: Any) -> int:
    async with app.state.db.read_sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
