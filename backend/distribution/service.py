"""分销 rules: becoming a distributor, first-touch referral binding, commissions that are frozen on
payment, shrink with refunds and settle after the after-sales window, and withdrawals HQ reviews.

Commission of a level = the line's net (its total after every discount, less what was refunded on it)
× the level's rate, rounded half up to the fen. The books follow the orders through ``sync``: a job
(and the HQ "sync now" action) looks at paid orders of referred members that are new or changed since
last seen, so nothing in the orders domain has to call in, and a replay changes nothing (one
commission per order line and level, reversals computed from the line's current refunded amount).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.events import emit
from backend.core.money import percent_of
from backend.core.privacy import mask_name, mask_phone
from backend.core.time import utcnow
from backend.distribution import repository as repo
from backend.distribution import schemas
from backend.distribution.errors import (
    AlreadyBound,
    DistributionDisabled,
    DistributorNotFound,
    InsufficientCommission,
    NotADistributor,
    NotNewMember,
    ReferralCodeUnknown,
    SelfReferral,
    WithdrawalNotFound,
    WithdrawalReviewed,
    WithdrawalTooSmall,
)
from backend.distribution.models import (
    Commission,
    CommissionStatus,
    DistributionSettings,
    Distributor,
    EntryKind,
    LedgerEntry,
    OrderMark,
    Referral,
    Withdrawal,
    WithdrawalStatus,
)
from backend.orders.models import Order

# No 0/O/1/I: codes are read aloud and typed from posters.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# Deepest upline walked when checking for a referral cycle.
MAX_CHAIN = 64
BATCH = 200


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def referral_link(base_url: str, code: str) -> str:
    """The shareable link: the shopper app opens with the code, which it binds after sign-in."""
    return f"{base_url.rstrip('/')}/app/shopper/?ref={code}"


def rates(cfg: DistributionSettings) -> list[int]:
    return [cfg.level1_bp, cfg.level2_bp, cfg.level3_bp][: cfg.levels]


async def settings_out(session: AsyncSession) -> schemas.DistributionSettings:
    cfg = await repo.settings(session)
    return schemas.DistributionSettings(
        enabled=cfg.enabled,
        levels=cfg.levels,
        level1_bp=cfg.level1_bp,
        level2_bp=cfg.level2_bp,
        level3_bp=cfg.level3_bp,
        min_withdrawal=cfg.min_withdrawal,
        freeze_days=await repo.return_window_days(session),
    )


async def update_settings(
    session: AsyncSession, actor: Principal, body: schemas.DistributionSettingsUpdate
) -> schemas.DistributionSettings:
    cfg = await repo.settings(session, create=True)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    before = {k: getattr(cfg, k) for k in changes}
    for key, value in changes.items():
        setattr(cfg, key, value)
    cfg.updated_by = actor.id
    audit.record(
        session, actor, "distribution.settings", "distribution_settings", 1, before=before, after=changes
    )
    await session.flush()
    return await settings_out(session)


async def distributor_out(session: AsyncSession, d: Distributor, base_url: str) -> schemas.Distributor:
    return schemas.Distributor(
        id=d.id,
        member_id=d.member_id,
        code=d.code,
        link=referral_link(base_url, d.code),
        status=d.status,  # type: ignore[arg-type]
        frozen=d.frozen,
        available=d.available,
        pending_withdrawal=d.pending_withdrawal,
        withdrawn=d.withdrawn,
        referred_count=await repo.referred_count(session, d.id),
        created_at=d.created_at,
    )


async def join(session: AsyncSession, member_id: int) -> tuple[Distributor, bool]:
    """Make the member a distributor with a fresh referral code; joining twice returns the same one."""
    existing = await repo.distributor_of_member(session, member_id)
    if existing is not None:
        return existing, False
    cfg = await repo.settings(session)
    if not cfg.enabled:
        raise DistributionDisabled()
    while True:
        code = new_code()
        if await repo.distributor_by_code(session, code) is None:
            break
    distributor = Distributor(member_id=member_id, code=code)
    async with session.begin_nested():
        session.add(distributor)
        await session.flush()
    emit(
        session,
        f"member:{member_id}",
        "distribution.joined",
        {"distributor_id": distributor.id, "code": code},
    )
    return distributor, True


async def my_distributor(session: AsyncSession, member_id: int) -> Distributor:
    distributor = await repo.distributor_of_member(session, member_id)
    if distributor is None:
        raise NotADistributor()
    return distributor


async def get_distributor(session: AsyncSession, distributor_id: int) -> Distributor:
    distributor = await repo.distributor(session, distributor_id)
    if distributor is None:
        raise DistributorNotFound(detail={"distributor_id": distributor_id})
    return distributor


async def set_status(
    session: AsyncSession, actor: Principal, distributor_id: int, status: str
) -> Distributor:
    distributor = await get_distributor(session, distributor_id)
    before = distributor.status
    distributor.status = status
    audit.record(
        session,
        actor,
        "distributor.status",
        "distributor",
        distributor_id,
        before={"status": before},
        after={"status": status},
    )
    await session.flush()
    return distributor


async def code_info(session: AsyncSession, code: str) -> schemas.ReferralCodeInfo:
    distributor = await repo.distributor_by_code(session, code.strip().upper())
    if distributor is None or distributor.status != "active":
        raise ReferralCodeUnknown(detail={"code": code})
    member = await repo.member(session, distributor.member_id)
    return schemas.ReferralCodeInfo(
        code=distributor.code, distributor_name=mask_name(member.name if member else None)
    )


async def upline(session: AsyncSession, member_id: int, depth: int) -> list[Distributor]:
    """The distributors above a member: who referred them, who referred that distributor, ..."""
    chain: list[Distributor] = []
    seen: set[int] = set()
    current = member_id
    while len(chain) < depth:
        ref = await repo.referral(session, current)
        if ref is None or ref.distributor_id in seen:
            break
        distributor = await repo.distributor(session, ref.distributor_id)
        if distributor is None:
            break
        seen.add(distributor.id)
        chain.append(distributor)
        current = distributor.member_id
    return chain


async def bind(session: AsyncSession, member_id: int, body: schemas.BindRequest) -> Referral:
    """Bind a new member to the distributor whose code they used; the first binding stays."""
    cfg = await repo.settings(session)
    if not cfg.enabled:
        raise DistributionDisabled()
    distributor = await repo.distributor_by_code(session, body.code)
    if distributor is None or distributor.status != "active":
        raise ReferralCodeUnknown(detail={"code": body.code})
    existing = await repo.referral(session, member_id)
    if existing is not None:
        raise AlreadyBound(
            detail={"distributor_id": existing.distributor_id, "bound_at": existing.bound_at.isoformat()}
        )
    if distributor.member_id == member_id or any(
        d.member_id == member_id for d in await upline(session, distributor.member_id, MAX_CHAIN)
    ):
        raise SelfReferral(detail={"code": body.code})
    if await repo.has_paid_orders(session, member_id):
        raise NotNewMember()
    referral = Referral(member_id=member_id, distributor_id=distributor.id, via=body.via)
    try:
        async with session.begin_nested():
            session.add(referral)
            await session.flush()
    except IntegrityError as exc:
        raise AlreadyBound() from exc
    emit(
        session,
        f"member:{distributor.member_id}",
        "distribution.referred",
        {"distributor_id": distributor.id, "member_id": member_id},
    )
    return referral


async def referral_out(session: AsyncSession, member_id: int) -> schemas.Referral | None:
    ref = await repo.referral(session, member_id)
    if ref is None:
        return None
    distributor = await repo.distributor(session, ref.distributor_id)
    assert distributor is not None
    return schemas.Referral(
        member_id=member_id,
        distributor_id=ref.distributor_id,
        code=distributor.code,
        via=ref.via,
        bound_at=ref.bound_at,
    )


async def referred_members(session: AsyncSession, distributor: Distributor) -> list[schemas.ReferredMember]:
    return [
        schemas.ReferredMember(
            member_id=m.id, name=mask_name(m.name), phone=mask_phone(m.phone), bound_at=r.bound_at
        )
        for r, m in await repo.referred(session, distributor.id)
    ]


# --- the books


def _entry(
    session: AsyncSession,
    distributor_id: int,
    kind: str,
    *,
    commission: Commission | None = None,
    withdrawal: Withdrawal | None = None,
    frozen: int = 0,
    available: int = 0,
    note: str | None = None,
) -> None:
    session.add(
        LedgerEntry(
            distributor_id=distributor_id,
            kind=kind,
            commission_id=commission.id if commission else None,
            withdrawal_id=withdrawal.id if withdrawal else None,
            store_id=commission.store_id if commission else None,
            frozen_delta=frozen,
            available_delta=available,
            note=note,
        )
    )


async def _notify(session: AsyncSession, distributor_id: int, type_: str, payload: dict[str, Any]) -> None:
    distributor = await repo.distributor(session, distributor_id)
    if distributor is not None:
        emit(session, f"member:{distributor.member_id}", type_, {"distributor_id": distributor_id, **payload})


def _target(order: Order, commission: Commission, line_net: int) -> int:
    """What the commission should be now: none for a cancelled or wholly refunded order, otherwise the
    rate on what is left of the line."""
    if order.status in repo.TERMINAL:
        return 0
    return min(commission.amount, percent_of(max(0, line_net), commission.rate_bp))


async def account_order(session: AsyncSession, order: Order, cfg: DistributionSettings) -> tuple[int, int]:
    """Bring one order's commissions in line with the order; returns (accrued, reversed) fen."""
    lines = await repo.order_lines(session, order.id)
    existing = {(c.order_line_id, c.level): c for c in await repo.commissions_of_order(session, order.id)}
    accrued = reversed_total = 0
    mark = await repo.mark(session, order.id)
    if mark is None and cfg.enabled and order.member_id is not None:
        chain = await upline(session, order.member_id, cfg.levels)
        for level, (distributor, rate) in enumerate(zip(chain, rates(cfg), strict=False), start=1):
            if distributor.status != "active" or rate <= 0:
                continue
            for line in lines:
                amount = percent_of(line.line_total, rate)
                if amount <= 0 or (line.id, level) in existing:
                    continue
                commission = Commission(
                    distributor_id=distributor.id,
                    level=level,
                    order_id=order.id,
                    order_line_id=line.id,
                    buyer_member_id=order.member_id,
                    store_id=line.store_id,
                    base=line.line_total,
                    rate_bp=rate,
                    amount=amount,
                )
                session.add(commission)
                await session.flush()
                await repo.move_balances(session, distributor.id, frozen=amount)
                _entry(
                    session,
                    distributor.id,
                    EntryKind.ACCRUE,
                    commission=commission,
                    frozen=amount,
                    note=f"订单 {order.number} L{level}",
                )
                existing[(line.id, level)] = commission
                accrued += amount
                await _notify(
                    session,
                    distributor.id,
                    "distribution.commission_frozen",
                    {"order_id": order.id, "amount": amount, "level": level},
                )
    nets = {line.id: line.line_total - line.refunded_amount for line in lines}
    for commission in existing.values():
        if commission.status == CommissionStatus.REVERSED:
            continue
        target = _target(order, commission, nets.get(commission.order_line_id, 0))
        delta = commission.amount - commission.reversed - target
        if delta <= 0:
            continue
        if not await repo.take_commission_reversal(session, commission.id, commission.reversed, delta):
            continue
        await session.refresh(commission)
        settled = commission.status == CommissionStatus.SETTLED
        if settled:
            await repo.move_balances(session, commission.distributor_id, available=-delta)
        else:
            await repo.move_balances(session, commission.distributor_id, frozen=-delta)
            if commission.reversed == commission.amount:
                commission.status = CommissionStatus.REVERSED
        _entry(
            session,
            commission.distributor_id,
            EntryKind.REVERSE,
            commission=commission,
            frozen=0 if settled else -delta,
            available=-delta if settled else 0,
            note=f"订单 {order.number} 退款 / refund",
        )
        reversed_total += delta
        await _notify(
            session,
            commission.distributor_id,
            "distribution.commission_reversed",
            {"order_id": order.id, "amount": delta},
        )
    terminal = order.status in repo.TERMINAL
    if mark is None:
        session.add(
            OrderMark(
                order_id=order.id,
                status=order.status,
                refunded_amount=order.refunded_amount,
                settled=terminal,
            )
        )
    else:
        mark.status, mark.refunded_amount = order.status, order.refunded_amount
        mark.settled = mark.settled or terminal
    await session.flush()
    return accrued, reversed_total


async def settle_order(session: AsyncSession, order: Order, now: datetime) -> int:
    """Release an order's frozen commissions into the distributors' available balances; returns fen."""
    released = 0
    for commission in await repo.commissions_of_order(session, order.id):
        if commission.status != CommissionStatus.FROZEN:
            continue
        net = commission.amount - commission.reversed
        status = CommissionStatus.SETTLED if net > 0 else CommissionStatus.REVERSED
        if not await repo.settle_commission(session, commission.id, status, now):
            continue
        commission.status, commission.settled_at = status, now
        if net > 0:
            await repo.move_balances(session, commission.distributor_id, frozen=-net, available=net)
            _entry(
                session,
                commission.distributor_id,
                EntryKind.SETTLE,
                commission=commission,
                frozen=-net,
                available=net,
                note=f"订单 {order.number} 售后期满 / window closed",
            )
            await _notify(
                session,
                commission.distributor_id,
                "distribution.commission_settled",
                {"order_id": order.id, "amount": net},
            )
            released += net
    mark = await repo.mark(session, order.id)
    if mark is not None:
        mark.settled = True
    await session.flush()
    return released


async def sync(session: AsyncSession, now: datetime | None = None, limit: int = BATCH) -> schemas.SyncResult:
    """One pass of the books: account new and changed orders, then settle those past their window."""
    now = now or utcnow()
    cfg = await repo.settings(session)
    orders = await repo.orders_to_sync(session, limit)
    accrued = reversed_total = 0
    for order in orders:
        a, r = await account_order(session, order, cfg)
        accrued, reversed_total = accrued + a, reversed_total + r
    window = timedelta(days=await repo.return_window_days(session))
    settled = 0
    for order in await repo.orders_to_settle(session, now - window, limit):
        settled += await settle_order(session, order, now)
    return schemas.SyncResult(orders=len(orders), accrued=accrued, reversed=reversed_total, settled=settled)


async def commissions_out(
    session: AsyncSession, distributor_id: int | None, status: str | None
) -> list[schemas.Commission]:
    window = timedelta(days=await repo.return_window_days(session))
    return [
        schemas.Commission(
            id=c.id,
            distributor_id=c.distributor_id,
            level=c.level,
            order_id=c.order_id,
            order_line_id=c.order_line_id,
            store_id=c.store_id,
            base=c.base,
            rate_bp=c.rate_bp,
            amount=c.amount,
            reversed=c.reversed,
            net=c.amount - c.reversed,
            status=c.status,  # type: ignore[arg-type]
            unfreezes_at=done + window if done else None,
            settled_at=c.settled_at,
            created_at=c.created_at,
        )
        for c, done in await repo.commissions(session, distributor_id, status)
    ]


# --- withdrawals


async def request_withdrawal(
    session: AsyncSession, distributor: Distributor, body: schemas.WithdrawalCreate
) -> Withdrawal:
    cfg = await repo.settings(session)
    if body.amount < cfg.min_withdrawal:
        raise WithdrawalTooSmall(detail={"min_withdrawal": cfg.min_withdrawal, "amount": body.amount})
    if not await repo.move_balances(
        session, distributor.id, available=-body.amount, pending=body.amount, require_available=body.amount
    ):
        await session.refresh(distributor)
        raise InsufficientCommission(detail={"available": distributor.available, "amount": body.amount})
    withdrawal = Withdrawal(distributor_id=distributor.id, amount=body.amount, account=body.account)
    session.add(withdrawal)
    await session.flush()
    _entry(
        session,
        distributor.id,
        EntryKind.WITHDRAW,
        withdrawal=withdrawal,
        available=-body.amount,
        note="提现申请 / withdrawal requested",
    )
    emit(
        session,
        "hq",
        "distribution.withdrawal_requested",
        {"withdrawal_id": withdrawal.id, "amount": body.amount},
    )
    await session.flush()
    return withdrawal


async def review_withdrawal(
    session: AsyncSession, actor: Principal, withdrawal_id: int, body: schemas.WithdrawalReview
) -> Withdrawal:
    withdrawal = await repo.withdrawal(session, withdrawal_id)
    if withdrawal is None:
        raise WithdrawalNotFound(detail={"withdrawal_id": withdrawal_id})
    status = WithdrawalStatus.APPROVED if body.approve else WithdrawalStatus.REJECTED
    if not await repo.review_withdrawal(
        session, withdrawal.id, status, actor.id, utcnow(), body.note, body.reference
    ):
        raise WithdrawalReviewed(detail={"withdrawal_id": withdrawal_id, "status": withdrawal.status})
    if body.approve:
        await repo.move_balances(
            session, withdrawal.distributor_id, pending=-withdrawal.amount, withdrawn=withdrawal.amount
        )
    else:
        await repo.move_balances(
            session, withdrawal.distributor_id, pending=-withdrawal.amount, available=withdrawal.amount
        )
        _entry(
            session,
            withdrawal.distributor_id,
            EntryKind.WITHDRAW_REJECTED,
            withdrawal=withdrawal,
            available=withdrawal.amount,
            note=(body.note or "提现被拒 / rejected")[:120],
        )
    audit.record(
        session,
        actor,
        f"distribution.withdrawal_{status}",
        "distribution_withdrawal",
        withdrawal.id,
        before={"status": "pending"},
        after={"status": str(status), "amount": withdrawal.amount, "note": body.note},
    )
    await session.refresh(withdrawal)
    await _notify(
        session,
        withdrawal.distributor_id,
        "distribution.withdrawal_reviewed",
        {"withdrawal_id": withdrawal.id, "status": str(status)},
    )
    return withdrawal
