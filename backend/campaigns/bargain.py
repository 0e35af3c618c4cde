"""砍价 bargain: a member starts a bargain on a deal, friends cut the price once each, and the member
buys at the price reached (the floor, or wherever it stood at the deadline).

The cut schedule is drawn when the bargain starts, in integer fen, so the cuts always add up to exactly
``start − floor``: choose ``N − 1`` distinct cut points uniformly from ``1 … D − 1`` (D = start − floor),
sort them, and take the gaps between 0, the points and D. That is a uniformly random composition of D
into N positive parts, so every cut is at least 1 fen and the sum is D by construction. The parts are
ordered largest first (early friends see the big cuts, the last ones shave the remainder), which does
not change their sum. The n-th friend's cut is the n-th amount, claimed by one conditional UPDATE of
``cuts_done``, and a friend's second cut is refused by a unique (bargain, member) key.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.campaigns import common, ordering
from backend.campaigns import repository as repo
from backend.campaigns.errors import (
    AlreadyCut,
    BadCutPlan,
    BargainClosed,
    BargainNotFinished,
    BargainNotFound,
    CampaignNotRunning,
    DealNotFound,
    SelfCut,
)
from backend.campaigns.models import Bargain, BargainCut, BargainDeal, BargainStatus
from backend.campaigns.schemas import BargainDealCreate
from backend.core import audit
from backend.core.events import emit
from backend.core.settings import Settings
from backend.core.time import as_utc, utcnow
from backend.orders.models import Order

B = BargainStatus
# After the floor is reached or the deadline passes, the initiator has this long to place the order.
BUY_WINDOW = timedelta(hours=24)


def cut_schedule(total: int, cuts: int, rng: random.Random) -> list[int]:
    """``cuts`` random amounts of at least 1 fen that add up to exactly ``total`` fen, largest first."""
    if cuts < 1 or total < cuts:
        raise BadCutPlan(detail={"gap": total, "cuts": cuts})
    points = sorted(rng.sample(range(1, total), cuts - 1))
    edges = [0, *points, total]
    return sorted((b - a for a, b in zip(edges, edges[1:], strict=False)), reverse=True)


async def create_deal(session: AsyncSession, principal: Principal, body: BargainDealCreate) -> BargainDeal:
    if body.start_price - body.floor_price < body.cuts_needed:
        raise BadCutPlan(detail={"gap": body.start_price - body.floor_price, "cuts": body.cuts_needed})
    await common.check_sku(session, body.sku_id)
    deal = BargainDeal(
        sku_id=body.sku_id,
        name_zh=body.name_zh,
        name_en=body.name_en,
        start_price=body.start_price,
        floor_price=body.floor_price,
        cuts_needed=body.cuts_needed,
        duration_minutes=max(1, round(body.duration_hours * 60)),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        created_by=principal.id,
    )
    session.add(deal)
    await session.flush()
    audit.record(
        session, principal, "bargain.create", "bargain_deal", deal.id, after=body.model_dump(mode="json")
    )
    return deal


async def start(session: AsyncSession, member: Principal, deal_id: int, store_id: int) -> Bargain:
    """Start (or return the member's running) bargain on a deal."""
    now = utcnow()
    deal = await repo.bargain_deal(session, deal_id)
    if deal is None:
        raise DealNotFound(detail={"deal_id": deal_id})
    if not deal.active or not as_utc(deal.starts_at) <= now < as_utc(deal.ends_at):
        raise CampaignNotRunning(detail={"deal_id": deal_id})
    existing = await repo.open_bargain_of(session, deal.id, member.id)
    if existing is not None:
        return existing
    await common.check_store(session, store_id)
    rng = random.Random(secrets.randbits(64))
    bargain = Bargain(
        deal_id=deal.id,
        member_id=member.id,
        store_id=store_id,
        code=common.share_code(),
        start_price=deal.start_price,
        floor_price=deal.floor_price,
        price=deal.start_price,
        cuts_needed=deal.cuts_needed,
        schedule=cut_schedule(deal.start_price - deal.floor_price, deal.cuts_needed, rng),
        deadline=min(now + timedelta(minutes=deal.duration_minutes), as_utc(deal.ends_at)),
    )
    session.add(bargain)
    await session.flush()
    return bargain


async def by_code(session: AsyncSession, code: str) -> Bargain:
    bargain = await repo.bargain_by_code(session, code.strip().upper())
    if bargain is None:
        raise BargainNotFound(detail={"code": code})
    return bargain


async def get(session: AsyncSession, bargain_id: int) -> Bargain:
    bargain = await repo.get_bargain(session, bargain_id)
    if bargain is None:
        raise BargainNotFound(detail={"bargain_id": bargain_id})
    return bargain


async def cut(
    session: AsyncSession, friend: Principal, code: str, now: datetime | None = None
) -> tuple[Bargain, BargainCut]:
    """A friend's one cut: the next amount of the schedule comes off the price."""
    now = now or utcnow()
    bargain = await by_code(session, code)
    if bargain.member_id == friend.id:
        raise SelfCut()
    if await repo.has_cut(session, bargain.id, friend.id):
        raise AlreadyCut(detail={"code": bargain.code})
    seq = await repo.take_cut(session, bargain.id, now)
    if seq is None:
        raise BargainClosed(detail={"status": bargain.status, "deadline": bargain.deadline.isoformat()})
    amount = int(bargain.schedule[seq - 1])
    record = BargainCut(bargain_id=bargain.id, member_id=friend.id, seq=seq, amount=amount)
    try:
        async with session.begin_nested():
            session.add(record)
            await session.flush()
    except IntegrityError as exc:
        raise AlreadyCut(detail={"code": bargain.code}) from exc
    price = bargain.start_price - sum(int(a) for a in bargain.schedule[:seq])
    values = {"price": price}
    if seq == bargain.cuts_needed:
        await repo.move_bargain(session, bargain.id, (B.OPEN,), B.FLOOR_REACHED, **values)
    else:
        await repo.move_bargain(session, bargain.id, (B.OPEN,), B.OPEN, **values)
    fresh = await get(session, bargain.id)
    emit(
        session,
        f"member:{bargain.member_id}",
        "bargain.cut",
        {"bargain_id": bargain.id, "seq": seq, "amount": amount, "price": fresh.price},
    )
    return fresh, record


async def buy(session: AsyncSession, member: Principal, bargain_id: int, settings: Settings) -> Order:
    """Order the item at the price reached: once the floor is reached, or once the deadline has passed.
    The order is an ordinary unpaid order, paid like any other."""
    now = utcnow()
    bargain = await get(session, bargain_id)
    if bargain.member_id != member.id:
        raise BargainNotFound(detail={"bargain_id": bargain_id})
    deadline = as_utc(bargain.deadline)
    finished = bargain.status == B.FLOOR_REACHED or (bargain.status == B.OPEN and deadline <= now)
    if not finished:
        if bargain.status == B.OPEN:
            raise BargainNotFinished(detail={"price": bargain.price, "deadline": deadline.isoformat()})
        raise BargainClosed(detail={"status": bargain.status})
    if now > deadline + BUY_WINDOW:
        raise BargainClosed(detail={"status": "buy_window_passed"})
    deal = await repo.bargain_deal(session, bargain.deal_id)
    assert deal is not None
    if not await repo.move_bargain(session, bargain.id, (B.OPEN, B.FLOOR_REACHED), B.ORDERED):
        raise BargainClosed(detail={"status": "ordered"})
    order = await ordering.create_order(
        session,
        member_id=member.id,
        store_id=bargain.store_id,
        sku_id=deal.sku_id,
        quantity=1,
        unit_price=bargain.price,
        reason="bargain",
        note=f"砍价 {bargain.code}",
        pay_minutes=settings.unpaid_order_minutes,
        actor=member,
    )
    await repo.move_bargain(session, bargain.id, (B.ORDERED,), B.ORDERED, order_id=order.id)
    return order


async def expire_lapsed(session: AsyncSession, now: datetime | None = None, limit: int = 500) -> int:
    """Bargains whose buy window passed unbought are marked expired; returns how many."""
    now = now or utcnow()
    count = 0
    for bargain_id in await repo.lapsed_bargains(session, now - BUY_WINDOW, limit):
        if await repo.move_bargain(session, bargain_id, (B.OPEN, B.FLOOR_REACHED), B.EXPIRED):
            count += 1
    return count
