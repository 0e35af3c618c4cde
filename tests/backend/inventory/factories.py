"""Inventory factories: SKUs with barcodes, stock put in through the real primitives, staff tokens."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Barcode, Category, Product, Sku
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


async def create_sku(
    session: AsyncSession,
    *,
    category: Category | None = None,
    cost_price: int | None = 600,
    shelf_location: str | None = None,
    barcode: str | None = None,
    **overrides: Any,
) -> Sku:
    i = next(_seq)
    category = category or await create_category(session)
    product = Product(
        code=f"INVP{i}",
        category_id=category.id,
        name_zh=f"牛奶{i}",
        name_en=f"Milk {i}",
        status="on_sale",
        attributes={},
        spec_names=[],
    )
    session.add(product)
    await session.flush()
    sku = Sku(
        product_id=product.id,
        code=f"INVSKU{i}",
        specs={},
        base_price=1000,
        cost_price=cost_price,
        shelf_location=shelf_location,
        **overrides,
    )
    session.add(sku)
    await session.flush()
    if barcode:
        session.add(Barcode(sku_id=sku.id, code=barcode, symbology="ean13"))
        await session.flush()
    return sku


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
