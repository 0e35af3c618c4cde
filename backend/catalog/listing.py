"""What shoppers and staff read: product lists and search, details with store prices and stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog import repository as repo
from backend.catalog import service
from backend.catalog.errors import BarcodeNotFound, CategoryNotFound, ProductNotFound
from backend.catalog.models import Product, ProductImage, Sku
from backend.catalog.schemas import (
    Barcode,
    BarcodeMatch,
    EmbeddedValue,
    Image,
    ProductDetail,
    ProductSummary,
)
from backend.catalog.schemas import Sku as SkuOut
from backend.catalog.search import ensure_loaded, query_tokens
from backend.core.schemas import Page
from backend.core.time import as_utc, utcnow
from backend.pricing import repository as pricing_repo
from backend.pricing.service import price_for
from backend.stores.errors import StoreNotFound
from shared.devices.gtin import InStoreCode, parse_in_store

IMAGE_URL = "/api/v1/catalog/images/{id}"


def sees_everything(principal: Principal | None) -> bool:
    """Staff see drafts and products taken off the shelf; shoppers and kiosks see what is on sale."""
    return principal is not None and principal.is_staff


def image_out(image: ProductImage) -> Image:
    return Image(
        id=image.id,
        url=IMAGE_URL.format(id=image.id),
        width=image.width,
        height=image.height,
        content_type=image.content_type,
        sort_order=image.sort_order,
    )


@dataclass(frozen=True, slots=True)
class ListingParams:
    q: str | None = None
    category_id: int | None = None
    store_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock_at: int | None = None
    kind: str | None = None
    status: str | None = None
    sort: str | None = None
    page: int = 1
    page_size: int = 20
    at: datetime | None = None


async def list_products(
    session: AsyncSession, principal: Principal | None, params: ListingParams
) -> Page[ProductSummary]:
    if params.q:
        await ensure_loaded()
    tokens = query_tokens(params.q) if params.q else []
    if params.q and not tokens:
        return Page[ProductSummary](items=[], total=0, page=params.page, page_size=params.page_size)
    category_ids = None
    if params.category_id is not None:
        categories = await repo.all_categories(session)
        if params.category_id not in {c.id for c in categories}:
            raise CategoryNotFound(detail={"category_id": params.category_id})
        category_ids = service.descendants(categories, params.category_id)
    ctx = None
    if params.store_id is not None:
        ctx = await pricing_repo.store_context(session, params.store_id)
        if ctx is None:
            raise StoreNotFound(detail={"store_id": params.store_id})
    if params.in_stock_at is not None and not await pricing_repo.store_exists(session, params.in_stock_at):
        raise StoreNotFound(detail={"store_id": params.in_stock_at})
    statuses = ([params.status] if params.status else None) if sees_everything(principal) else ["on_sale"]
    sort = params.sort or ("relevance" if tokens else "sales")
    if sort == "relevance" and not tokens:
        sort = "sales"
    total, rows = await repo.list_products(
        session,
        repo.ListingQuery(
            tokens=tokens,
            statuses=statuses,
            category_ids=category_ids,
            kind=params.kind,
            price_ctx=ctx,
            at=as_utc(params.at) if params.at else utcnow(),
            min_price=params.min_price,
            max_price=params.max_price,
            in_stock_at=params.in_stock_at,
            sort=sort,
            offset=(params.page - 1) * params.page_size,
            limit=params.page_size,
        ),
    )
    images = await repo.images_of(session, [row.product.id for row in rows])
    items = [
        _summary(row.product, row.price, images[row.product.id], row.score if tokens else None)
        for row in rows
    ]
    return Page[ProductSummary](items=items, total=total, page=params.page, page_size=params.page_size)


def _summary(
    product: Product, price: int | None, images: list[ProductImage], score: int | None
) -> ProductSummary:
    return ProductSummary(
        id=product.id,
        code=product.code,
        category_id=product.category_id,
        name_zh=product.name_zh,
        name_en=product.name_en,
        brand=product.brand,
        kind=product.kind,
        status=product.status,
        unit=product.unit,
        sales_count=product.sales_count,
        created_at=product.created_at,
        price=price,
        image_urls=[IMAGE_URL.format(id=i.id) for i in images],
        score=score,
    )


async def _sku_outs(
    session: AsyncSession,
    skus: list[Sku],
    principal: Principal | None,
    store_id: int | None,
    at: datetime | None,
) -> list[SkuOut]:
    ids = [s.id for s in skus]
    barcodes = await repo.barcodes_of(session, ids)
    prices = await price_for(session, store_id, ids, at) if store_id is not None else {}
    available = await repo.available_at(session, store_id, ids) if store_id is not None else {}
    staff = sees_everything(principal)
    result = []
    for sku in skus:
        out = SkuOut(
            id=sku.id,
            product_id=sku.product_id,
            code=sku.code,
            specs=sku.specs or {},
            base_price=sku.base_price,
            cost_price=sku.cost_price if staff else None,
            status=sku.status,
            shelf_location=sku.shelf_location,
            weight_g=sku.weight_g,
            barcodes=[Barcode.model_validate(b) for b in barcodes[sku.id]],
        )
        if store_id is not None:
            resolved = prices[sku.id]
            out.price = resolved.price
            out.price_reason = resolved.reason  # type: ignore[assignment]
            out.price_list = resolved.applied_list()
            out.available = max(0, available.get(sku.id, 0))
        result.append(out)
    return result


async def _visible_product(session: AsyncSession, principal: Principal | None, product_id: int) -> Product:
    product = await repo.get_product(session, product_id)
    if product is None or (product.status != "on_sale" and not sees_everything(principal)):
        raise ProductNotFound(detail={"product_id": product_id})
    return product


async def product_detail(
    session: AsyncSession,
    principal: Principal | None,
    product_id: int,
    store_id: int | None = None,
    at: datetime | None = None,
) -> ProductDetail:
    """A product with its SKUs, barcodes and images; with a store, each SKU's price and stock there."""
    product = await _visible_product(session, principal, product_id)
    skus = await repo.skus_of(session, product.id)
    if not sees_everything(principal):
        skus = [s for s in skus if s.status == "active"]
    categories = await repo.all_categories(session)
    images = await repo.images_of(session, [product.id])
    return ProductDetail(
        id=product.id,
        code=product.code,
        category_id=product.category_id,
        category_path=[service.category_out(c) for c in service.ancestry(categories, product.category_id)],
        name_zh=product.name_zh,
        name_en=product.name_en,
        brand=product.brand,
        description_zh=product.description_zh,
        description_en=product.description_en,
        kind=product.kind,
        status=product.status,
        unit=product.unit,
        attributes=product.attributes or {},
        spec_names=list(product.spec_names or []),
        shelf_life_days=product.shelf_life_days,
        sales_count=product.sales_count,
        created_at=product.created_at,
        updated_at=product.updated_at,
        published_at=product.published_at,
        store_id=store_id,
        skus=await _sku_outs(session, skus, principal, store_id, at),
        images=[image_out(i) for i in images[product.id]],
    )


async def sku_out(session: AsyncSession, principal: Principal | None, sku: Sku) -> SkuOut:
    return (await _sku_outs(session, [sku], principal, None, None))[0]


async def lookup_barcode(
    session: AsyncSession, principal: Principal | None, code: str, store_id: int | None = None
) -> BarcodeMatch:
    """The SKU and product a scanned barcode belongs to (its check digit is verified first)."""
    service.check_barcode(code)
    barcode = await repo.barcode_by_code(session, code)
    label = parse_in_store(code) if barcode is None else None
    if label is not None:
        barcode = await repo.barcode_by_code(session, label.item_code)
    if barcode is None:
        raise BarcodeNotFound(detail={"code": code})
    sku = await service.get_sku(session, barcode.sku_id)
    try:
        product = await _visible_product(session, principal, sku.product_id)
    except ProductNotFound as exc:
        raise BarcodeNotFound(detail={"code": code}) from exc
    if sku.status != "active" and not sees_everything(principal):
        raise BarcodeNotFound(detail={"code": code})
    sku_schema = (await _sku_outs(session, [sku], principal, store_id, None))[0]
    images = await repo.images_of(session, [product.id])
    price = sku_schema.price if sku_schema.price is not None else sku.base_price
    return BarcodeMatch(
        barcode=Barcode.model_validate(barcode),
        sku=sku_schema,
        product=_summary(product, price, images[product.id], None),
        embedded=_embedded(label, sku.weight_g, price) if label is not None else None,
    )


def _embedded(label: InStoreCode, unit_weight_g: int | None, unit_price: int) -> EmbeddedValue:
    """The units a scale label stands for, rounded half-up and at least one."""
    if label.kind == "weight":
        per = unit_weight_g or 1
        units = (label.value * 2 + per) // (2 * per)
        return EmbeddedValue(code=label.code, kind="weight", weight_g=label.value, units=max(1, units))
    units = (label.value * 2 + unit_price) // (2 * unit_price) if unit_price > 0 else 1
    return EmbeddedValue(code=label.code, kind="price", price=label.value, units=max(1, units))
