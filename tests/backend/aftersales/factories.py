"""After-sales factories: a member's completed till sale (cash), categories with return rules, stock."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales.models import CategoryRule
from backend.auth.principal import Principal, StaffRole
from backend.catalog.models import Category, Product, Sku
from backend.inventory.service import stock
from backend.orders import pos
from backend.orders.models import Order
from backend.orders.schemas import PosSaleCreate
from backend.stores.models import Store
from tests.factories import n

SYSTEM = Principal(kind="staff", id=0, roles=frozenset({StaffRole.HQ_ADMIN}), store_ids=None)
_seq = itertools.count(1)


async def category(session: AsyncSession, name: str, parent: Category | None = None, **rule: Any) -> Category:
    """A category; with keyword arguments, its return rule too."""
    i = n()
    row = Category(
        code=f"AS{i}", name_zh=name, name_en=f"Category {i}", parent_id=parent.id if parent else None
    )
    session.add(row)
    await session.flush()
    if rule:
        session.add(CategoryRule(category_id=row.id, **rule))
        await session.flush()
    return row


async def product_with_specs(
    session: AsyncSession, cat: Category, specs: list[tuple[str, int]], name: str = "T恤"
) -> list[Sku]:
    """One on-sale product with a SKU per (size, price)."""
    i = n()
    product = Product(
        code=f"ASP{i}",
        category_id=cat.id,
        name_zh=f"{name}{i}",
        name_en=f"Item {i}",
        status="on_sale",
        attributes={},
        spec_names=["尺码"],
    )
    session.add(product)
    await session.flush()
    skus = []
    for size, price in specs:
        sku = Sku(
            product_id=product.id, code=f"ASS{n()}", specs={"尺码": size}, base_price=price, status="active"
        )
        session.add(sku)
        skus.append(sku)
    await session.flush()
    return skus


async def put_stock(session: AsyncSession, store: Store, sku: Sku, qty: int) -> None:
    await stock.receive(session, store.id, sku.id, qty, ref_type="test", ref_id=f"as-seed-{next(_seq)}")


async def completed_sale(
    session: AsyncSession, store: Store, member_id: int, lines: list[tuple[Sku, int]], days_ago: float = 1
) -> Order:
    """A member's till sale paid in cash, completed ``days_ago`` days ago."""
    body = PosSaleCreate(
        client_id=f"as-sale-{n()}-{next(_seq)}",
        store_id=store.id,
        member_id=member_id,
        lines=[{"sku_id": s.id, "quantity": q} for s, q in lines],
        tenders=[{"method": "cash", "amount": 10_000_000}],
    )
    order, _replayed, _short = await pos.create_sale(session, SYSTEM, body)
    assert order.status == "completed", order.status
    assert order.completed_at is not None
    order.completed_at = order.completed_at - timedelta(days=days_ago)
    await session.flush()
    return order
