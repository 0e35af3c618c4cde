"""Photo search results."""

from __future__ import annotations

from pydantic import BaseModel


class Match(BaseModel):
    product_id: int
    product_code: str
    name_zh: str
    name_en: str
    score: float
    sku_id: int | None = None
    image_id: int | None = None
    barcode: str | None = None


class PhotoSearch(BaseModel):
    # barcode | visual | none
    method: str
    matches: list[Match]
    indexed_images: int


class IndexStatus(BaseModel):
    indexed_images: int
    added: int
    removed: int
