"""Catalog rules: the category tree, products with SKUs by spec, barcodes, and the search index."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog import gtin
from backend.catalog import repository as repo
from backend.catalog.errors import (
    BarcodeNotFound,
    CategoryCycle,
    CategoryNotFound,
    DuplicateBarcode,
    DuplicateCode,
    DuplicateSpecs,
    InvalidBarcode,
    ProductNotFound,
    ProductStateError,
    SkuNotFound,
    SpecMismatch,
)
from backend.catalog.models import Barcode, Category, Product, Sku
from backend.catalog.schemas import Category as CategoryOut
from backend.catalog.schemas import (
    CategoryCreate,
    CategoryNode,
    CategoryUpdate,
    ProductCreate,
    ProductUpdate,
    SkuCreate,
    SkuUpdate,
)
from backend.catalog.search import ensure_loaded, product_terms
from backend.core import audit, events
from backend.core.errors import ValidationFailed
from backend.core.time import utcnow

# Allowed status changes; going on sale also needs an active SKU.
TRANSITIONS = {
    "draft": {"on_sale"},
    "on_sale": {"off_shelf"},
    "off_shelf": {"on_sale", "draft"},
}

# --- categories


def build_tree(categories: list[Category]) -> list[CategoryNode]:
    """Nest categories under their parents, each level in (sort_order, id) order."""
    nodes = {c.id: CategoryNode.model_validate(c) for c in categories}
    roots: list[CategoryNode] = []
    for category in categories:
        node = nodes[category.id]
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def descendants(categories: list[Category], root_id: int) -> list[int]:
    """``root_id`` and every category below it."""
    children: dict[int | None, list[int]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category.id)
    found, stack = [], [root_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def ancestry(categories: list[Category], category_id: int) -> list[Category]:
    """The path from the top level down to ``category_id``."""
    by_id = {c.id: c for c in categories}
    path: list[Category] = []
    current = by_id.get(category_id)
    while current is not None and len(path) <= len(by_id):
        path.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return list(reversed(path))


async def get_category(session: AsyncSession, category_id: int) -> Category:
    category = await repo.get_category(session, category_id)
    if category is None:
        raise CategoryNotFound(detail={"category_id": category_id})
    return category


async def create_category(session: AsyncSession, actor: Principal, data: CategoryCreate) -> Category:
    if await repo.category_by_code(session, data.code):
        raise DuplicateCode("A category with this code exists.", detail={"code": data.code})
    if data.parent_id is not None:
        await get_category(session, data.parent_id)
    category = Category(**data.model_dump())
    session.add(category)
    await session.flush()
    audit.record(session, actor, "category.create", "category", category.id, after=data.model_dump())
    return category


async def update_category(
    session: AsyncSession, actor: Principal, category_id: int, data: CategoryUpdate
) -> Category:
    category = await get_category(session, category_id)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed("Nothing to change.")
    for key in ("name_zh", "name_en", "sort_order"):
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"{key} cannot be empty.", detail={"field": key})
    if changes.get("parent_id") is not None:
        await get_category(session, changes["parent_id"])
        if changes["parent_id"] in descendants(await repo.all_categories(session), category.id):
            raise CategoryCycle(detail={"category_id": category.id, "parent_id": changes["parent_id"]})
    before = {key: getattr(category, key) for key in changes}
    for key, value in changes.items():
        setattr(category, key, value)
    await session.flush()
    audit.record(session, actor, "category.update", "category", category.id, before=before, after=changes)
    if "name_zh" in changes or "name_en" in changes or "parent_id" in changes:
        categories = await repo.all_categories(session)
        for product in await repo.products_in_categories(session, descendants(categories, category.id)):
            await reindex(session, product, categories)
    return category


def category_out(category: Category) -> CategoryOut:
    return CategoryOut.model_validate(category)


# --- search index


async def reindex(session: AsyncSession, product: Product, categories: list[Category] | None = None) -> None:
    """Rewrite a product's search terms from its names, brand and category path."""
    await ensure_loaded()
    categories = categories if categories is not None else await repo.all_categories(session)
    names = [n for c in ancestry(categories, product.category_id) for n in (c.name_zh, c.name_en)]
    terms = product_terms(product.name_zh, product.name_en, product.brand, names)
    await repo.replace_terms(session, product.id, terms)


# --- products


async def get_product(session: AsyncSession, product_id: int) -> Product:
    product = await repo.get_product(session, product_id)
    if product is None:
        raise ProductNotFound(detail={"product_id": product_id})
    return product


def _announce(session: AsyncSession, product: Product, change: str) -> None:
    events.emit(
        session,
        "hq",
        "catalog.product_changed",
        {"product_id": product.id, "change": change, "status": product.status},
    )


async def create_product(session: AsyncSession, actor: Principal, data: ProductCreate) -> Product:
    if await repo.product_code_taken(session, data.code):
        raise DuplicateCode("A product with this code exists.", detail={"code": data.code})
    await get_category(session, data.category_id)
    if data.status == "on_sale" and not data.skus:
        raise ProductStateError(
            "A product goes on sale only with at least one SKU.", detail={"status": data.status}
        )
    if data.status == "off_shelf":
        raise ProductStateError("A new product starts as draft or on_sale.", detail={"status": data.status})
    fields = data.model_dump(exclude={"skus"})
    product = Product(**fields, published_at=utcnow() if data.status == "on_sale" else None)
    session.add(product)
    await session.flush()
    audit.record(session, actor, "product.create", "product", product.id, after=data.model_dump(mode="json"))
    for sku in data.skus:
        await add_sku(session, actor, product, sku, audited=False)
    await reindex(session, product)
    _announce(session, product, "created")
    return product


async def update_product(
    session: AsyncSession, actor: Principal, product_id: int, data: ProductUpdate
) -> Product:
    product = await get_product(session, product_id)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed("Nothing to change.")
    required = ("category_id", "name_zh", "name_en", "kind", "unit", "attributes", "spec_names", "status")
    for key in required:
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"{key} cannot be empty.", detail={"field": key})
    if "category_id" in changes:
        await get_category(session, changes["category_id"])
    skus = await repo.skus_of(session, product.id)
    if "spec_names" in changes and changes["spec_names"] != product.spec_names and skus:
        raise ProductStateError(
            "Spec names can change only while the product has no SKUs.", detail={"skus": len(skus)}
        )
    if "status" in changes and changes["status"] != product.status:
        new = changes["status"]
        if new not in TRANSITIONS[product.status]:
            raise ProductStateError(
                f"A product cannot go from {product.status} to {new}.",
                detail={"from": product.status, "to": new, "allowed": sorted(TRANSITIONS[product.status])},
            )
        if new == "on_sale":
            if not any(s.status == "active" for s in skus):
                raise ProductStateError("A product goes on sale only with at least one active SKU.")
            product.published_at = product.published_at or utcnow()
    before = {key: getattr(product, key) for key in changes}
    for key, value in changes.items():
        setattr(product, key, value)
    await session.flush()
    audit.record(session, actor, "product.update", "product", product.id, before=before, after=changes)
    if {"name_zh", "name_en", "brand", "category_id"} & changes.keys():
        await reindex(session, product)
    _announce(session, product, "status" if "status" in changes else "updated")
    return product


# --- SKUs


def _check_specs(
    product: Product, specs: dict[str, str], siblings: list[Sku], exclude_id: int | None = None
) -> None:
    names = list(product.spec_names or [])
    if set(specs) != set(names):
        raise SpecMismatch(
            detail={
                "spec_names": names,
                "missing": [n for n in names if n not in specs],
                "unknown": [k for k in specs if k not in names],
            }
        )
    key = tuple(specs[n] for n in names)
    for sibling in siblings:
        if sibling.id != exclude_id and tuple((sibling.specs or {}).get(n) for n in names) == key:
            raise DuplicateSpecs(detail={"sku_id": sibling.id, "specs": specs})


def check_barcode(code: str) -> str:
    try:
        return gtin.validate(code).value
    except gtin.InvalidGtin as exc:
        detail: dict[str, Any] = {"code": code, "reason": exc.reason}
        if exc.expected_check_digit is not None:
            detail["expected_check_digit"] = exc.expected_check_digit
        raise InvalidBarcode(str(exc), detail=detail) from exc


async def _attach_barcode(session: AsyncSession, sku: Sku, code: str) -> Barcode:
    symbology = check_barcode(code)
    existing = await repo.barcode_by_code(session, code)
    if existing is not None:
        raise DuplicateBarcode(detail={"code": code, "sku_id": existing.sku_id})
    barcode = Barcode(sku_id=sku.id, code=code, symbology=symbology)
    session.add(barcode)
    await session.flush()
    return barcode


async def get_sku(session: AsyncSession, sku_id: int) -> Sku:
    sku = await repo.get_sku(session, sku_id)
    if sku is None:
        raise SkuNotFound(detail={"sku_id": sku_id})
    return sku


async def add_sku(
    session: AsyncSession, actor: Principal, product: Product, data: SkuCreate, *, audited: bool = True
) -> Sku:
    if await repo.sku_code_taken(session, data.code):
        raise DuplicateCode("A SKU with this code exists.", detail={"code": data.code})
    _check_specs(product, data.specs, await repo.skus_of(session, product.id))
    if len(set(data.barcodes)) != len(data.barcodes):
        raise DuplicateBarcode("The same barcode is given twice.", detail={"barcodes": data.barcodes})
    for code in data.barcodes:
        check_barcode(code)
    sku = Sku(product_id=product.id, **data.model_dump(exclude={"barcodes"}))
    session.add(sku)
    await session.flush()
    for code in data.barcodes:
        await _attach_barcode(session, sku, code)
    audit.record(
        session,
        actor,
        "sku.create",
        "sku",
        sku.id,
        after={"product_id": product.id, **data.model_dump(mode="json")},
    )
    if audited:
        _announce(session, product, "sku_added")
    return sku


async def create_sku(session: AsyncSession, actor: Principal, product_id: int, data: SkuCreate) -> Sku:
    return await add_sku(session, actor, await get_product(session, product_id), data)


async def update_sku(session: AsyncSession, actor: Principal, sku_id: int, data: SkuUpdate) -> Sku:
    sku = await get_sku(session, sku_id)
    product = await get_product(session, sku.product_id)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed("Nothing to change.")
    for key in ("specs", "base_price", "status"):
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"{key} cannot be empty.", detail={"field": key})
    if "specs" in changes:
        _check_specs(product, changes["specs"], await repo.skus_of(session, product.id), exclude_id=sku.id)
    before = {key: getattr(sku, key) for key in changes}
    for key, value in changes.items():
        setattr(sku, key, value)
    await session.flush()
    action = (
        "sku.price_change"
        if "base_price" in changes and before["base_price"] != sku.base_price
        else "sku.update"
    )
    audit.record(session, actor, action, "sku", sku.id, before=before, after=changes)
    _announce(session, product, "price" if action == "sku.price_change" else "sku_updated")
    return sku


# --- barcodes


async def add_barcode(session: AsyncSession, actor: Principal, sku_id: int, code: str) -> Barcode:
    sku = await get_sku(session, sku_id)
    barcode = await _attach_barcode(session, sku, code)
    audit.record(
        session, actor, "barcode.add", "sku", sku.id, after={"barcode": code, "symbology": barcode.symbology}
    )
    return barcode


async def remove_barcode(session: AsyncSession, actor: Principal, code: str) -> None:
    barcode = await repo.barcode_by_code(session, code)
    if barcode is None:
        raise BarcodeNotFound(detail={"code": code})
    await session.delete(barcode)
    await session.flush()
    audit.record(session, actor, "barcode.remove", "sku", barcode.sku_id, before={"barcode": code})
