"""A member's own data: export everything held about them, or erase the account (个人信息保护法)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from backend.auth.deps import CurrentMember, forget_revocation
from backend.core.db import DbSession
from backend.core.schemas import Schema
from backend.members import privacy


class DataExport(Schema):
    exported_at: str
    profile: dict[str, Any]
    consent: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    row_count: int


class Erasure(Schema):
    member_id: int
    cleared: dict[str, int]


router = APIRouter(prefix="/members/me", tags=["members"])


@router.get("/export", response_model=DataExport)
async def export_my_data(principal: CurrentMember, session: DbSession) -> dict[str, Any]:
    """Everything held about the signed-in member, as JSON (profile, orders, ledgers, coupons, consents…)."""
    return await privacy.export(session, principal.id)


@router.post("/erasure", response_model=Erasure)
async def erase_my_account(principal: CurrentMember, session: DbSession) -> dict[str, Any]:
    """Delete the account: personal data anonymised, financial records kept; refused while orders are open."""
    result = await privacy.erase(session, principal)
    if principal.session_id:
        forget_revocation(principal.session_id)
    return result
