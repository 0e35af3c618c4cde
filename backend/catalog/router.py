from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from fastapi.responses import FileResponse

from backend.auth.deps import AppSettings, CurrentHQ, OptionalPrincipal
from backend.catalog import images, listing, service
from backend.catalog import repository as repo
from backend.catalog.schemas import (
    Barcode,
    BarcodeCreate,
    BarcodeMatch,
    Category,
    CategoryCreate,
    CategoryNode,
    CategoryUpdate,
    Image,
    ProductCreate,
    ProductDetail,
    ProductKind,
    ProductStatus,
    ProductSummary,
    ProductUpdate,
    Sku,
    SkuCreate,
    SkuUpdate,
    Sort,
)
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.core.schemas import Page

router = APIRouter(prefix="/catalog", tags=["catalog"])


@router.get("/categories", response_model=list[CategoryNode])
async def category_tree(session: DbSession) -> list[CategoryNode]:
    """The category tree: top-level categories with their children nested."""
    return service.build_tree(await repo.all_categories(session))


@router.post("/categories", response_model=Category, status_code=status.HTTP_201_CREATED)
async def create_category(body: CategoryCreate, principal: CurrentHQ, session: DbSession) -> Category:
    """Create a category, at the top level or under a parent (HQ)."""
    return service.category_out(await service.create_category(session, principal, body))


@router.patch("/categories/{category_id}", response_model=Category)
async def update_category(
    category_id: int, body: CategoryUpdate, principal: CurrentHQ, session: DbSession
) -> Category:
    """Rename, reorder or move a category (HQ)."""
    return service.category_out(await service.update_category(session, principal, category_id, body))


@router.get("/products", response_model=Page[ProductSummary])
async def list_products(
    session: DbSession,
    principal: OptionalPrincipal,
    q: Annotated[
        str | None, Query(max_length=100, description="Chinese, pinyin, initials or English")
    ] = None,
    category_id: Annotated[int | None, Query(gt=0, description="Includes its sub-categories")] = None,
    store_id: Annotated[int | None, Query(gt=0, description="Price at this store")] = None,
    min_price: Annotated[int | None, Query(ge=0)] = None,
    max_price: Annotated[int | None, Query(ge=0)] = None,
    in_stock_at: Annotated[
        int | None, Query(gt=0, description="Only products available at this store")
    ] = None,
    kind: ProductKind | None = None,
    status_: Annotated[ProductStatus | None, Query(alias="status", description="Staff only")] = None,
    sort: Sort | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    at: datetime | None = None,
) -> Page[ProductSummary]:
    """Browse and search products: by words, pinyin or initials, category, price, stock and kind."""
    if min_price is not None and max_price is not None and min_price > max_price:
        raise ValidationFailed(
            "min_price is above max_price.", detail={"min_price": min_price, "max_price": max_price}
        )
    params = listing.ListingParams(
        q=q,
        category_id=category_id,
        store_id=store_id,
        min_price=min_price,
        max_price=max_price,
        in_stock_at=in_stock_at,
        kind=kind,
        status=status_,
        sort=sort,
        page=page,
        page_size=page_size,
        at=at,
    )
    return await listing.list_products(session, principal, params)


@router.post("/products", response_model=ProductDetail, status_code=status.HTTP_201_CREATED)
async def create_product(body: ProductCreate, principal: CurrentHQ, session: DbSession) -> ProductDetail:
    """Create a product with its SKUs and barcodes (HQ)."""
    product = await service.create_product(session, principal, body)
    return await listing.product_detail(session, principal, product.id)


@router.get("/products/{product_id}", response_model=ProductDetail)
async def get_product(
    product_id: int,
    session: DbSession,
    principal: OptionalPrincipal,
    store_id: Annotated[int | None, Query(gt=0)] = None,
) -> ProductDetail:
    """A product with SKUs, barcodes and images; with ``store_id``, each SKU's price and stock there."""
    return await listing.product_detail(session, principal, product_id, store_id)


@router.patch("/products/{product_id}", response_model=ProductDetail)
async def update_product(
    product_id: int, body: ProductUpdate, principal: CurrentHQ, session: DbSession
) -> ProductDetail:
    """Change a product's details or status: draft, on_sale, off_shelf (HQ)."""
    await service.update_product(session, principal, product_id, body)
    return await listing.product_detail(session, principal, product_id)


@router.post("/products/{product_id}/skus", response_model=Sku, status_code=status.HTTP_201_CREATED)
async def create_sku(product_id: int, body: SkuCreate, principal: CurrentHQ, session: DbSession) -> Sku:
    """Add a SKU (one combination of the product's specs) with its barcodes (HQ)."""
    return await listing.sku_out(
        session, principal, await service.create_sku(session, principal, product_id, body)
    )


@router.patch("/skus/{sku_id}", response_model=Sku)
async def update_sku(sku_id: int, body: SkuUpdate, principal: CurrentHQ, session: DbSession) -> Sku:
    """Change a SKU's specs, base price or status (HQ)."""
    return await listing.sku_out(
        session, principal, await service.update_sku(session, principal, sku_id, body)
    )


@router.post("/skus/{sku_id}/barcodes", response_model=Barcode, status_code=status.HTTP_201_CREATED)
async def add_barcode(sku_id: int, body: BarcodeCreate, principal: CurrentHQ, session: DbSession) -> Barcode:
    """Give a SKU another EAN-13, EAN-8 or UPC-A barcode; the check digit is verified (HQ)."""
    return Barcode.model_validate(await service.add_barcode(session, principal, sku_id, body.code))


@router.delete("/barcodes/{code}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_barcode(code: str, principal: CurrentHQ, session: DbSession) -> Response:
    """Take a barcode off its SKU (HQ)."""
    await service.remove_barcode(session, principal, code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/barcodes/{code}", response_model=BarcodeMatch)
async def lookup_barcode(
    code: str,
    session: DbSession,
    principal: OptionalPrincipal,
    store_id: Annotated[int | None, Query(gt=0)] = None,
) -> BarcodeMatch:
    """The product and SKU of a scanned barcode (422 for a wrong check digit, 404 if unknown)."""
    return await listing.lookup_barcode(session, principal, code, store_id)


@router.post("/products/{product_id}/images", response_model=Image, status_code=status.HTTP_201_CREATED)
async def upload_image(
    product_id: int,
    principal: CurrentHQ,
    session: DbSession,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="PNG, JPEG, WebP or GIF, up to 5 MB")],
) -> Image:
    """Add a picture to a product; the file is decoded to make sure it is an image (HQ)."""
    data = await images.read_limited(file)
    image = await images.add_image(session, principal, settings.var_dir, product_id, data)
    return listing.image_out(image)


@router.get("/images/{image_id}", response_class=FileResponse)
async def get_image(image_id: int, session: DbSession, settings: AppSettings) -> FileResponse:
    """The picture file."""
    image = await images.get_image(session, image_id)
    return FileResponse(
        images.image_file(settings.var_dir, image),
        media_type=image.content_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


@router.delete("/images/{image_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_image(
    image_id: int, principal: CurrentHQ, session: DbSession, settings: AppSettings
) -> Response:
    """Remove a product picture (HQ)."""
    await images.remove_image(session, principal, settings.var_dir, image_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
