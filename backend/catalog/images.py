"""Product images: checked by decoding them (not by name or declared type), stored under var/media."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from PIL import Image, UnidentifiedImageError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog import repository as repo
from backend.catalog.errors import ImageNotFound, ImageTooLarge, InvalidImage
from backend.catalog.models import ProductImage
from backend.catalog.service import get_product
from backend.core import audit

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
MAX_PIXELS = 40_000_000
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}


def media_root(var_dir: Path) -> Path:
    return var_dir / "media"


async def read_limited(upload: UploadFile, limit: int = MAX_BYTES) -> bytes:
    """The upload's bytes, refusing more than ``limit`` without reading it all."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLarge(detail={"max_bytes": limit})
    return data


def inspect(data: bytes) -> tuple[str, str, int, int]:
    """(content type, extension, width, height) of an image, after decoding it fully."""
    if not data:
        raise InvalidImage("The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format or ""
                width, height = probe.size
                if fmt not in FORMATS:
                    raise InvalidImage(detail={"format": fmt or None, "allowed": sorted(FORMATS)})
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise ImageTooLarge(
                        "The picture has too many pixels.",
                        detail={"width": width, "height": height, "max_side": MAX_SIDE},
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as full:
                full.load()
    except (InvalidImage, ImageTooLarge):
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage(detail={"reason": type(exc).__name__}) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidImage("The image is damaged or cut short.", detail={"reason": str(exc)[:200]}) from exc
    content_type, extension = FORMATS[fmt]
    return content_type, extension, width, height


@dataclass(frozen=True, slots=True)
class StoredImage:
    """Where an uploaded picture was kept (relative to the media root) and what it is."""

    path: str
    content_type: str
    byte_size: int
    width: int
    height: int

    def columns(self) -> dict[str, Any]:
        return asdict(self)


def store(var_dir: Path, folder: Path, data: bytes, prefix: str = "") -> StoredImage:
    """Check the bytes decode as a picture, then write them under ``media/<folder>/``."""
    content_type, extension, width, height = inspect(data)
    relative = folder / f"{prefix}{uuid.uuid4().hex}.{extension}"
    target = media_root(var_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return StoredImage(relative.as_posix(), content_type, len(data), width, height)


def stored_file(var_dir: Path, relative: str) -> Path | None:
    """The file a stored picture lives in, or None when it is gone from disk."""
    path = media_root(var_dir) / relative
    return path if path.is_file() else None


async def add_image(
    session: AsyncSession, actor: Principal, var_dir: Path, product_id: int, data: bytes
) -> ProductImage:
    product = await get_product(session, product_id)
    stored = store(var_dir, Path("products") / str(product.id), data)
    image = ProductImage(
        product_id=product.id,
        **stored.columns(),
        sort_order=await repo.next_image_order(session, product.id),
    )
    session.add(image)
    await session.flush()
    audit.record(
        session,
        actor,
        "product.image_add",
        "product",
        product.id,
        after={"image_id": image.id, "path": image.path, "width": stored.width, "height": stored.height},
    )
    return image


async def get_image(session: AsyncSession, image_id: int) -> ProductImage:
    image = await repo.get_image(session, image_id)
    if image is None:
        raise ImageNotFound(detail={"image_id": image_id})
    return image


def image_file(var_dir: Path, image: ProductImage) -> Path:
    path = stored_file(var_dir, image.path)
    if path is None:
        raise ImageNotFound("The image file is missing.", detail={"image_id": image.id})
    return path


async def remove_image(session: AsyncSession, actor: Principal, var_dir: Path, image_id: int) -> None:
    image = await get_image(session, image_id)
    await session.delete(image)
    await session.flush()
    audit.record(
        session,
        actor,
        "product.image_remove",
        "product",
        image.product_id,
        before={"image_id": image.id, "path": image.path},
    )
    (media_root(var_dir) / image.path).unlink(missing_ok=True)
