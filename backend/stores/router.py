from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from backend.auth.deps import CurrentHQ, CurrentStaff
from backend.auth.principal import StaffRole
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.stores import repository as repo
from backend.stores import service
from backend.stores.schemas import NearbyStore, Region, RegionCreate, Store, StoreCreate, StoreUpdate

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


@router.get("/stores/{store_id}", response_model=Store)
async def get_store(store_id: int, session: DbSession) -> Store:
    """One store."""
    return service.to_schema(await service.get_store(session, store_id))


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
