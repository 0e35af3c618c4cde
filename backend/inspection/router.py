"""Store audit (AI巡检)."""

from __future__ import annotations

from fastapi import APIRouter

from backend.auth.deps import CurrentHQ, CurrentStaff
from backend.core.db import DbSession
from backend.inspection import schemas, service

router = APIRouter(prefix="/inspection", tags=["inspection"])


@router.get("/flags", response_model=schemas.Flags)
async def flags(principal: CurrentStaff, session: DbSession) -> schemas.Flags:
    """Stores and cashiers out of line with their peers, with the figures (HQ all; franchisees own)."""
    return await service.flags(session, principal)


@router.post("/runs", response_model=schemas.RunResult)
async def run(body: schemas.RunCreate, principal: CurrentHQ, session: DbSession) -> schemas.RunResult:
    """Recompute the flags now over the last ``days`` before ``end`` (HQ)."""
    return await service.run(session, body.days, body.end)
