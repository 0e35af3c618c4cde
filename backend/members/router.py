from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from sqlalchemy import select

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
from backend.core.time import utcnow
from backend.members import arrival, loyalty, mall, merge, privacy, service, topup, wallet
from backend.members import repository as repo
from backend.members.models import EarnRule as EarnRuleRow
from backend.members.models import EventCoupon, TierRule, TopupBonus
from backend.members.schemas import (
    EarnRule,
    EarnRuleIn,
    EventCouponIn,
    LoyaltyConfig,
    MallCollect,
    MallItem,
    MallItemCreate,
    MallItemUpdate,
    MallRedemption,
    Member,
    MemberCode,
    MemberIdentify,
    MemberMergeOut,
    MemberSummary,
    MemberUpdate,
    MergeIn,
    OnlineTopUp,
    OnlineTopUpCreate,
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
    """Delete the account under the erasure rules (refused while orders are open or money is held)."""
    await privacy.erase(session, principal)
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


def _topup_out(row: topup.StoredValueTopup, payment: object | None) -> OnlineTopUp:
    out = OnlineTopUp.model_validate(row)
    if payment is not None and row.status == topup.PENDING:
        out.pay_url = getattr(payment, "pay_url", None)
        out.qr_payload = getattr(payment, "qr_text", None)
    return out


@router.post("/me/topups", response_model=OnlineTopUp, status_code=201)
async def top_up_online(
    body: OnlineTopUpCreate,
    key: IdempotencyKey,
    principal: CurrentMember,
    session: DbSession,
    settings: AppSettings,
) -> OnlineTopUp:
    """Top up stored value online: opens a gateway payment; the wallet is credited once it is paid."""
    row, payment = await topup.start(session, settings, principal.id, body.amount, body.provider, key)
    return _topup_out(row, payment)


@router.get("/me/topups/{topup_id}", response_model=OnlineTopUp)
async def get_topup(topup_id: int, principal: CurrentMember, session: DbSession) -> OnlineTopUp:
    """One of the member's online top-ups (pending until its payment is confirmed)."""
    row = await topup.get(session, principal.id, topup_id)
    return _topup_out(row, None)


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


@router.get("/loyalty", response_model=LoyaltyConfig)
async def get_loyalty(session: DbSession) -> LoyaltyConfig:
    """How points are earned and what they are worth as a tender."""
    return LoyaltyConfig.model_validate(await loyalty.config(session))


@router.put("/loyalty", response_model=LoyaltyConfig)
async def set_loyalty(body: LoyaltyConfig, principal: CurrentHQ, session: DbSession) -> LoyaltyConfig:
    """Set the earn rate, points validity, redemption rate and the largest share points may pay (HQ)."""
    config = await loyalty.config(session)
    before = LoyaltyConfig.model_validate(config).model_dump()
    for key, value in body.model_dump().items():
        setattr(config, key, value)
    config.updated_at = utcnow()
    await session.flush()
    audit.record(
        session, principal, "loyalty.config", "loyalty_config", 1, before=before, after=body.model_dump()
    )
    return LoyaltyConfig.model_validate(config)


@router.get("/earn-rules", response_model=list[EarnRule])
async def list_earn_rules(session: DbSession) -> list[EarnRule]:
    """Points multipliers by category and by campaign."""
    return [EarnRule.model_validate(r) for r in await loyalty.earn_rules(session)]


@router.put("/earn-rules", response_model=list[EarnRule])
async def replace_earn_rules(
    body: list[EarnRuleIn], principal: CurrentHQ, session: DbSession
) -> list[EarnRule]:
    """Set the points multipliers (HQ); they apply to orders completed from now on."""
    before = [EarnRule.model_validate(r).model_dump(mode="json") for r in await loyalty.earn_rules(session)]
    for old in await loyalty.earn_rules(session):
        await session.delete(old)
    await session.flush()
    session.add_all(EarnRuleRow(**r.model_dump()) for r in body)
    await session.flush()
    audit.record(
        session,
        principal,
        "earn_rules.replace",
        "earn_rules",
        "all",
        before={"rules": before},
        after={"rules": [r.model_dump(mode="json") for r in body]},
    )
    return [EarnRule.model_validate(r) for r in await loyalty.earn_rules(session)]


@router.get("/event-coupons", response_model=list[EventCouponIn])
async def list_event_coupons(principal: CurrentStaff, session: DbSession) -> list[EventCouponIn]:
    """Coupon templates issued on sign-up and in the birthday month."""
    rows = await session.scalars(select(EventCoupon).order_by(EventCoupon.id))
    return [EventCouponIn.model_validate(r) for r in rows]


@router.put("/event-coupons", response_model=list[EventCouponIn])
async def replace_event_coupons(
    body: list[EventCouponIn], principal: CurrentHQ, session: DbSession
) -> list[EventCouponIn]:
    """Set which coupon templates sign-up and birthdays issue (HQ)."""
    for old in await session.scalars(select(EventCoupon)):
        await session.delete(old)
    await session.flush()
    session.add_all(EventCoupon(**e.model_dump()) for e in body)
    await session.flush()
    audit.record(
        session,
        principal,
        "event_coupons.replace",
        "member_event_coupons",
        "all",
        after={"event_coupons": [e.model_dump() for e in body]},
    )
    rows = await session.scalars(select(EventCoupon).order_by(EventCoupon.id))
    return [EventCouponIn.model_validate(r) for r in rows]


@router.get("/mall/items", response_model=list[MallItem])
async def list_mall_items(session: DbSession) -> list[MallItem]:
    """What points can be exchanged for (积分商城)."""
    return [MallItem.model_validate(i) for i in await mall.items(session)]


@router.post("/mall/items", response_model=MallItem, status_code=201)
async def create_mall_item(body: MallItemCreate, principal: CurrentHQ, session: DbSession) -> MallItem:
    """Put a coupon or a SKU in the points mall (HQ)."""
    return MallItem.model_validate(await mall.create_item(session, principal, body))


@router.patch("/mall/items/{item_id}", response_model=MallItem)
async def update_mall_item(
    item_id: int, body: MallItemUpdate, principal: CurrentHQ, session: DbSession
) -> MallItem:
    """Change a points mall item's price in points, stock, limit or status (HQ)."""
    return MallItem.model_validate(await mall.update_item(session, principal, item_id, body))


@router.post("/mall/items/{item_id}/redeem", response_model=MallRedemption, status_code=201)
async def redeem_mall_item(
    item_id: int, key: IdempotencyKey, principal: CurrentMember, session: DbSession, response: Response
) -> MallRedemption:
    """Exchange points for an item; the same Idempotency-Key returns the first exchange."""
    row, replayed = await mall.redeem(session, principal.id, item_id, key)
    if replayed:
        response.status_code = status.HTTP_200_OK
    return MallRedemption.model_validate(row)


@router.get("/me/mall/redemptions", response_model=list[MallRedemption])
async def my_mall_redemptions(principal: CurrentMember, session: DbSession) -> list[MallRedemption]:
    """The member's points mall exchanges, newest first."""
    return [MallRedemption.model_validate(r) for r in await mall.redemptions(session, principal.id)]


@router.post("/mall/redemptions/{redemption_id}/collect", response_model=MallRedemption)
async def collect_mall_item(
    redemption_id: int, body: MallCollect, principal: CurrentStaff, session: DbSession
) -> MallRedemption:
    """Hand an exchanged SKU over at a store (its stock leaves that store)."""
    principal.require_role(StaffRole.CLERK, StaffRole.CASHIER, StaffRole.STORE_MANAGER)
    return MallRedemption.model_validate(await mall.collect(session, principal, redemption_id, body.store_id))


@router.post("/merge", response_model=MemberMergeOut, status_code=201)
async def merge_members(body: MergeIn, principal: CurrentHQ, session: DbSession) -> MemberMergeOut:
    """Merge a duplicate account into another (HQ): every balance, coupon, order and spend moves."""
    return MemberMergeOut.model_validate(await merge.merge(session, principal, body.kept_id, body.merged_id))


topup.register_handlers()
arrival.register()
