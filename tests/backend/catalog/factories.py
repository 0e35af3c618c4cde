"""Catalog rows for tests: categories, products with SKUs, barcodes, stock, and an HQ sign-in."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Barcode, Category, Product, Sku
from backend.catalog.repository import all_categories, replace_terms
from backend.catalog.search import product_terms
from backend.catalog.service import ancestry
from backend.inventory.models import Stock
from backend.stores.models import Store
from tests.factories import bearer, create_staff, n, staff_token


async def hq_headers(client: httpx.AsyncClient, session: AsyncSession) -> dict[str, str]:
    staff = await create_staff(session, roles=["hq_admin"])
    await session.commit()
    return bearer(await staff_token(client, staff))


async def create_category(
    session: AsyncSession, parent: Category | None = None, **overrides: Any
) -> Category:
    i = n()
    category = Category(
        **{
            "code": f"C{i}",
            "name_zh": f"分类{i}",
            "name_en": f"Category {i}",
            "parent_id": parent.id if parent else None,
            **overrides,
        }
    )
    session.add(category)
    await session.flush()
    return category


async def create_product(
    session: AsyncSession,
    category: Category | None = None,
    *,
    prices: list[int] | None = None,
    spec_names: list[str] | None = None,
    specs: list[dict[str, str]] | None = None,
    **overrides: Any,
) -> tuple[Product, list[Sku]]:
    """A product with one SKU per price (default one SKU at 1000 fen), indexed for search."""
    i = n()
    category = category or await create_category(session)
    prices = prices or [1000]
    spec_names = spec_names if spec_names is not None else (["规格"] if len(prices) > 1 else [])
    product = Product(
        **{
            "code": f"P{i}",
            "category_id": category.id,
            "name_zh": f"测试商品{i}",
            "name_en": f"Test product {i}",
            "status": "on_sale",
            "attributes": {},
            "spec_names": spec_names,
            **overrides,
        }
    )
    session.add(product)
    await session.flush()
    skus = []
    for index, price in enumerate(prices):
        default_specs = {"规格": f"款{index + 1}"} if spec_names else {}
        sku_specs = specs[index] if specs is not None else default_specs
        sku = Sku(product_id=product.id, code=f"P{i}-{index + 1}", specs=sku_specs, base_price=price)
        session.add(sku)
        skus.append(sku)
    await session.flush()
    categories = await all_categories(session)
    names = [name for c in ancestry(categories, product.category_id) for name in (c.name_zh, c.name_en)]
    await replace_terms(
        session, product.id, product_terms(product.name_zh, product.name_en, product.brand, names)
    )
    return product, skus


async def add_barcode(session: AsyncSession, sku: Sku, code: str, symbology: str = "ean13") -> Barcode:
    barcode = Barcode(sku_id=sku.id, code=code, symbology=symbology)
    session.add(barcode)
    await session.flush()
    return barcode


async def set_stock(session: AsyncSession, store: Store, sku: Sku, on_hand: int, reserved: int = 0) -> Stock:
    stock = Stock(store_id=store.id, sku_id=sku.id, on_hand=on_hand, reserved=reserved)
    session.add(stock)
    await session.flush()
    return stock
