"""After-sales endpoints: return and exchange requests, their photos, decisions, completion, rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales import payments as aftersales_payments
from backend.aftersales import repository as repo
from backend.aftersales import service
from backend.aftersales.enums import RequestStatus
from backend.aftersales.models import ReturnRequest as RequestRow
from backend.aftersales.schemas import (
    CategoryRule,
    CategoryRuleIn,
    Completion,
    Decision,
    Rejection,
    RequestCreate,
    RequestLine,
    RequestPhoto,
    ReturnRequest,
)
from backend.auth.deps import AppSettings, CurrentHQ, CurrentMember, CurrentPrincipal, CurrentStaff
from backend.catalog import images
from backend.core.db import DbSession

router = APIRouter(prefix="/aftersales", tags=["aftersales"])


async def _out(session: AsyncSession, request: RequestRow) -> ReturnRequest:
    out = ReturnRequest.model_validate(request)
    out.lines = [RequestLine.model_validate(ln) for ln in await repo.lines(session, request.id)]
    out.photos = [RequestPhoto.model_validate(p) for p in await repo.photos(session, request.id)]
    return out


@router.post("/requests", response_model=ReturnRequest, status_code=status.HTTP_201_CREATED)
async def create_request(body: RequestCreate, member: CurrentMember, session: DbSession) -> ReturnRequest:
    """Ask to return or exchange goods of a completed order; simple no-reason returns approve at once."""
    return await _out(session, await service.create_request(session, member, body))


@router.get("/requests/mine", response_model=list[ReturnRequest])
async def my_requests(member: CurrentMember, session: DbSession) -> list[ReturnRequest]:
    """The signed-in member's requests, newest first."""
    return [await _out(session, r) for r in await repo.member_requests(session, member.id)]


@router.get("/requests", response_model=list[ReturnRequest])
async def store_requests(
    principal: CurrentStaff,
    session: DbSession,
    status_: Annotated[RequestStatus | None, Query(alias="status")] = None,
) -> list[ReturnRequest]:
    """Requests on orders of the caller's stores (all for HQ), oldest first."""
    principal.require_role(*service.STAFF_ROLES)
    found = await repo.store_requests(session, principal.store_ids, status_)
    return [await _out(session, r) for r in found]


@router.get("/requests/{request_id}", response_model=ReturnRequest)
async def get_request(request_id: int, principal: CurrentPrincipal, session: DbSession) -> ReturnRequest:
    """One request with its lines and photos."""
    return await _out(session, await service.visible(session, principal, request_id))


@router.post(
    "/requests/{request_id}/photos", response_model=RequestPhoto, status_code=status.HTTP_201_CREATED
)
async def add_photo(
    request_id: int,
    member: CurrentMember,
    session: DbSession,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="PNG, JPEG, WebP or GIF, up to 5 MB")],
) -> RequestPhoto:
    """Add a photo of the goods to an open request."""
    data = await images.read_limited(file)
    return RequestPhoto.model_validate(
        await service.add_photo(session, member, settings.var_dir, request_id, data)
    )


@router.get("/requests/{request_id}/photos/{photo_id}", response_class=FileResponse)
async def get_photo(
    request_id: int, photo_id: int, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> FileResponse:
    """The photo's file."""
    path, content_type = await service.photo_file(session, principal, settings.var_dir, request_id, photo_id)
    return FileResponse(path, media_type=content_type)


@router.post("/requests/{request_id}/approve", response_model=ReturnRequest)
async def approve(
    request_id: int, body: Decision, principal: CurrentStaff, session: DbSession
) -> ReturnRequest:
    """Approve a pending request (staff of the order's store, or HQ)."""
    return await _out(session, await service.decide(session, principal, request_id, True, body.note))


@router.post("/requests/{request_id}/reject", response_model=ReturnRequest)
async def reject(
    request_id: int, body: Rejection, principal: CurrentStaff, session: DbSession
) -> ReturnRequest:
    """Reject a pending request with a reason the shopper sees."""
    return await _out(session, await service.decide(session, principal, request_id, False, body.note))


@router.post("/requests/{request_id}/cancel", response_model=ReturnRequest)
async def cancel(request_id: int, member: CurrentMember, session: DbSession) -> ReturnRequest:
    """Withdraw an open request."""
    return await _out(session, await service.cancel(session, member, request_id))


@router.post("/requests/{request_id}/complete", response_model=ReturnRequest)
async def complete(
    request_id: int, body: Completion, principal: CurrentStaff, session: DbSession
) -> ReturnRequest:
    """Take the goods back at any store: refund or exchange, stock and money moving once."""
    return await _out(session, await service.complete(session, principal, request_id, body.store_id))


@router.get("/category-rules", response_model=list[CategoryRule])
async def list_rules(principal: CurrentStaff, session: DbSession) -> list[CategoryRule]:
    """Per-category return rules (categories without one follow their parent, then the defaults)."""
    return [CategoryRule.model_validate(r) for r in (await repo.rules(session)).values()]


@router.put("/category-rules/{category_id}", response_model=CategoryRule)
async def set_rule(
    category_id: int, body: CategoryRuleIn, principal: CurrentHQ, session: DbSession
) -> CategoryRule:
    """Set a category's return rule (HQ)."""
    return CategoryRule.model_validate(await service.set_rule(session, principal, category_id, body))


aftersales_payments.register_handlers()
