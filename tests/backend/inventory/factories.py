"""Inventory factories: SKUs with barcodes, stock put in through the real primitives, staff tokens."""

from __future__ import annotations

import itertools
from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Category, Sku
from backend.inventory import stock
from backend.stores.models import Store
from tests.factories import bearer, create_staff, create_store, staff_token

_seq = itertools.count(1)


async def create_category(session: AsyncSession, parent: Category | None = None) -> Category:
    i = next(_seq)
    category = Category(
        code=f"INVC{i}", name_zh=f"类目{i}", name_en=f"Category {i}", parent_id=parent.id if parent else None
    )
    session.add(category)
    await session.flush()
    return category


async def put_stock(
    session: AsyncSession,
    store: Store | int,
    sku: Sku | int,
    qty: int,
    *,
    batch_no: str | None = None,
    expires_on: date | None = None,
) -> None:
    store_id = store if isinstance(store, int) else store.id
    sku_id = sku if isinstance(sku, int) else sku.id
    await stock.receive(
        session,
        store_id,
        sku_id,
        qty,
        ref_type="test",
        ref_id=f"seed-{next(_seq)}",
        batch_no=batch_no,
        expires_on=expires_on,
    )


async def staff_headers(
    client: httpx.AsyncClient, session: AsyncSession, roles: list[str], stores: list[Store] | None
) -> dict[str, str]:
    """A signed-in staff member's headers; commits so the API sees the rows."""
    staff = await create_staff(session, roles, stores)
    await session.commit()
    return bearer(await staff_token(client, staff))


async def store_pair(session: AsyncSession) -> tuple[Store, Store]:
    a = await create_store(session)
    b = await create_store(session)
    return a, b
