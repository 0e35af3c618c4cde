"""Categories, products, SKUs, barcodes, images and search."""

from __future__ import annotations

from typing import Any

from backend.catalog.schemas import (
    Barcode,
    BarcodeMatch,
    Category,
    CategoryNode,
    Image,
    ProductDetail,
    ProductSummary,
    Sku,
)
from backend.core.schemas import Page
from shared.sdk.base import Call, Resource


class CatalogAPI(Resource):
    def categories(self) -> list[CategoryNode]:
        """The category tree."""
        return self._call(Call("GET", "/catalog/categories", model=list[CategoryNode], auth=False))

    def create_category(
        self, code: str, name_zh: str, name_en: str, parent_id: int | None = None, sort_order: int = 0
    ) -> Category:
        body = {
            "code": code,
            "name_zh": name_zh,
            "name_en": name_en,
            "parent_id": parent_id,
            "sort_order": sort_order,
        }
        return self._call(Call("POST", "/catalog/categories", json=body, model=Category))

    def update_category(self, category_id: int, **fields: Any) -> Category:
        return self._call(Call("PATCH", f"/catalog/categories/{category_id}", json=fields, model=Category))

    def products(
        self,
        q: str | None = None,
        *,
        category_id: int | None = None,
        store_id: int | None = None,
        min_price: int | None = None,
        max_price: int | None = None,
        in_stock_at: int | None = None,
        kind: str | None = None,
        status: str | None = None,
        sort: str | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> Page[ProductSummary]:
        """Browse or search (Chinese, pinyin, initials, English) with filters and a sort order."""
        params = {
            "q": q,
            "category_id": category_id,
            "store_id": store_id,
            "min_price": min_price,
            "max_price": max_price,
            "in_stock_at": in_stock_at,
            "kind": kind,
            "status": status,
            "sort": sort,
            "page": page,
            "page_size": page_size,
        }
        return self._call(Call("GET", "/catalog/products", params=params, model=Page[ProductSummary]))

    def product(self, product_id: int, store_id: int | None = None) -> ProductDetail:
        """A product; with ``store_id`` each SKU carries its price and available units there."""
        params = {"store_id": store_id}
        return self._call(Call("GET", f"/catalog/products/{product_id}", params=params, model=ProductDetail))

    def create_product(self, **fields: Any) -> ProductDetail:
        return self._call(Call("POST", "/catalog/products", json=fields, model=ProductDetail))

    def update_product(self, product_id: int, **fields: Any) -> ProductDetail:
        return self._call(Call("PATCH", f"/catalog/products/{product_id}", json=fields, model=ProductDetail))

    def add_sku(self, product_id: int, **fields: Any) -> Sku:
        return self._call(Call("POST", f"/catalog/products/{product_id}/skus", json=fields, model=Sku))

    def update_sku(self, sku_id: int, **fields: Any) -> Sku:
        return self._call(Call("PATCH", f"/catalog/skus/{sku_id}", json=fields, model=Sku))

    def add_barcode(self, sku_id: int, code: str) -> Barcode:
        return self._call(
            Call("POST", f"/catalog/skus/{sku_id}/barcodes", json={"code": code}, model=Barcode)
        )

    def remove_barcode(self, code: str) -> None:
        return self._call(Call("DELETE", f"/catalog/barcodes/{code}", expect_empty=True))

    def lookup_barcode(self, code: str, store_id: int | None = None) -> BarcodeMatch:
        """The product and SKU of a scanned barcode."""
        params = {"store_id": store_id}
        return self._call(Call("GET", f"/catalog/barcodes/{code}", params=params, model=BarcodeMatch))

    def upload_image(
        self, product_id: int, filename: str, data: bytes, content_type: str = "image/jpeg"
    ) -> Image:
        files = {"file": (filename, data, content_type)}
        return self._call(Call("POST", f"/catalog/products/{product_id}/images", files=files, model=Image))

    def remove_image(self, image_id: int) -> None:
        return self._call(Call("DELETE", f"/catalog/images/{image_id}", expect_empty=True))
