from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, status

from backend.auth.deps import (
    AppSettings,
    CurrentHQ,
    CurrentMember,
    CurrentStaff,
    StoreActor,
    forget_revocation,
)
from backend.auth.principal import StaffRole
from backend.core import audit
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.core.schemas import Phone
from backend.members import repository as repo
from backend.members import service, wallet
from backend.members.models import TierRule, TopupBonus
from backend.members.schemas import (
    Member,
    MemberCode,
    MemberIdentify,
    MemberSummary,
    MemberUpdate,
    PasswordSet,
    PointsEntry,
    StoredValueEntry,
    Tier,
    TierCreate,
    TopupBonusRule,
    TopUpCreate,
    Wallet,
)

IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=64)]

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


@router.get("/me/wallet", response_model=Wallet)
async def my_wallet(principal: CurrentMember, session: DbSession) -> Wallet:
    """Points, stored value, tier and how far the next tier is."""
    progress = await wallet.recompute_tier(session, principal.id)
    held = await wallet.get_wallet(session, principal.id)
    return Wallet(
        points=held.points,
        stored_value=held.stored_value,
        spend_12m=progress.spend_12m,
        tier=Tier.model_validate(progress.tier) if progress.tier else None,
        next_tier=Tier.model_validate(progress.next_tier) if progress.next_tier else None,
        to_next_tier=progress.to_next,
    )


@router.get("/me/points", response_model=list[PointsEntry])
async def my_points(
    principal: CurrentMember, session: DbSession, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[PointsEntry]:
    """The member's points history, newest first."""
    return [PointsEntry.model_validate(e) for e in await repo.points_history(session, principal.id, limit)]


@router.get("/me/stored-value", response_model=list[StoredValueEntry])
async def my_stored_value(
    principal: CurrentMember, session: DbSession, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[StoredValueEntry]:
    """The member's stored-value statement, newest first."""
    entries = await repo.stored_value_history(session, principal.id, limit)
    return [StoredValueEntry.model_validate(e) for e in entries]


@router.post("/{member_id}/stored-value/topups", response_model=list[StoredValueEntry], status_code=201)
async def top_up_at_till(
    member_id: int,
    body: TopUpCreate,
    key: IdempotencyKey,
    principal: StoreActor,
    session: DbSession,
    settings: AppSettings,
) -> list[StoredValueEntry]:
    """Top up a member's stored value at a till (cash or card), with the bonus its amount earns."""
    if principal.is_staff:
        principal.require_role(StaffRole.CASHIER, StaffRole.STORE_MANAGER)
    principal.require_store(body.store_id)
    await service.get_member(session, member_id)
    entries = await wallet.top_up(
        session, settings, member_id, body.amount, f"till_{body.tender}", key, store_id=body.store_id
    )
    audit.record(
        session,
        principal,
        "stored_value.topup",
        "member",
        member_id,
        store_id=body.store_id,
        after={"amount": body.amount, "tender": body.tender, "key": key},
    )
    return [StoredValueEntry.model_validate(e) for e in entries]


@router.get("/tiers", response_model=list[Tier])
async def list_tiers(session: DbSession) -> list[Tier]:
    """Membership tiers and what reaches them."""
    return [Tier.model_validate(t) for t in await repo.tier_rules(session)]


@router.put("/tiers", response_model=list[Tier])
async def replace_tiers(body: list[TierCreate], principal: CurrentHQ, session: DbSession) -> list[Tier]:
    """Set the tier ladder (HQ); members move on their next order or the nightly recompute."""
    codes = [t.code for t in body]
    if len(set(codes)) != len(codes):
        raise ValidationFailed("Tier codes must be unique.", detail={"codes": codes})
    before = [Tier.model_validate(t).model_dump() for t in await repo.tier_rules(session)]
    for old in await repo.tier_rules(session):
        await session.delete(old)
    await session.flush()
    session.add_all(TierRule(**t.model_dump()) for t in body)
    await session.flush()
    audit.record(
        session,
        principal,
        "tiers.replace",
        "tier_rules",
        "all",
        before={"tiers": before},
        after={"tiers": [t.model_dump() for t in body]},
    )
    return [Tier.model_validate(t) for t in await repo.tier_rules(session)]


@router.put("/topup-bonuses", response_model=list[TopupBonusRule])
async def replace_topup_bonuses(
    body: list[TopupBonusRule], principal: CurrentHQ, session: DbSession
) -> list[TopupBonusRule]:
    """Set the top-up bonus ladder (充值赠送), e.g. top up 500 get 50 (HQ)."""
    for old in await repo.topup_bonuses(session):
        await session.delete(old)
    await session.flush()
    session.add_all(TopupBonus(**b.model_dump()) for b in body)
    await session.flush()
    audit.record(
        session,
        principal,
        "topup_bonuses.replace",
        "topup_bonuses",
        "all",
        after={"bonuses": [b.model_dump() for b in body]},
    )
    return [TopupBonusRule.model_validate(b) for b in await repo.topup_bonuses(session)]
