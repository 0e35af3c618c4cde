from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from backend.auth.deps import AppSettings, CurrentHQ, CurrentMember, CurrentPrincipal, CurrentStaff
from backend.auth.principal import StaffRole
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.stores import beacons, closures, help, service
from backend.stores import repository as repo
from backend.stores.models import StoreBeacon
from backend.stores.schemas import (
    ArrivalCreate,
    ArrivalDecision,
    Beacon,
    BeaconCreate,
    BeaconVerified,
    BeaconVerify,
    HelpCall,
    HelpCallCreate,
    NearbyStore,
    Region,
    RegionCreate,
    Store,
    StoreClosure,
    StoreClosureCreate,
    StoreCreate,
    StoreDetail,
    StoreUpdate,
)

router = APIRouter(tags=["stores"])


@router.get("/regions", response_model=list[Region])
async def list_regions(session: DbSession) -> list[Region]:
    """All sales regions."""
    return [Region.model_validate(r) for r in await repo.list_regions(session)]


@router.post("/regions", response_model=Region, status_code=status.HTTP_201_CREATED)
async def create_region(body: RegionCreate, principal: CurrentHQ, session: DbSession) -> Region:
    """Create a sales region (HQ)."""
    return Region.model_validate(await service.create_region(session, principal, body))


@router.get("/stores", response_model=list[Store])
async def list_stores(
    session: DbSession,
    city: str | None = None,
    region_id: int | None = None,
    kind: Annotated[str | None, Query(pattern=r"^(store|warehouse)$")] = None,
) -> list[Store]:
    """Stores and warehouses, optionally by city, region or kind."""
    stores = await repo.list_stores(session, city=city, region_id=region_id, kind=kind)
    return [service.to_schema(s) for s in stores]


@router.get("/stores/nearby", response_model=list[NearbyStore])
async def nearby_stores(
    session: DbSession,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    sku_ids: Annotated[list[int], Query(max_length=50)] = [],  # noqa: B006
    radius_m: Annotated[int | None, Query(ge=1, le=5_000_000)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    in_stock_only: bool = False,
) -> list[NearbyStore]:
    """Open stores nearest to a point, with each store's available units of the given SKUs."""
    return await service.nearby(
        session, lat, lng, sku_ids=sku_ids, radius_m=radius_m, limit=limit, in_stock_only=in_stock_only
    )


@router.get("/stores/mine", response_model=list[Store])
async def my_stores(principal: CurrentStaff, session: DbSession) -> list[Store]:
    """The stores the signed-in staff member works for."""
    return [service.to_schema(s) for s in await repo.list_stores(session, store_ids=principal.store_ids)]


@router.get("/stores/{store_id}", response_model=StoreDetail)
async def get_store(store_id: int, session: DbSession) -> StoreDetail:
    """One store, with its upcoming closed days (not open now on a closed day)."""
    store = await service.get_store(session, store_id)
    detail = StoreDetail(
        **service.to_schema(store).model_dump(), closures=await closures.upcoming(session, store)
    )
    if detail.closures and detail.closures[0].day == closures.local_today(store.timezone):
        detail.open_now = False
    return detail


@router.post("/stores", response_model=Store, status_code=status.HTTP_201_CREATED)
async def create_store(body: StoreCreate, principal: CurrentHQ, session: DbSession) -> Store:
    """Open a store or warehouse (HQ)."""
    return service.to_schema(await service.create_store(session, principal, body))


@router.patch("/stores/{store_id}", response_model=Store)
async def update_store(
    store_id: int, body: StoreUpdate, principal: CurrentStaff, session: DbSession
) -> Store:
    """Change a store's details, hours or delivery settings (its manager or HQ)."""
    principal.require_role(StaffRole.STORE_MANAGER, StaffRole.FRANCHISEE_ADMIN)
    if not body.model_dump(exclude_unset=True):
        raise ValidationFailed("Nothing to change.")
    return service.to_schema(await service.update_store(session, principal, store_id, body))


@router.get("/beacons", response_model=list[Beacon])
async def all_beacons(session: DbSession) -> list[Beacon]:
    """Every paired beacon: the shopper app matches what it sees against these."""
    rows = await session.scalars(select(StoreBeacon).order_by(StoreBeacon.id))
    return [Beacon.model_validate(b) for b in rows]


@router.post("/stores/{store_id}/beacons", response_model=Beacon, status_code=status.HTTP_201_CREATED)
async def pair_beacon(
    store_id: int, body: BeaconCreate, principal: CurrentStaff, session: DbSession
) -> Beacon:
    """Bind a beacon to this store and a zone (store staff)."""
    await service.get_store(session, store_id)
    return Beacon.model_validate(await beacons.pair(session, principal, store_id, body))


@router.get("/stores/{store_id}/beacons", response_model=list[Beacon])
async def store_beacons(store_id: int, principal: CurrentStaff, session: DbSession) -> list[Beacon]:
    """The beacons paired with this store."""
    principal.require_store(store_id)
    rows = await session.scalars(
        select(StoreBeacon).where(StoreBeacon.store_id == store_id).order_by(StoreBeacon.id)
    )
    return [Beacon.model_validate(b) for b in rows]


@router.post("/stores/{store_id}/beacons/{beacon_id}/verify", response_model=BeaconVerified)
async def verify_beacon(
    store_id: int, beacon_id: int, body: BeaconVerify, principal: CurrentStaff, session: DbSession
) -> BeaconVerified:
    """Check a paired beacon by the signal heard standing next to it."""
    beacon, median, distance, ok = await beacons.verify(
        session, principal, store_id, beacon_id, body.rssi, body.max_distance_m
    )
    return BeaconVerified(
        beacon=Beacon.model_validate(beacon), median_rssi=median, distance_m=round(distance, 2), ok=ok
    )


@router.delete("/stores/{store_id}/beacons/{beacon_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unpair_beacon(store_id: int, beacon_id: int, principal: CurrentStaff, session: DbSession) -> None:
    """Unbind a beacon from the store."""
    await beacons.unpair(session, principal, store_id, beacon_id)


@router.post("/stores/{store_id}/arrivals", response_model=ArrivalDecision)
async def arrive(
    store_id: int, body: ArrivalCreate, principal: CurrentMember, session: DbSession, settings: AppSettings
) -> ArrivalDecision:
    """The shopper app saw this store's beacon: welcome the member (once a day, with consent)."""
    return await beacons.arrive(session, settings, principal, store_id, body.zone)


@router.post("/help-calls", response_model=HelpCall, status_code=status.HTTP_201_CREATED)
async def call_for_help(body: HelpCallCreate, principal: CurrentPrincipal, session: DbSession) -> HelpCall:
    """Ask for a staff member at the store (a kiosk's own store, or the store a staff caller names)."""
    return HelpCall.model_validate(await help.call(session, principal, body))


@router.get("/stores/{store_id}/help-calls", response_model=list[HelpCall])
async def help_calls(
    store_id: int, principal: CurrentStaff, session: DbSession, open_only: bool = True
) -> list[HelpCall]:
    """The store's help calls, newest first (open and answered ones unless ``open_only=false``)."""
    return [
        HelpCall.model_validate(c)
        for c in await help.calls(session, principal, store_id, open_only=open_only)
    ]


@router.post("/help-calls/{call_id}/answer", response_model=HelpCall)
async def answer_help_call(call_id: int, principal: CurrentStaff, session: DbSession) -> HelpCall:
    """Say a staff member is on the way."""
    return HelpCall.model_validate(await help.answer(session, principal, call_id))


@router.post("/help-calls/{call_id}/resolve", response_model=HelpCall)
async def resolve_help_call(call_id: int, principal: CurrentStaff, session: DbSession) -> HelpCall:
    """Close the call: the shopper was helped."""
    return HelpCall.model_validate(await help.resolve(session, principal, call_id))


@router.get("/store-closures", response_model=list[StoreClosure])
async def list_closures(
    principal: CurrentStaff,
    session: DbSession,
    store_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[StoreClosure]:
    """Closed days: the chain's and those of the caller's stores (HQ: every store), by day."""
    rows = await closures.listed(session, principal, store_id=store_id, since=since, until=until)
    return [StoreClosure.model_validate(r) for r in rows]


@router.post("/store-closures", response_model=list[StoreClosure], status_code=status.HTTP_201_CREATED)
async def create_closure(
    body: StoreClosureCreate, principal: CurrentStaff, session: DbSession
) -> list[StoreClosure]:
    """Record a store's closed days, or the whole chain's (HQ; franchisee admins for their stores)."""
    return [StoreClosure.model_validate(r) for r in await closures.create(session, principal, body)]


@router.delete("/store-closures/{closure_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_closure(closure_id: int, principal: CurrentStaff, session: DbSession) -> None:
    """Remove a recorded closed day (HQ; franchisee admins for their stores)."""
    await closures.delete(session, principal, closure_id)
