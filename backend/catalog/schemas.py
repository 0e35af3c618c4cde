from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from backend.core.schemas import Name, Schema
from backend.pricing.schemas import AppliedList, Price, Reason

Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
SpecText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Brand = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
Description = Annotated[str, StringConstraints(max_length=5000)]
BarcodeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
AttributeValue = Annotated[str, StringConstraints(max_length=200)] | int | float | bool
ProductStatus = Literal["draft", "on_sale", "off_shelf"]
ProductKind = Literal["goods", "service"]
SkuStatus = Literal["active", "inactive"]
# Fen, within the 32-bit integer columns prices are kept in.
CostPrice = Annotated[int, Field(ge=0, le=10**9, strict=True)]
Sort = Literal["relevance", "sales", "price_asc", "price_desc", "newest"]


def _unique_spec_names(value: list[str] | None) -> list[str] | None:
    if value is not None and len(value) != len(set(value)):
        raise ValueError("spec names must be different from each other")
    return value


# --- categories


class CategoryCreate(Schema):
    code: Code
    name_zh: Name
    name_en: Name
    parent_id: int | None = Field(default=None, gt=0)
    sort_order: int = Field(default=0, ge=-10_000, le=10_000)


class CategoryUpdate(Schema):
    name_zh: Name | None = None
    name_en: Name | None = None
    # null moves the category to the top level.
    parent_id: int | None = Field(default=None, gt=0)
    sort_order: int | None = Field(default=None, ge=-10_000, le=10_000)


class Category(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: int | None
    sort_order: int


class CategoryNode(Category):
    children: list[CategoryNode] = Field(default_factory=list)


# --- SKUs and barcodes


class BarcodeCreate(Schema):
    code: BarcodeText


class Barcode(Schema):
    code: str
    symbology: Literal["ean13", "ean8", "upca"]


class SkuCreate(Schema):
    code: Code
    # One value for each of the product's spec names, e.g. {"颜色": "白", "尺码": "M"}.
    specs: dict[SpecText, SpecText] = Field(default_factory=dict, max_length=5)
    base_price: Price
    cost_price: CostPrice | None = None
    shelf_location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    weight_g: int | None = Field(default=None, ge=0, le=10_000_000)
    barcodes: list[BarcodeText] = Field(default_factory=list, max_length=10)


class SkuUpdate(Schema):
    specs: dict[SpecText, SpecText] | None = Field(default=None, max_length=5)
    base_price: Price | None = None
    cost_price: CostPrice | None = None
    status: SkuStatus | None = None
    shelf_location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    weight_g: int | None = Field(default=None, ge=0, le=10_000_000)


class Sku(Schema):
    id: int
    product_id: int
    code: str
    specs: dict[str, str]
    base_price: int
    # Only for staff.
    cost_price: int | None = None
    status: str
    shelf_location: str | None
    weight_g: int | None
    barcodes: list[Barcode] = Field(default_factory=list)
    # With a store: the price there, why, and the units available to sell now.
    price: int | None = None
    price_reason: Reason | None = None
    price_list: AppliedList | None = None
    available: int | None = None


# --- products


class ProductCreate(Schema):
    code: Code
    category_id: int = Field(gt=0)
    name_zh: Name
    name_en: Name
    brand: Brand | None = None
    description_zh: Description | None = None
    description_en: Description | None = None
    kind: ProductKind = "goods"
    unit: Unit = "件"
    attributes: dict[SpecText, AttributeValue] = Field(default_factory=dict, max_length=50)
    spec_names: list[SpecText] = Field(default_factory=list, max_length=5)
    shelf_life_days: int | None = Field(default=None, ge=1, le=36_500)
    status: ProductStatus = "draft"
    skus: list[SkuCreate] = Field(default_factory=list, max_length=200)

    _specs = field_validator("spec_names")(_unique_spec_names)


class ProductUpdate(Schema):
    category_id: int | None = Field(default=None, gt=0)
    name_zh: Name | None = None
    name_en: Name | None = None
    brand: Brand | None = None
    description_zh: Description | None = None
    description_en: Description | None = None
    kind: ProductKind | None = None
    unit: Unit | None = None
    attributes: dict[SpecText, AttributeValue] | None = Field(default=None, max_length=50)
    spec_names: list[SpecText] | None = Field(default=None, max_length=5)
    shelf_life_days: int | None = Field(default=None, ge=1, le=36_500)
    status: ProductStatus | None = None

    _specs = field_validator("spec_names")(_unique_spec_names)


class Image(Schema):
    id: int
    url: str
    width: int | None
    height: int | None
    content_type: str
    sort_order: int


class ProductSummary(Schema):
    id: int
    code: str
    category_id: int
    name_zh: str
    name_en: str
    brand: str | None
    kind: str
    status: str
    unit: str
    sales_count: int
    created_at: datetime
    # The lowest price of its SKUs: at ``store_id`` when given, else the base price.
    price: int | None
    image_urls: list[str] = Field(default_factory=list)
    score: int | None = None


class ProductDetail(Schema):
    id: int
    code: str
    category_id: int
    category_path: list[Category]
    name_zh: str
    name_en: str
    brand: str | None
    description_zh: str | None
    description_en: str | None
    kind: str
    status: str
    unit: str
    attributes: dict[str, AttributeValue]
    spec_names: list[str]
    shelf_life_days: int | None
    sales_count: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    store_id: int | None = None
    skus: list[Sku]
    images: list[Image]


class EmbeddedValue(Schema):
    """What a scale label (in-store EAN-13, prefix 20-29, ``2F IIIII VVVVV C``) carries."""

    code: str
    kind: Literal["price", "weight"]
    price: int | None = None
    weight_g: int | None = None
    # The SKU units the label stands for: weight / the SKU's weight_g, or price / its unit price.
    units: int = 1


class BarcodeMatch(Schema):
    barcode: Barcode
    sku: Sku
    product: ProductSummary
    embedded: EmbeddedValue | None = None
