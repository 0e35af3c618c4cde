"""Endpoints of on-site work orders (mounted under /appointments/work-orders)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments import workorders
from backend.appointments.enums import PhotoStage
from backend.appointments.models import WorkOrder as WorkOrderRow
from backend.appointments.schemas import (
    QuoteCreate,
    RatingCreate,
    WorkOrder,
    WorkOrderCreate,
    WorkOrderPart,
    WorkOrderPhoto,
)
from backend.auth.deps import AppSettings, CurrentMember, CurrentPrincipal, CurrentStaff
from backend.catalog import images
from backend.core.db import DbSession

router = APIRouter(prefix="/work-orders")


async def _out(session: AsyncSession, order: WorkOrderRow) -> WorkOrder:
    out = WorkOrder.model_validate(order)
    out.parts = [WorkOrderPart.model_validate(p) for p in await workorders.parts_of(session, order)]
    out.photos = [WorkOrderPhoto.model_validate(p) for p in await workorders.photos_of(session, order)]
    return out


@router.post("", response_model=WorkOrder, status_code=status.HTTP_201_CREATED)
async def open_work_order(body: WorkOrderCreate, principal: CurrentStaff, session: DbSession) -> WorkOrder:
    """Open the work order of a booking on site (the booking's technician or the store manager)."""
    return await _out(session, await workorders.open_order(session, principal, body))


@router.get("/{work_order_id}", response_model=WorkOrder)
async def get_work_order(work_order_id: int, principal: CurrentPrincipal, session: DbSession) -> WorkOrder:
    """A work order with its parts and photos (its member, or staff of its store)."""
    return await _out(session, await workorders.visible(session, principal, work_order_id))


@router.post("/{work_order_id}/quote", response_model=WorkOrder)
async def quote(
    work_order_id: int, body: QuoteCreate, principal: CurrentStaff, session: DbSession
) -> WorkOrder:
    """Quote labour and parts (priced at the store); can be revised until the customer confirms."""
    return await _out(session, await workorders.quote(session, principal, work_order_id, body))


@router.post("/{work_order_id}/confirm", response_model=WorkOrder)
async def confirm(work_order_id: int, member: CurrentMember, session: DbSession) -> WorkOrder:
    """Accept the quote; the parts leave the store's stock. Pay it as payment ref ``work_order``."""
    return await _out(session, await workorders.confirm(session, member, work_order_id))


@router.post("/{work_order_id}/photos", response_model=WorkOrderPhoto, status_code=status.HTTP_201_CREATED)
async def add_photo(
    work_order_id: int,
    stage: Annotated[PhotoStage, Query()],
    principal: CurrentStaff,
    session: DbSession,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="PNG, JPEG, WebP or GIF, up to 5 MB")],
) -> WorkOrderPhoto:
    """Add a photo before or after the work; the file is decoded to make sure it is a picture."""
    data = await images.read_limited(file)
    photo = await workorders.add_photo(session, principal, settings.var_dir, work_order_id, stage, data)
    return WorkOrderPhoto.model_validate(photo)


@router.get("/{work_order_id}/photos/{photo_id}", response_class=FileResponse)
async def get_photo(
    work_order_id: int, photo_id: int, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> FileResponse:
    """The photo's file."""
    path, content_type = await workorders.photo_file(
        session, principal, settings.var_dir, work_order_id, photo_id
    )
    return FileResponse(path, media_type=content_type)


@router.post("/{work_order_id}/complete", response_model=WorkOrder)
async def complete(work_order_id: int, principal: CurrentStaff, session: DbSession) -> WorkOrder:
    """Finish the job (paid in full, with a photo of the result)."""
    return await _out(session, await workorders.complete(session, principal, work_order_id))


@router.post("/{work_order_id}/rating", response_model=WorkOrder)
async def rate(
    work_order_id: int, body: RatingCreate, member: CurrentMember, session: DbSession
) -> WorkOrder:
    """Rate the finished work 1-5 with a comment (once)."""
    return await _out(session, await workorders.rate(session, member, work_order_id, body))
