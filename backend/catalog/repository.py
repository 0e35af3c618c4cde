"""All SQL of the catalog domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Barcode, Category, Product, ProductImage, SearchTerm, Sku
from backend.catalog.search import prefix_upper_bound
from backend.inventory.models import Stock
from backend.pricing.repository import StoreContext, effective_price

# --- categories


async def all_categories(session: AsyncSession) -> list[Category]:
    return list(await session.scalars(select(Category).order_by(Category.sort_order, Category.id)))


async def get_category(session: AsyncSession, category_id: int) -> Category | None:
    return await session.get(Category, category_id)


async def category_by_code(session: AsyncSession, code: str) -> Category | None:
    return await session.scalar(select(Category).where(Category.code == code))


async def products_in_categories(session: AsyncSession, category_ids: Iterable[int]) -> list[Product]:
    ids = list(category_ids)
    if not ids:
        return []
    return list(await session.scalars(select(Product).where(Product.category_id.in_(ids))))


# --- products, SKUs, barcodes, images


async def get_product(session: AsyncSession, product_id: int) -> Product | None:
    return await session.get(Product, product_id)


async def product_code_taken(session: AsyncSession, code: str) -> bool:
    return await session.scalar(select(Product.id).where(Product.code == code)) is not None


async def sku_code_taken(session: AsyncSession, code: str) -> bool:
    return await session.scalar(select(Sku.id).where(Sku.code == code)) is not None


async def sku_ids_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, int]:
    """SKU id by code, for the codes that exist."""
    wanted = list(codes)
    if not wanted:
        return {}
    return dict((await session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(wanted)))).all())


async def get_sku(session: AsyncSession, sku_id: int) -> Sku | None:
    return await session.get(Sku, sku_id)


async def skus_of(session: AsyncSession, product_id: int) -> list[Sku]:
    return list(await session.scalars(select(Sku).where(Sku.product_id == product_id).order_by(Sku.id)))


async def barcodes_of(session: AsyncSession, sku_ids: Sequence[int]) -> dict[int, list[Barcode]]:
    result: dict[int, list[Barcode]] = {sku: [] for sku in sku_ids}
    if not sku_ids:
        return result
    for barcode in await session.scalars(
        select(Barcode).where(Barcode.sku_id.in_(sku_ids)).order_by(Barcode.id)
    ):
        result[barcode.sku_id].append(barcode)
    return result


async def barcode_by_code(session: AsyncSession, code: str) -> Barcode | None:
    return await session.scalar(select(Barcode).where(Barcode.code == code))


async def images_of(session: AsyncSession, product_ids: Sequence[int]) -> dict[int, list[ProductImage]]:
    result: dict[int, list[ProductImage]] = {pid: [] for pid in product_ids}
    if not product_ids:
        return result
    rows = await session.scalars(
        select(ProductImage)
        .where(ProductImage.product_id.in_(product_ids))
        .order_by(ProductImage.sort_order, ProductImage.id)
    )
    for image in rows:
        result[image.product_id].append(image)
    return result


async def get_image(session: AsyncSession, image_id: int) -> ProductImage | None:
    return await session.get(ProductImage, image_id)


async def next_image_order(session: AsyncSession, product_id: int) -> int:
    current = await session.scalar(
        select(func.max(ProductImage.sort_order)).where(ProductImage.product_id == product_id)
    )
    return 0 if current is None else current + 1


async def available_at(session: AsyncSession, store_id: int, sku_ids: Sequence[int]) -> dict[int, int]:
    """SKU id -> on_hand - reserved at one store (absent rows mean none)."""
    if not sku_ids:
        return {}
    rows = await session.execute(
        select(Stock.sku_id, Stock.on_hand - Stock.reserved).where(
            Stock.store_id == store_id, Stock.sku_id.in_(sku_ids)
        )
    )
    return {sku_id: available for sku_id, available in rows}


# --- search index


async def replace_terms(session: AsyncSession, product_id: int, terms: dict[str, int]) -> None:
    await session.execute(delete(SearchTerm).where(SearchTerm.product_id == product_id))
    if terms:
        await session.execute(
            insert(SearchTerm),
            [{"term": term, "product_id": product_id, "weight": weight} for term, weight in terms.items()],
        )


# --- listing and search


@dataclass(frozen=True, slots=True)
class ListingQuery:
    tokens: list[set[str]]
    statuses: Sequence[str] | None
    category_ids: Sequence[int] | None
    kind: str | None
    price_ctx: StoreContext | None
    at: datetime
    min_price: int | None
    max_price: int | None
    in_stock_at: int | None
    sort: str
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class ListingRow:
    product: Product
    price: int | None
    score: int


def _prefix(term: str) -> ColumnElement[bool]:
    return and_(SearchTerm.term >= term, SearchTerm.term < prefix_upper_bound(term))


def product_price(ctx: StoreContext | None, at: datetime) -> Any:
    """The lowest price of a product's active SKUs (at a store when ``ctx`` is given)."""
    return (
        select(func.min(effective_price(ctx, at)))
        .where(Sku.product_id == Product.id, Sku.status == "active")
        .correlate(Product)
        .scalar_subquery()
    )


async def list_products(session: AsyncSession, q: ListingQuery) -> tuple[int, list[ListingRow]]:
    """One page of products matching the query, and how many match in all."""
    price = product_price(q.price_ctx, q.at)
    query = select(Product.id)
    weights = []
    for index, alternatives in enumerate(q.tokens):
        matched = (
            select(SearchTerm.product_id.label("product_id"), func.max(SearchTerm.weight).label("weight"))
            .where(or_(*(_prefix(a) for a in sorted(alternatives))))
            .group_by(SearchTerm.product_id)
            .subquery(f"match_{index}")
        )
        query = query.join(matched, matched.c.product_id == Product.id)
        weights.append(matched.c.weight)
    score: Any = sum(weights[1:], weights[0]) if weights else literal(0)
    if q.statuses is not None:
        query = query.where(Product.status.in_(q.statuses))
    if q.category_ids is not None:
        query = query.where(Product.category_id.in_(q.category_ids))
    if q.kind:
        query = query.where(Product.kind == q.kind)
    if q.min_price is not None:
        query = query.where(price >= q.min_price)
    if q.max_price is not None:
        query = query.where(price <= q.max_price)
    if q.in_stock_at is not None:
        query = query.where(
            exists(
                select(Stock.id)
                .join(Sku, Sku.id == Stock.sku_id)
                .where(
                    Sku.product_id == Product.id,
                    Sku.status == "active",
                    Stock.store_id == q.in_stock_at,
                    Stock.on_hand - Stock.reserved > 0,
                )
                .correlate(Product)
            )
        )
    if q.sort in ("price_asc", "price_desc"):
        order = [price.asc().nulls_last() if q.sort == "price_asc" else price.desc().nulls_last()]
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = query.with_only_columns(Product, price.label("price"), score.label("score"))
        rows = await session.execute(page.order_by(*order, Product.id.desc()).offset(q.offset).limit(q.limit))
        return total, [ListingRow(row[0], row[1], int(row[2] or 0)) for row in rows]
    # Every other order ranks without the price: the page is cut first (the total counted by the same
    # scan, as a window over all matches) and only its rows are priced, not every match of a common word.
    if q.sort == "relevance":
        order = [score.desc(), Product.sales_count.desc()]
    elif q.sort == "newest":
        order = [Product.created_at.desc()]
    else:
        order = [Product.sales_count.desc()]
    ranked = (
        query.add_columns(
            score.label("score"),
            func.count().over().label("total"),
            func.row_number().over(order_by=[*order, Product.id.desc()]).label("position"),
        )
        .order_by(*order, Product.id.desc())
        .offset(q.offset)
        .limit(q.limit)
        .subquery("ranked")
    )
    rows = (
        await session.execute(
            select(Product, price.label("price"), ranked.c.score, ranked.c.total)
            .join(ranked, ranked.c.id == Product.id)
            .order_by(ranked.c.position)
        )
    ).all()
    if rows:
        total = int(rows[0][3])
    elif q.offset:
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    else:
        total = 0
    return total, [ListingRow(row[0], row[1], int(row[2] or 0)) for row in rows]
