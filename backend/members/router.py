from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from backend.auth.deps import AppSettings, CurrentMember, CurrentStaff, StoreActor, forget_revocation
from backend.core.db import DbSession
from backend.core.schemas import Phone
from backend.members import service
from backend.members.schemas import (
    Member,
    MemberCode,
    MemberIdentify,
    MemberSummary,
    MemberUpdate,
    PasswordSet,
)

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/me", response_model=Member)
async def get_me(principal: CurrentMember, session: DbSession) -> Member:
    """The signed-in member's profile."""
    return service.to_schema(await service.get_member(session, principal.id))


@router.patch("/me", response_model=Member)
async def update_me(body: MemberUpdate, principal: CurrentMember, session: DbSession) -> Member:
    """Change name, birthday (once), language, marketing consent or home store."""
    return service.to_schema(await service.update_profile(session, principal.id, body))


@router.put("/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def set_password(body: PasswordSet, principal: CurrentMember, session: DbSession) -> None:
    """Set or change the member's password (sign-in by code always works too)."""
    await service.set_password(session, principal.id, body.password)


@router.get("/me/code", response_model=MemberCode)
async def my_member_code(principal: CurrentMember, settings: AppSettings) -> MemberCode:
    """A fresh signed member code (QR) for the till or kiosk; valid for a minute."""
    return MemberCode(code=service.member_code(settings, principal.id), expires_in=service.MEMBER_CODE_TTL)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(principal: CurrentMember, session: DbSession) -> None:
    """Delete the account: personal data erased, every sign-in ended."""
    await service.delete_account(session, principal)
    if principal.session_id:
        forget_revocation(principal.session_id)


@router.post("/identify", response_model=MemberSummary)
async def identify(
    body: MemberIdentify, principal: StoreActor, session: DbSession, settings: AppSettings
) -> MemberSummary:
    """Identify a member at a till or kiosk by the code on their phone."""
    return service.summary(await service.identify(session, settings, body.code))


@router.get("/lookup", response_model=MemberSummary)
async def lookup(
    phone: Annotated[Phone, Query()], principal: CurrentStaff, session: DbSession
) -> MemberSummary:
    """Find a member by phone (staff); personal data masked."""
    return service.summary(await service.lookup_by_phone(session, phone))
