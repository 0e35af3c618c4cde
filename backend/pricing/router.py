from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from backend.auth.deps import CurrentHQ
from backend.core.db import DbSession
from backend.pricing import repository as repo
from backend.pricing import service
from backend.pricing.schemas import (
    PriceList,
    PriceListCreate,
    PriceListDetail,
    PriceListItem,
    PriceListItemsSet,
    PriceListUpdate,
    Quote,
    QuoteRequest,
    ResolvedPriceOut,
    ScopeName,
)

router = APIRouter(prefix="/pricing", tags=["pricing"])


async def _detail(session: DbSession, price_list_id: int) -> PriceListDetail:
    price_list = await service.get_list(session, price_list_id)
    items = await repo.items_of(session, price_list_id)
    return PriceListDetail(
        **PriceList.model_validate(price_list).model_dump(),
        items=[PriceListItem.model_validate(i) for i in items],
    )


@router.get("/price", response_model=ResolvedPriceOut)
async def get_price(
    session: DbSession,
    sku_id: Annotated[int, Query(gt=0)],
    store_id: Annotated[int, Query(gt=0)],
    at: datetime | None = None,
) -> ResolvedPriceOut:
    """The price of a SKU at a store (now, or at ``at``), and which price list set it."""
    return await service.price_one(session, sku_id, store_id, at)


@router.post("/quote", response_model=Quote)
async def quote(body: QuoteRequest, session: DbSession) -> Quote:
    """Unit prices, line totals and the total of a cart at a store."""
    return await service.quote(session, body)


@router.get("/price-lists", response_model=list[PriceList])
async def list_price_lists(
    principal: CurrentHQ,
    session: DbSession,
    scope: ScopeName | None = None,
    scope_value: int | None = None,
    active: bool | None = None,
) -> list[PriceList]:
    """Price lists, optionally by scope and whether active (HQ)."""
    lists = await repo.list_lists(session, scope=scope, scope_value=scope_value, active=active)
    return [PriceList.model_validate(p) for p in lists]


@router.post("/price-lists", response_model=PriceListDetail, status_code=status.HTTP_201_CREATED)
async def create_price_list(
    body: PriceListCreate, principal: CurrentHQ, session: DbSession
) -> PriceListDetail:
    """Create a region, city-tier or store price list with its prices (HQ)."""
    price_list = await service.create_list(session, principal, body)
    return await _detail(session, price_list.id)


@router.get("/price-lists/{price_list_id}", response_model=PriceListDetail)
async def get_price_list(price_list_id: int, principal: CurrentHQ, session: DbSession) -> PriceListDetail:
    """One price list with its prices (HQ)."""
    return await _detail(session, price_list_id)


@router.patch("/price-lists/{price_list_id}", response_model=PriceList)
async def update_price_list(
    price_list_id: int, body: PriceListUpdate, principal: CurrentHQ, session: DbSession
) -> PriceList:
    """Rename, reprioritise, reschedule or (de)activate a price list (HQ)."""
    return PriceList.model_validate(await service.update_list(session, principal, price_list_id, body))


@router.put("/price-lists/{price_list_id}/items", response_model=PriceListDetail)
async def set_price_list_items(
    price_list_id: int, body: PriceListItemsSet, principal: CurrentHQ, session: DbSession
) -> PriceListDetail:
    """Set the prices of some SKUs in a price list; SKUs not named keep theirs (HQ)."""
    await service.set_items(session, principal, price_list_id, body.items)
    return await _detail(session, price_list_id)


@router.delete("/price-lists/{price_list_id}/items/{sku_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_price_list_item(
    price_list_id: int, sku_id: int, principal: CurrentHQ, session: DbSession
) -> Response:
    """Take a SKU out of a price list, so it falls back to the next level (HQ)."""
    await service.remove_item(session, principal, price_list_id, sku_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
