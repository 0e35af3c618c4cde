"""Photo search (拍照识别)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from backend.auth.deps import AppSettings, CurrentHQ
from backend.catalog.images import read_limited
from backend.core.db import DbSession
from backend.vision import schemas, service

router = APIRouter(prefix="/vision", tags=["vision"])


@router.post("/search", response_model=schemas.PhotoSearch)
async def search(
    session: DbSession,
    settings: AppSettings,
    image: Annotated[
        UploadFile, File(description="A photo of the product: PNG, JPEG, WebP or GIF, up to 5 MB")
    ],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> schemas.PhotoSearch:
    """Find the product in a photo: by its barcode when readable, else the catalog pictures most alike."""
    data = await read_limited(image)
    return await service.search(session, settings.var_dir, data, limit)


@router.post("/index", response_model=schemas.IndexStatus)
async def rebuild_index(
    principal: CurrentHQ, session: DbSession, settings: AppSettings, rebuild: bool = False
) -> schemas.IndexStatus:
    """Index catalog pictures added since the last run (HQ); ``rebuild`` starts from scratch."""
    return await service.refresh_index(session, settings.var_dir, rebuild=rebuild)
