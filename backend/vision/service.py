"""Photo search: a barcode in the photo wins; otherwise the catalog pictures that look most alike."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog import repository as catalog_repo
from backend.catalog.images import inspect, media_root
from backend.catalog.models import Product, ProductImage
from backend.vision import features
from backend.vision.schemas import IndexStatus, Match, PhotoSearch
from shared.devices.scanner import Scanner, Symbology

BARCODE_SYMBOLOGIES = (Symbology.EAN13, Symbology.EAN8, Symbology.UPCA)

_cache: dict[Path, tuple[float, features.Index]] = {}
_lock = asyncio.Lock()


def index_path(var_dir: Path) -> Path:
    return var_dir / "vision" / "index.npz"


def _load(path: Path) -> features.Index:
    """The saved index, reused from memory while the file is unchanged."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return features.Index()
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    index = features.Index.from_bytes(path.read_bytes())
    _cache[path] = (mtime, index)
    return index


def _save(path: Path, index: features.Index) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(index.to_bytes())
    os.replace(tmp, path)
    _cache[path] = (path.stat().st_mtime, index)


def _extract_files(media: Path, rows: list[tuple[int, int, str]]) -> list[tuple[int, int, features.Features]]:
    out = []
    for image_id, product_id, relative in rows:
        file = media / relative
        if file.is_file():
            out.append((image_id, product_id, features.extract(file.read_bytes())))
    return out


async def refresh_index(session: AsyncSession, var_dir: Path, rebuild: bool = False) -> IndexStatus:
    """Bring the saved index in line with the catalog's pictures (new ones added, deleted ones dropped)."""
    rows = [
        (image_id, product_id, relative)
        for image_id, product_id, relative in await session.execute(
            select(ProductImage.id, ProductImage.product_id, ProductImage.path).order_by(ProductImage.id)
        )
    ]
    path = index_path(var_dir)
    async with _lock:
        index = features.Index() if rebuild else _load(path)
        wanted = {image_id for image_id, _, _ in rows}
        stale = set(index.image_ids) - wanted
        if stale:
            # Removing rows from the keypoint arrays is as costly as rebuilding them.
            index = features.Index()
        known = set(index.image_ids)
        missing = [row for row in rows if row[0] not in known]
        if not missing and not stale and path.exists():
            return IndexStatus(indexed_images=len(index), added=0, removed=0)
        extracted = await asyncio.to_thread(_extract_files, media_root(var_dir), missing)
        for image_id, product_id, feats in extracted:
            index.add(image_id, product_id, feats)
        await asyncio.to_thread(_save, path, index)
        return IndexStatus(indexed_images=len(index), added=len(extracted), removed=len(stale))


async def _products(session: AsyncSession, product_ids: list[int]) -> dict[int, Product]:
    rows = await session.scalars(select(Product).where(Product.id.in_(product_ids)))
    return {p.id: p for p in rows}


async def _by_barcode(session: AsyncSession, data: bytes) -> list[Match]:
    outcome = await asyncio.to_thread(Scanner(symbologies=BARCODE_SYMBOLOGIES).scan, data)
    matches: list[Match] = []
    for result in outcome.results:
        barcode = await catalog_repo.barcode_by_code(session, result.text)
        if barcode is None:
            continue
        sku = await catalog_repo.get_sku(session, barcode.sku_id)
        if sku is None:
            continue
        product = (await _products(session, [sku.product_id]))[sku.product_id]
        matches.append(
            Match(
                product_id=product.id,
                product_code=product.code,
                name_zh=product.name_zh,
                name_en=product.name_en,
                score=1.0,
                sku_id=sku.id,
                barcode=barcode.code,
            )
        )
    return matches


async def search(session: AsyncSession, var_dir: Path, data: bytes, limit: int = 5) -> PhotoSearch:
    """Products in a photo, best first: by barcode when one is readable, else by visual similarity."""
    inspect(data)
    status = await refresh_index(session, var_dir)
    by_barcode = await _by_barcode(session, data)
    if by_barcode:
        return PhotoSearch(method="barcode", matches=by_barcode[:limit], indexed_images=status.indexed_images)
    index = _load(index_path(var_dir))
    query = await asyncio.to_thread(features.extract, data)
    found = await asyncio.to_thread(index.search, query, limit)
    products = await _products(session, [product_id for product_id, _, _ in found])
    matches = [
        Match(
            product_id=product_id,
            product_code=products[product_id].code,
            name_zh=products[product_id].name_zh,
            name_en=products[product_id].name_en,
            score=round(score, 4),
            image_id=image_id,
        )
        for product_id, image_id, score in found
        if product_id in products
    ]
    return PhotoSearch(
        method="visual" if matches else "none", matches=matches, indexed_images=status.indexed_images
    )
