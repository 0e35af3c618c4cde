"""Store beacons: staff pair them with a store and zone and verify them by signal; a member's arrival
(reported by the shopper app when it sees a paired beacon) is welcomed at most once per store per day,
only with consent and outside quiet hours, with a message chosen by who the member is."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core import audit
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.events import emit
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.members.models import Member, MemberWallet
from backend.stores.models import MemberArrival, Store, StoreBeacon
from backend.stores.schemas import ArrivalDecision, BeaconCreate
from shared.devices.beacons import BeaconBinding, estimate_distance

# A domain that rewards arrivals (e.g. marketing issuing an arrival coupon) registers a function here;
# it returns a description of the reward, or None.
ArrivalReward = Callable[[AsyncSession, Member, Store], Awaitable[dict[str, Any] | None]]
_rewards: list[ArrivalReward] = []
DEFAULT_MEASURED_POWER = -59


def register_arrival_reward(reward: ArrivalReward) -> None:
    _rewards.append(reward)


def unregister_arrival_reward(reward: ArrivalReward) -> None:
    _rewards.remove(reward)


def _binding(store_id: int, data: BeaconCreate) -> BeaconBinding:
    try:
        return BeaconBinding(
            str(store_id),
            data.zone,
            uuid=data.uuid,
            major=data.major,
            minor=data.minor,
            namespace=data.namespace,
            instance=data.instance,
            measured_power=data.measured_power,
            label=data.label,
        )
    except ValueError as exc:
        raise ValidationFailed(
            "Give either uuid, major and minor (iBeacon) or namespace and instance (Eddystone).",
            detail={"reason": str(exc)},
        ) from exc


async def pair(session: AsyncSession, actor: Principal, store_id: int, data: BeaconCreate) -> StoreBeacon:
    actor.require_role(StaffRole.STORE_MANAGER, StaffRole.CLERK)
    actor.require_store(store_id)
    binding = _binding(store_id, data)
    identity = ":".join(binding.identity)
    taken = await session.scalar(select(StoreBeacon).where(StoreBeacon.identity == identity))
    if taken is not None:
        raise Conflict(
            "This beacon is already paired.", detail={"store_id": taken.store_id, "zone": taken.zone}
        )
    beacon = StoreBeacon(
        store_id=store_id,
        zone=binding.zone,
        kind=binding.identity[0],
        identity=identity,
        uuid=binding.identity[1] if binding.uuid else None,
        major=binding.major,
        minor=binding.minor,
        namespace=binding.namespace.lower() if binding.namespace else None,
        instance=binding.instance.lower() if binding.instance else None,
        measured_power=binding.measured_power,
        label=binding.label,
    )
    session.add(beacon)
    await session.flush()
    audit.record(
        session,
        actor,
        "beacon.pair",
        "beacon",
        beacon.id,
        store_id=store_id,
        after={"identity": identity, "zone": beacon.zone},
    )
    return beacon


async def get_beacon(session: AsyncSession, actor: Principal, store_id: int, beacon_id: int) -> StoreBeacon:
    actor.require_store(store_id)
    beacon = await session.get(StoreBeacon, beacon_id)
    if beacon is None or beacon.store_id != store_id:
        raise NotFound("No such beacon at this store.")
    return beacon


async def unpair(session: AsyncSession, actor: Principal, store_id: int, beacon_id: int) -> None:
    actor.require_role(StaffRole.STORE_MANAGER, StaffRole.CLERK)
    beacon = await get_beacon(session, actor, store_id, beacon_id)
    audit.record(
        session,
        actor,
        "beacon.unpair",
        "beacon",
        beacon.id,
        store_id=store_id,
        before={"identity": beacon.identity, "zone": beacon.zone},
    )
    await session.delete(beacon)


async def verify(
    session: AsyncSession,
    actor: Principal,
    store_id: int,
    beacon_id: int,
    rssi: list[float],
    max_distance_m: float,
) -> tuple[StoreBeacon, float, float, bool]:
    """Check a paired beacon by the signal the pairing tablet hears next to it."""
    beacon = await get_beacon(session, actor, store_id, beacon_id)
    median = statistics.median(rssi)
    distance = estimate_distance(median, beacon.measured_power or DEFAULT_MEASURED_POWER)
    ok = distance <= max_distance_m
    if ok:
        beacon.verified_at = utcnow()
        beacon.verified_distance_m = round(distance, 2)
    return beacon, median, distance, ok


def _local(store: Store, at: datetime) -> datetime:
    return at.astimezone(ZoneInfo(store.timezone))


def _quiet(settings: Settings, local: datetime) -> bool:
    now, start, end = local.strftime("%H:%M"), settings.arrival_quiet_start, settings.arrival_quiet_end
    return (start <= now or now < end) if start > end else (start <= now < end)


async def _message(session: AsyncSession, member: Member, store: Store, now: datetime) -> tuple[str, str]:
    wallet = await session.get(MemberWallet, member.id)
    name = member.name or "会员"
    if now - member.created_at < timedelta(days=30):
        return (f"{name}，欢迎第一次来到{store.name_zh}！", f"Welcome to {store.name_en} for the first time!")
    if wallet is not None and wallet.tier_code != "normal":
        return (
            f"尊贵的会员{name}，欢迎光临{store.name_zh}",
            f"Welcome back to {store.name_en}, valued member",
        )
    return (f"{name}，欢迎光临{store.name_zh}", f"Welcome to {store.name_en}")


async def arrive(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    store_id: int,
    zone: str,
    now: datetime | None = None,
) -> ArrivalDecision:
    """Decide whether to welcome a member who has just walked into a store."""
    now = now or utcnow()
    store = await session.get(Store, store_id)
    if store is None or store.status != "open":
        raise NotFound("No such open store.", detail={"store_id": store_id})
    member = await session.get(Member, principal.id)
    if member is None or member.deleted_at is not None:
        raise NotFound("No such member.")
    if not member.marketing_consent:
        return ArrivalDecision(pushed=False, reason="no_consent")
    local = _local(store, now)
    if _quiet(settings, local):
        return ArrivalDecision(pushed=False, reason="quiet_hours")
    zh, en = await _message(session, member, store, now)
    arrival = MemberArrival(
        member_id=member.id, store_id=store.id, zone=zone, local_date=local.date(), message=zh
    )
    try:
        async with session.begin_nested():
            session.add(arrival)
            await session.flush()
    except IntegrityError:
        return ArrivalDecision(pushed=False, reason="already_today")
    reward = None
    for grant in _rewards:
        reward = await grant(session, member, store) or reward
    arrival.reward = reward
    emit(
        session,
        f"member:{member.id}",
        "arrival.welcome",
        {"store_id": store.id, "zone": zone, "message_zh": zh, "message_en": en, "reward": reward},
    )
    return ArrivalDecision(pushed=True, reason="welcome", message_zh=zh, message_en=en, reward=reward)
