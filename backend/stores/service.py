"""Store rules: who may manage stores, opening hours, and nearby search with stock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import Conflict, Forbidden, ValidationFailed
from backend.core.geo import haversine_m
from backend.core.time import utcnow
from backend.stores import repository as repo
from backend.stores.errors import StoreNotFound
from backend.stores.models import Region, Store, StoreTarget
from backend.stores.schemas import DAYS, NearbyStore, RegionCreate, StoreCreate, StoreUpdate
from backend.stores.schemas import Store as StoreOut


def is_open(store: Store, at: datetime | None = None) -> bool:
    """Whether the store is open at ``at`` (UTC), by its local opening hours."""
    if store.status != "open":
        return False
    local = (at or utcnow()).astimezone(ZoneInfo(store.timezone))
    span = (store.opening_hours or {}).get(DAYS[local.weekday()])
    if not span:
        return False
    now_hhmm = local.strftime("%H:%M")
    return span[0] <= now_hhmm < span[1]


def to_schema(store: Store, at: datetime | None = None) -> StoreOut:
    out = StoreOut.model_validate(store)
    out.open_now = is_open(store, at)
    return out


async def get_store(session: AsyncSession, store_id: int) -> Store:
    store = await repo.get(session, store_id)
    if store is None:
        raise StoreNotFound(detail={"store_id": store_id})
    return store


async def create_region(session: AsyncSession, actor: Principal, data: RegionCreate) -> Region:
    if await repo.region_by_code(session, data.code):
        raise Conflict("A region with this code exists.", detail={"code": data.code})
    region = Region(**data.model_dump())
    session.add(region)
    await session.flush()
    audit.record(session, actor, "region.create", "region", region.id, after=data.model_dump())
    return region


async def create_store(session: AsyncSession, actor: Principal, data: StoreCreate) -> Store:
    if await repo.by_code(session, data.code):
        raise Conflict("A store with this code exists.", detail={"code": data.code})
    if await session.get(Region, data.region_id) is None:
        raise ValidationFailed("Unknown region.", detail={"region_id": data.region_id})
    store = Store(**data.model_dump())
    session.add(store)
    await session.flush()
    audit.record(
        session, actor, "store.create", "store", store.id, after={"code": store.code}, store_id=store.id
    )
    return store


async def update_store(session: AsyncSession, actor: Principal, store_id: int, data: StoreUpdate) -> Store:
    store = await get_store(session, store_id)
    actor.require_store(store.id)
    changes = data.model_dump(exclude_unset=True)
    if "merchant_id" in changes and not actor.is_hq:
        raise Forbidden("Only HQ may change which merchant owns a store.")
    before = {key: getattr(store, key) for key in changes}
    for key, value in changes.items():
        setattr(store, key, value)
    audit.record(
        session, actor, "store.update", "store", store.id, before=before, after=changes, store_id=store.id
    )
    return store


def delivery_fee(store: Store, distance_m: float) -> int | None:
    """Fee in fen for same-city delivery over ``distance_m``, or None outside the radius."""
    if not store.delivery_enabled or distance_m > store.delivery_radius_m:
        return None
    started_km = int(-(-distance_m // 1000))
    return store.delivery_base_fee + store.delivery_fee_per_km * max(0, started_km - 1)


async def nearby(
    session: AsyncSession,
    latitude: float,
    longitude: float,
    *,
    sku_ids: list[int],
    radius_m: int | None,
    limit: int,
    in_stock_only: bool = False,
) -> list[NearbyStore]:
    """Open stores by distance, each with its available quantity of the given SKUs."""
    stores = await repo.list_stores(session, kind="store", only_open=True)
    ranked = sorted(
        ((haversine_m(latitude, longitude, s.latitude, s.longitude), s) for s in stores), key=lambda p: p[0]
    )
    if radius_m is not None:
        ranked = [(d, s) for d, s in ranked if d <= radius_m]
    available = await repo.available_by_store(session, [s.id for _, s in ranked], sku_ids) if sku_ids else {}
    now = utcnow()
    result: list[NearbyStore] = []
    for distance, store in ranked:
        stock = {sku: available.get((store.id, sku), 0) for sku in sku_ids}
        if in_stock_only and sku_ids and not all(stock[sku] > 0 for sku in sku_ids):
            continue
        item = NearbyStore(
            **to_schema(store, now).model_dump(),
            distance_m=round(distance),
            delivers_here=delivery_fee(store, distance) is not None,
            available=stock,
        )
        result.append(item)
        if len(result) >= limit:
            break
    return result


async def set_target(
    session: AsyncSession, actor: Principal, store_id: int, month: date, amount: int
) -> StoreTarget:
    """Set a store's sales target for a month (HQ, audited); the month is kept as its first day."""
    if not actor.is_hq:
        raise Forbidden("Only HQ sets sales targets.")
    if amount <= 0:
        raise ValidationFailed("The target must be above zero.", detail={"amount": amount})
    store = await get_store(session, store_id)
    month = month.replace(day=1)
    row = await repo.target(session, store.id, month)
    before = {"amount": row.amount} if row else None
    if row is None:
        row = StoreTarget(store_id=store.id, month=month, amount=amount, updated_by=actor.id)
        session.add(row)
    else:
        row.amount, row.updated_by = amount, actor.id
    await session.flush()
    audit.record(
        session,
        actor,
        "store.target",
        "store_target",
        row.id,
        before=before,
        after={"month": month.isoformat(), "amount": amount},
        store_id=store.id,
    )
    return row
