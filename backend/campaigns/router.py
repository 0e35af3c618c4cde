"""拼团 group buys, 砍价 bargains and 秒杀 flash sales: HQ set-up, member actions, payments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials

from backend.auth.deps import AppSettings, CurrentHQ, CurrentMember, bearer
from backend.campaigns import bargain, flashsale, groupbuy
from backend.campaigns import repository as repo
from backend.campaigns.flashsale_batch import batcher_for
from backend.campaigns.models import Group as GroupRow
from backend.campaigns.schemas import (
    Bargain,
    BargainCut,
    BargainDeal,
    BargainDealCreate,
    BargainDetail,
    BargainStart,
    CampaignPayment,
    CutResult,
    FlashClaim,
    FlashItem,
    FlashSlot,
    FlashSlotCreate,
    Group,
    GroupBuyDeal,
    GroupBuyDealCreate,
    GroupDetail,
    GroupJoin,
    GroupOpen,
    PayRequest,
    Seat,
)
from backend.core.db import DbSession
from backend.core.errors import Forbidden, TokenInvalid, Unauthorized
from backend.core.security import decode_access_token
from backend.core.time import utcnow
from backend.orders import access
from backend.orders.schemas import Order

router = APIRouter(prefix="/campaigns", tags=["campaigns"])

groupbuy.register_handlers()
flashsale.register_handlers()


def _group_detail(group: GroupRow, deal: Any, seats: list[Any]) -> GroupDetail:
    return GroupDetail(
        **Group.model_validate(group).model_dump(),
        deal=GroupBuyDeal.model_validate(deal),
        members=[Seat.model_validate(s) for s in seats],
    )


# --- group buy ---


@router.post("/group-buys", response_model=GroupBuyDeal, status_code=status.HTTP_201_CREATED)
async def create_group_buy(
    body: GroupBuyDealCreate, principal: CurrentHQ, session: DbSession
) -> GroupBuyDeal:
    """Define a group buy on a SKU (HQ)."""
    return GroupBuyDeal.model_validate(await groupbuy.create_deal(session, principal, body))


@router.get("/group-buys", response_model=list[GroupBuyDeal])
async def list_group_buys(session: DbSession, running: bool = True) -> list[GroupBuyDeal]:
    """Group buys running now (or all of them)."""
    rows = await repo.group_deals(session, utcnow() if running else None)
    return [GroupBuyDeal.model_validate(d) for d in rows]


@router.post("/group-buys/{deal_id}/stop", response_model=GroupBuyDeal)
async def stop_group_buy(deal_id: int, principal: CurrentHQ, session: DbSession) -> GroupBuyDeal:
    """Stop a group buy: no new groups open; open groups run to their deadline (HQ)."""
    return GroupBuyDeal.model_validate(await groupbuy.stop_deal(session, principal, deal_id))


@router.get("/group-buys/{deal_id}/groups", response_model=list[Group])
async def open_groups(deal_id: int, session: DbSession) -> list[Group]:
    """Groups of a deal still open to join, the ones closest to their deadline first."""
    return [Group.model_validate(g) for g in await repo.open_groups(session, deal_id, utcnow())]


@router.post("/groups", response_model=GroupDetail, status_code=status.HTTP_201_CREATED)
async def open_group(body: GroupOpen, principal: CurrentMember, session: DbSession) -> GroupDetail:
    """Open a new group as its leader; share its code so others can join."""
    group, _ = await groupbuy.open_group(session, principal, body.deal_id, body.store_id, body.quantity)
    return _group_detail(*await groupbuy.group_detail(session, group.code))


@router.get("/groups/{code}", response_model=GroupDetail)
async def get_group(code: str, session: DbSession) -> GroupDetail:
    """A group by its share code, with its members."""
    return _group_detail(*await groupbuy.group_detail(session, code))


@router.post("/groups/{code}/join", response_model=GroupDetail)
async def join_group(code: str, body: GroupJoin, principal: CurrentMember, session: DbSession) -> GroupDetail:
    """Join a group by its share code (refused when full, closed or over the per-member limit)."""
    group, _ = await groupbuy.join_group(session, principal, code, body.store_id, body.quantity)
    return _group_detail(*await groupbuy.group_detail(session, group.code))


@router.post("/group-seats/{seat_id}/payment", response_model=CampaignPayment)
async def pay_seat(
    seat_id: int, principal: CurrentMember, session: DbSession, body: PayRequest | None = None
) -> CampaignPayment:
    """Open the payment for the member's seat in a group."""
    provider = body.provider if body else "sandbox"
    return await groupbuy.start_payment(session, principal, seat_id, provider)


@router.post("/group-seats/{seat_id}/leave", response_model=Seat)
async def leave_group(seat_id: int, principal: CurrentMember, session: DbSession) -> Seat:
    """Leave a group before paying; the seat and its units are given back."""
    return Seat.model_validate(await groupbuy.leave(session, principal, seat_id))


# --- bargain ---


@router.post("/bargain-deals", response_model=BargainDeal, status_code=status.HTTP_201_CREATED)
async def create_bargain_deal(
    body: BargainDealCreate, principal: CurrentHQ, session: DbSession
) -> BargainDeal:
    """Define a bargain on a SKU (HQ)."""
    return BargainDeal.model_validate(await bargain.create_deal(session, principal, body))


@router.get("/bargain-deals", response_model=list[BargainDeal])
async def list_bargain_deals(session: DbSession, running: bool = True) -> list[BargainDeal]:
    """Bargain deals running now (or all of them)."""
    rows = await repo.bargain_deals(session, utcnow() if running else None)
    return [BargainDeal.model_validate(d) for d in rows]


async def _bargain_detail(session: Any, row: Any) -> BargainDetail:
    cuts = [BargainCut.model_validate(c) for c in await repo.cuts_of(session, row.id)]
    return BargainDetail(**Bargain.model_validate(row).model_dump(), cuts=cuts)


@router.post("/bargains", response_model=BargainDetail, status_code=status.HTTP_201_CREATED)
async def start_bargain(body: BargainStart, principal: CurrentMember, session: DbSession) -> BargainDetail:
    """Start a bargain (or get back the one running on this deal); share its code with friends."""
    return await _bargain_detail(
        session, await bargain.start(session, principal, body.deal_id, body.store_id)
    )


@router.get("/bargains/{code}", response_model=BargainDetail)
async def get_bargain(code: str, session: DbSession) -> BargainDetail:
    """A bargain by its share code, with every cut so far."""
    return await _bargain_detail(session, await bargain.by_code(session, code))


@router.post("/bargains/{code}/cut", response_model=CutResult)
async def cut_bargain(code: str, principal: CurrentMember, session: DbSession) -> CutResult:
    """Cut a friend's bargain (once per friend; not your own)."""
    row, cut = await bargain.cut(session, principal, code)
    return CutResult(bargain=Bargain.model_validate(row), cut=BargainCut.model_validate(cut))


@router.post("/bargains/{bargain_id}/order", response_model=Order, status_code=status.HTTP_201_CREATED)
async def order_bargain(
    bargain_id: int, principal: CurrentMember, session: DbSession, settings: AppSettings
) -> Order:
    """Order at the price reached (floor reached, or deadline passed); pay it like any order."""
    order = await bargain.buy(session, principal, bargain_id, settings)
    return await access.to_schema(session, order)


# --- flash sale ---


def _slot(slot: Any, items: list[Any]) -> FlashSlot:
    return FlashSlot(
        id=slot.id,
        name_zh=slot.name_zh,
        name_en=slot.name_en,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        items=[FlashItem.model_validate(i) for i in items],
    )


@router.post("/flash-sales", response_model=FlashSlot, status_code=status.HTTP_201_CREATED)
async def create_flash_sale(body: FlashSlotCreate, principal: CurrentHQ, session: DbSession) -> FlashSlot:
    """Create a flash-sale slot; each item's pool is moved out of its store's stock (HQ)."""
    return _slot(*await flashsale.create_slot(session, principal, body))


@router.get("/flash-sales", response_model=list[FlashSlot])
async def list_flash_sales(session: DbSession) -> list[FlashSlot]:
    """Flash-sale slots on now or coming, with each item's pool and units sold."""
    slots = await repo.slots(session, utcnow())
    items = await repo.items_of(session, [s.id for s in slots])
    return [_slot(s, [i for i in items if i.slot_id == s.id]) for s in slots]


@router.post("/flash-sales/{slot_id}/end", response_model=FlashSlot)
async def end_flash_sale(slot_id: int, principal: CurrentHQ, session: DbSession) -> FlashSlot:
    """End a slot now; unsold units go back to the stores (HQ)."""
    slot = await flashsale.end_slot(session, principal, slot_id)
    return _slot(slot, await repo.items_of(session, [slot.id]))


async def flash_buyer(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> tuple[int, str]:
    """The signed-in member (id, sign-in id) from the token's signature alone; whether the sign-in was
    revoked is checked by the batch that applies the purchase, one query for the whole batch."""
    if credentials is None:
        raise Unauthorized()
    claims = decode_access_token(request.app.state.settings.secret_key, credentials.credentials)
    kind, _, subject = str(claims["sub"]).partition(":")
    session_id = claims.get("sid")
    if not subject.isdigit() or not session_id:
        raise TokenInvalid()
    if kind != "member":
        raise Forbidden("This is for signed-in shoppers.")
    return int(subject), str(session_id)


@router.post("/flash-items/{item_id}/buy", response_model=FlashClaim, status_code=status.HTTP_201_CREATED)
async def buy_flash_item(
    item_id: int,
    request: Request,
    buyer: Annotated[tuple[int, str], Depends(flash_buyer)],
    quantity: Annotated[int, Query(gt=0, le=99)] = 1,
) -> dict[str, Any]:
    """Grab units of a flash-sale item; the claim must be paid within a few minutes. A repeated buy
    returns the claim the member already holds. (No request body: nothing to read on the hot path.)"""
    member_id, session_id = buyer
    return await batcher_for(request.app).buy(item_id, member_id, session_id, quantity)


@router.get("/flash-claims/mine", response_model=list[FlashClaim])
async def my_flash_claims(principal: CurrentMember, session: DbSession) -> list[FlashClaim]:
    """The member's flash-sale claims, newest first."""
    return [FlashClaim.model_validate(c) for c in await repo.claims_of_member(session, principal.id)]


@router.post("/flash-claims/{claim_id}/payment", response_model=CampaignPayment)
async def pay_flash_claim(
    claim_id: int, principal: CurrentMember, session: DbSession, body: PayRequest | None = None
) -> CampaignPayment:
    """Open the payment for a held flash-sale claim."""
    return await flashsale.start_payment(session, principal, claim_id, body.provider if body else "sandbox")
