"""商品与价格: products with their SKUs, barcodes and images; price lists by store, region and city tier."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog.models import Barcode, Category, Product, ProductImage, Sku
from backend.hq.web import Column, Table, nav, table_page
from backend.pricing.models import PriceList, PriceListItem

router = APIRouter()
nav("catalog", "商品与价格", "/hq/catalog")

STATUS_ZH = {"on_sale": "在售", "draft": "草稿", "off_sale": "下架"}
SCOPE_ZH = {"store": "门店", "region": "区域", "city_tier": "城市等级"}


async def products(session: AsyncSession, limit: int) -> list[dict[str, Any]]:
    skus = (
        select(
            Sku.product_id,
            func.count(Sku.id).label("skus"),
            func.min(Sku.base_price).label("low"),
            func.max(Sku.base_price).label("high"),
        )
        .group_by(Sku.product_id)
        .subquery()
    )
    barcodes = (
        select(Sku.product_id, func.count(Barcode.id).label("n"))
        .join(Barcode, Barcode.sku_id == Sku.id)
        .group_by(Sku.product_id)
        .subquery()
    )
    images = (
        select(ProductImage.product_id, func.count().label("n")).group_by(ProductImage.product_id).subquery()
    )
    query = (
        select(
            Product.code,
            Product.name_zh,
            Product.name_en,
            Category.name_zh,
            Product.kind,
            Product.status,
            func.coalesce(skus.c.skus, 0),
            skus.c.low,
            skus.c.high,
            func.coalesce(barcodes.c.n, 0),
            func.coalesce(images.c.n, 0),
            Product.sales_count,
        )
        .join(Category, Category.id == Product.category_id)
        .outerjoin(skus, skus.c.product_id == Product.id)
        .outerjoin(barcodes, barcodes.c.product_id == Product.id)
        .outerjoin(images, images.c.product_id == Product.id)
        .order_by(Product.code)
        .limit(limit)
    )
    return [
        {
            "code": code,
            "name": name_zh,
            "name_en": name_en,
            "category": category,
            "kind": "服务" if kind == "service" else "商品",
            "status": STATUS_ZH.get(status, status),
            "skus": n_skus,
            "price_from": low,
            "price_to": high,
            "barcodes": n_barcodes,
            "images": n_images,
            "sold": sold,
        }
        for code, name_zh, name_en, category, kind, status, n_skus, low, high, n_barcodes, n_images, sold in (
            await session.execute(query)
        ).all()
    ]


async def price_lists(session: AsyncSession) -> list[dict[str, Any]]:
    query = (
        select(PriceList, func.count(PriceListItem.id))
        .outerjoin(PriceListItem, PriceListItem.price_list_id == PriceList.id)
        .group_by(PriceList.id)
        .order_by(PriceList.scope, PriceList.scope_value, PriceList.priority.desc())
    )
    return [
        {
            "name": pl.name,
            "scope": f"{SCOPE_ZH.get(pl.scope, pl.scope)} {pl.scope_value}",
            "priority": pl.priority,
            "valid_from": pl.valid_from,
            "valid_to": pl.valid_to,
            "active": "启用" if pl.active else "停用",
            "items": items,
        }
        for pl, items in (await session.execute(query)).all()
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 100_000 if request.url.path.endswith(".csv") else 300
    product_rows = await products(session, limit)
    return {
        "tables": [
            Table(
                "products",
                "商品",
                [
                    Column("code", "编码"),
                    Column("name", "名称"),
                    Column("name_en", "英文名", "muted"),
                    Column("category", "品类"),
                    Column("kind", "类型"),
                    Column("status", "状态"),
                    Column("skus", "SKU", "count"),
                    Column("price_from", "最低价", "money"),
                    Column("price_to", "最高价", "money"),
                    Column("barcodes", "条码", "count"),
                    Column("images", "图片", "count"),
                    Column("sold", "销量", "count"),
                ],
                product_rows,
                note=None if len(product_rows) < limit else f"仅显示前 {limit} 个商品，导出 CSV 查看全部。",
            ),
            Table(
                "price_lists",
                "价格表（门店 / 区域 / 城市等级）",
                [
                    Column("name", "名称"),
                    Column("scope", "适用范围"),
                    Column("priority", "优先级", "count"),
                    Column("valid_from", "生效", "time"),
                    Column("valid_to", "失效", "time"),
                    Column("active", "状态"),
                    Column("items", "SKU 数", "count"),
                ],
                await price_lists(session),
            ),
        ]
    }


table_page(router, "/catalog", "catalog", "商品与价格", build)
