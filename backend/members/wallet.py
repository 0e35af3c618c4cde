"""The member wallet: points (earned in lots that expire, spent soonest-expiring first), stored value
(储值: top-up with bonus, pay, refund, within limits) and tiers by rolling 12-month spend.

Every change is a conditional update of the balance plus a ledger row keyed by its reference
(``ref_type``, ``ref_id``), so a replayed request (an offline till upload, a retried checkout) finds
its row and changes nothing: balance == Σ ledger deltas, always, and never below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import Conflict, ValidationFailed
from backend.core.events import emit
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.members import repository as repo
from backend.members.models import MemberSpend, MemberWallet, PointsEntry, StoredValueEntry, TierRule


class InsufficientPoints(Conflict):
    code = "insufficient_points"
    default_message = "Not enough points."


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    default_message = "Not enough stored value."


class BalanceLimit(Conflict):
    code = "balance_limit"
    default_message = "The stored-value balance would exceed its limit."


@dataclass(frozen=True)
class TierProgress:
    tier: TierRule | None
    next_tier: TierRule | None
    spend_12m: int
    to_next: int | None


async def get_wallet(session: AsyncSession, member_id: int) -> MemberWallet:
    await repo.ensure_wallet(session, member_id)
    wallet = await repo.wallet(session, member_id)
    assert wallet is not None
    return wallet


def _event(session: AsyncSession, member_id: int, type_: str, payload: dict[str, object]) -> None:
    emit(session, f"member:{member_id}", type_, payload)


async def earn_points(
    session: AsyncSession,
    member_id: int,
    points: int,
    ref_type: str,
    ref_id: str,
    *,
    valid_days: int,
    note: str | None = None,
    now: datetime | None = None,
) -> PointsEntry:
    """Credit points as a lot that expires after ``valid_days``; a replay returns the first entry."""
    if points <= 0:
        raise ValidationFailed("Points to earn must be positive.", detail={"points": points})
    existing = await repo.points_entry(session, member_id, "earn", ref_type, ref_id)
    if existing is not None:
        return existing
    await repo.ensure_wallet(session, member_id)
    now = now or utcnow()
    entry = PointsEntry(
        member_id=member_id,
        kind="earn",
        delta=points,
        remaining=points,
        ref_type=ref_type,
        ref_id=ref_id,
        expires_at=now + timedelta(days=valid_days),
        note=note,
    )
    session.add(entry)
    await session.flush()
    await repo.add_points(session, member_id, points)
    _event(session, member_id, "points.earned", {"points": points, "ref": f"{ref_type}:{ref_id}"})
    return entry


async def redeem_points(
    session: AsyncSession, member_id: int, points: int, ref_type: str, ref_id: str, note: str | None = None
) -> PointsEntry:
    """Spend points (as a tender or in the points mall), soonest-expiring lots first."""
    if points <= 0:
        raise ValidationFailed("Points to redeem must be positive.", detail={"points": points})
    existing = await repo.points_entry(session, member_id, "redeem", ref_type, ref_id)
    if existing is not None:
        return existing
    await repo.ensure_wallet(session, member_id)
    # The conditional update both checks the balance and locks the wallet row until commit, so lots
    # below are consumed by one redemption at a time.
    if not await repo.add_points(session, member_id, -points):
        wallet = await repo.wallet(session, member_id)
        raise InsufficientPoints(detail={"requested": points, "balance": wallet.points if wallet else 0})
    left = points
    for lot in await repo.open_lots(session, member_id):
        take = min(left, lot.remaining)
        lot.remaining -= take
        left -= take
        if left == 0:
            break
    entry = PointsEntry(
        member_id=member_id, kind="redeem", delta=-points, ref_type=ref_type, ref_id=ref_id, note=note
    )
    session.add(entry)
    await session.flush()
    _event(session, member_id, "points.redeemed", {"points": points, "ref": f"{ref_type}:{ref_id}"})
    return entry


async def reverse_points(session: AsyncSession, member_id: int, ref_type: str, ref_id: str) -> int:
    """Undo what a reference did to points (a refund): earned points come back out, spent ones go back in.

    Returns the net change. Earned points already spent are taken from what is left, down to zero.
    """
    if await repo.points_entry(session, member_id, "reverse", ref_type, ref_id) is not None:
        return 0
    earned = await repo.points_entry(session, member_id, "earn", ref_type, ref_id)
    redeemed = await repo.points_entry(session, member_id, "redeem", ref_type, ref_id)
    if earned is None and redeemed is None:
        return 0
    await repo.ensure_wallet(session, member_id)
    net = 0
    if redeemed is not None:
        await repo.add_points(session, member_id, -redeemed.delta)
        net -= redeemed.delta
        # The points come back as a lot of their own, spendable and expiring like earned points;
        # its balance change is counted in the reverse entry below.
        session.add(
            PointsEntry(
                member_id=member_id,
                kind="restore",
                delta=0,
                remaining=-redeemed.delta,
                ref_type=ref_type,
                ref_id=ref_id,
                expires_at=utcnow() + timedelta(days=30),
                note="points restored by refund",
            )
        )
    if earned is not None:
        wallet = await get_wallet(session, member_id)
        take_back = min(earned.remaining, wallet.points)
        if take_back:
            await repo.add_points(session, member_id, -take_back)
        earned.remaining -= take_back
        net -= take_back
    session.add(PointsEntry(member_id=member_id, kind="reverse", delta=net, ref_type=ref_type, ref_id=ref_id))
    await session.flush()
    _event(session, member_id, "points.reversed", {"points": net, "ref": f"{ref_type}:{ref_id}"})
    return net


async def expire_points(session: AsyncSession, now: datetime | None = None) -> int:
    """Expire what is left of lots past their date; returns the points expired (a nightly job)."""
    now = now or utcnow()
    total = 0
    for lot in await repo.expired_lots(session, now):
        amount = lot.remaining
        await repo.add_points(session, lot.member_id, -amount)
        lot.remaining = 0
        session.add(
            PointsEntry(
                member_id=lot.member_id, kind="expire", delta=-amount, ref_type="lot", ref_id=str(lot.id)
            )
        )
        _event(session, lot.member_id, "points.expired", {"points": amount})
        total += amount
    await session.flush()
    return total


def bonus_for(amount: int, bonuses: list[tuple[int, int]]) -> int:
    """The bonus of the highest top-up tier the amount reaches."""
    return max((bonus for minimum, bonus in bonuses if amount >= minimum), default=0)


async def _stored_value_move(
    session: AsyncSession,
    max_balance: int,
    member_id: int,
    kind: str,
    delta: int,
    ref_type: str,
    ref_id: str,
    store_id: int | None,
) -> StoredValueEntry:
    balance = await repo.add_stored_value(session, member_id, delta, max_balance)
    if balance is None:
        wallet = await repo.wallet(session, member_id)
        current = wallet.stored_value if wallet else 0
        if delta < 0:
            raise InsufficientBalance(detail={"requested": -delta, "balance": current})
        raise BalanceLimit(detail={"balance": current, "max_balance": max_balance})
    entry = StoredValueEntry(
        member_id=member_id,
        kind=kind,
        delta=delta,
        balance_after=balance,
        ref_type=ref_type,
        ref_id=ref_id,
        store_id=store_id,
    )
    session.add(entry)
    await session.flush()
    return entry


async def top_up(
    session: AsyncSession,
    settings: Settings,
    member_id: int,
    amount: int,
    ref_type: str,
    ref_id: str,
    store_id: int | None = None,
) -> list[StoredValueEntry]:
    """Add paid money (and the bonus its amount earns); a replay returns the first entries."""
    if amount <= 0:
        raise ValidationFailed("A top-up must be positive.", detail={"amount": amount})
    existing = await repo.stored_value_entry(session, member_id, "topup", ref_type, ref_id)
    if existing is not None:
        bonus = await repo.stored_value_entry(session, member_id, "bonus", ref_type, ref_id)
        return [existing] + ([bonus] if bonus else [])
    await repo.ensure_wallet(session, member_id)
    bonus_amount = bonus_for(amount, [(b.min_amount, b.bonus) for b in await repo.topup_bonuses(session)])
    entries = [
        await _stored_value_move(
            session, settings.stored_value_max_balance, member_id, "topup", amount, ref_type, ref_id, store_id
        )
    ]
    if bonus_amount:
        entries.append(
            await _stored_value_move(
                session,
                settings.stored_value_max_balance,
                member_id,
                "bonus",
                bonus_amount,
                ref_type,
                ref_id,
                store_id,
            )
        )
    _event(
        session,
        member_id,
        "stored_value.topped_up",
        {"amount": amount, "bonus": bonus_amount, "balance": entries[-1].balance_after},
    )
    return entries


async def pay(
    session: AsyncSession,
    settings: Settings,
    member_id: int,
    amount: int,
    ref_type: str,
    ref_id: str,
    store_id: int | None = None,
) -> StoredValueEntry:
    """Pay with stored value; never below zero, even under concurrent payments."""
    if amount <= 0:
        raise ValidationFailed("A payment must be positive.", detail={"amount": amount})
    existing = await repo.stored_value_entry(session, member_id, "pay", ref_type, ref_id)
    if existing is not None:
        return existing
    await repo.ensure_wallet(session, member_id)
    entry = await _stored_value_move(
        session, settings.stored_value_max_balance, member_id, "pay", -amount, ref_type, ref_id, store_id
    )
    _event(session, member_id, "stored_value.paid", {"amount": amount, "balance": entry.balance_after})
    return entry


async def refund(
    session: AsyncSession,
    settings: Settings,
    member_id: int,
    amount: int,
    ref_type: str,
    ref_id: str,
    refund_key: str,
    store_id: int | None = None,
) -> StoredValueEntry:
    """Return stored value paid for a reference, at most what was paid and not yet refunded."""
    return await refund_stored_value(session, member_id, amount, ref_type, ref_id, refund_key, store_id)


async def refund_stored_value(
    session: AsyncSession,
    member_id: int,
    amount: int,
    ref_type: str,
    ref_id: str,
    refund_key: str,
    store_id: int | None = None,
) -> StoredValueEntry:
    """``refund`` without settings: a refund may take the balance past the top-up limit (it is the
    member's money coming back)."""
    full_ref = f"{ref_id}:{refund_key}"
    existing = await repo.stored_value_entry(session, member_id, "refund", ref_type, full_ref)
    if existing is not None:
        return existing
    paid, refunded = await repo.paid_with_stored_value(session, member_id, ref_type, ref_id)
    if amount <= 0 or amount > paid - refunded:
        raise ValidationFailed(
            "The refund exceeds what was paid with stored value.",
            detail={"amount": amount, "paid": paid, "refunded": refunded},
        )
    entry = await _stored_value_move(
        session, 2**31 - 1, member_id, "refund", amount, ref_type, full_ref, store_id
    )
    _event(session, member_id, "stored_value.refunded", {"amount": amount, "balance": entry.balance_after})
    return entry


async def record_spend(
    session: AsyncSession,
    member_id: int,
    amount: int,
    ref_type: str,
    ref_id: str,
    occurred_at: datetime,
    store_id: int | None = None,
) -> TierProgress:
    """Count money spent (negative for a refund) towards tiers and recompute the member's tier."""
    existing = await session.scalar(
        MemberSpend.__table__.select()
        .with_only_columns(MemberSpend.id)
        .where(
            MemberSpend.member_id == member_id, MemberSpend.ref_type == ref_type, MemberSpend.ref_id == ref_id
        )
    )
    if existing is None:
        session.add(
            MemberSpend(
                member_id=member_id,
                amount=amount,
                ref_type=ref_type,
                ref_id=ref_id,
                occurred_at=occurred_at,
                store_id=store_id,
            )
        )
        await session.flush()
    return await recompute_tier(session, member_id)


async def recompute_tier(session: AsyncSession, member_id: int, now: datetime | None = None) -> TierProgress:
    """Set the tier from the last 12 months' spend (on every order and nightly, as spend ages out)."""
    now = now or utcnow()
    spend = await repo.spend_since(session, member_id, now - timedelta(days=365))
    rules = await repo.tier_rules(session)
    reached = [r for r in rules if spend >= r.min_spend_12m]
    tier = reached[-1] if reached else None
    upcoming = [r for r in rules if spend < r.min_spend_12m]
    wallet = await get_wallet(session, member_id)
    code = tier.code if tier else "normal"
    if wallet.tier_code != code:
        _event(session, member_id, "tier.changed", {"from": wallet.tier_code, "to": code})
        wallet.tier_code = code
        wallet.tier_updated_at = now
    wallet.spend_12m = spend
    next_tier = upcoming[0] if upcoming else None
    return TierProgress(tier, next_tier, spend, next_tier.min_spend_12m - spend if next_tier else None)


async def take_back_earned(
    session: AsyncSession, member_id: int, points: int, ref_type: str, ref_id: str, key: str
) -> int:
    """Take back up to ``points`` earned by a reference (a partial refund), from what is left of its lot
    and of the balance; returns the points taken. One entry per ``key``, so a replay takes nothing more."""
    full_ref = f"{ref_id}:{key}"
    existing = await repo.points_entry(session, member_id, "reverse", ref_type, full_ref)
    if existing is not None or points <= 0:
        return 0
    earned = await repo.points_entry(session, member_id, "earn", ref_type, ref_id)
    held = await get_wallet(session, member_id)
    take = min(points, held.points, earned.remaining if earned else held.points)
    if take and not await repo.add_points(session, member_id, -take):
        take = 0
    if earned is not None:
        earned.remaining -= take
    session.add(
        PointsEntry(member_id=member_id, kind="reverse", delta=-take, ref_type=ref_type, ref_id=full_ref)
    )
    await session.flush()
    if take:
        _event(session, member_id, "points.reversed", {"points": -take, "ref": f"{ref_type}:{full_ref}"})
    return take


async def restore_points(
    session: AsyncSession, member_id: int, points: int, ref_type: str, ref_id: str, *, valid_days: int
) -> PointsEntry | None:
    """Give back points spent on a reference (a refund of a points tender) as a new lot."""
    if points <= 0:
        return None
    existing = await repo.points_entry(session, member_id, "restore", ref_type, ref_id)
    if existing is not None:
        return existing
    await repo.ensure_wallet(session, member_id)
    entry = PointsEntry(
        member_id=member_id,
        kind="restore",
        delta=points,
        remaining=points,
        ref_type=ref_type,
        ref_id=ref_id,
        expires_at=utcnow() + timedelta(days=valid_days),
        note="points returned by refund",
    )
    session.add(entry)
    await session.flush()
    await repo.add_points(session, member_id, points)
    _event(session, member_id, "points.restored", {"points": points, "ref": f"{ref_type}:{ref_id}"})
    return entry
