"""Which price a SKU sells for at a store, and HQ's price lists.

Resolution order, from strongest to weakest:

1. a store override (a list scoped to that one store),
2. a list for the store's region,
3. a list for the store's city tier,
4. the SKU's base price.

On top of that, a near-expiry markdown (``actions``) in force at the store takes its percentage off
the resolved price (reason ``markdown``) while a marked batch still has units there.

Only active lists whose window ``valid_from <= at < valid_to`` contains the moment count. Within one
level the list with the highest priority wins, then the one with the newest ``valid_from`` (then the
newest list). A SKU a list does not name falls through to the next level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit, events
from backend.core.errors import ValidationFailed
from backend.core.money import percent_of
from backend.core.time import as_utc, utcnow
from backend.pricing import repository as repo
from backend.pricing.days import local_date
from backend.pricing.errors import InvalidScope, PriceListNotFound, UnknownSkus
from backend.pricing.models import PriceList, PriceListItem, PriceScope
from backend.pricing.schemas import (
    AppliedList,
    PriceListCreate,
    PriceListItemIn,
    PriceListUpdate,
    Quote,
    QuoteLine,
    QuoteRequest,
    ResolvedPriceOut,
)
from backend.stores.errors import StoreNotFound

LEVEL_RANK = {PriceScope.STORE.value: 0, PriceScope.REGION.value: 1, PriceScope.CITY_TIER.value: 2}


@dataclass(frozen=True, slots=True)
class ResolvedPrice:
    """The price of one SKU at one store at one moment, and why."""

    sku_id: int
    price: int
    base_price: int
    # "store" | "region" | "city_tier" | "base" | "markdown"
    reason: str
    price_list_id: int | None = None
    price_list_name: str | None = None
    priority: int | None = None
    list_scope: str | None = None
    # Basis points taken off by a near-expiry markdown.
    markdown_bp: int | None = None

    def applied_list(self) -> AppliedList | None:
        if self.price_list_id is None:
            return None
        return AppliedList(
            id=self.price_list_id,
            name=self.price_list_name or "",
            scope=(self.list_scope or self.reason),  # type: ignore[arg-type]
            priority=self.priority or 0,
        )


async def price_for(
    session: AsyncSession, store_id: int | None, sku_ids: Iterable[int], at: datetime | None = None
) -> dict[int, ResolvedPrice]:
    """Prices of ``sku_ids`` at ``store_id`` (None: base prices) at ``at`` (default now), in one query.

    Raises ``UnknownSkus`` naming the ids that do not exist and ``StoreNotFound`` for an unknown store.
    """
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    moment = as_utc(at) if at else utcnow()
    ctx = None
    if store_id is not None:
        ctx = await repo.store_context(session, store_id)
        if ctx is None:
            raise StoreNotFound(detail={"store_id": store_id})
    best: dict[int, tuple[tuple[Any, ...], Any]] = {}
    base: dict[int, int] = {}
    markdowns: dict[int, int] = {}
    for row in await repo.price_rows(session, ctx, ids, moment, local_date(moment)):
        base[row.sku_id] = row.base_price
        if row.markdown_bp:
            markdowns[row.sku_id] = int(row.markdown_bp)
        if row.list_id is None:
            continue
        # Smaller key wins: stronger level, higher priority, newer start, newer list.
        key = (LEVEL_RANK[row.scope], -row.priority, -as_utc(row.valid_from).timestamp(), -row.list_id)
        current = best.get(row.sku_id)
        if current is None or key < current[0]:
            best[row.sku_id] = (key, row)
    missing = [sku for sku in ids if sku not in base]
    if missing:
        raise UnknownSkus(detail={"sku_ids": missing})
    result: dict[int, ResolvedPrice] = {}
    for sku in ids:
        chosen = best.get(sku)
        if chosen is None:
            result[sku] = ResolvedPrice(sku, base[sku], base[sku], "base")
        else:
            row = chosen[1]
            result[sku] = ResolvedPrice(
                sku, row.price, base[sku], row.scope, row.list_id, row.list_name, row.priority, row.scope
            )
    for sku, bp in markdowns.items():
        resolved = result[sku]
        result[sku] = replace(
            resolved, price=resolved.price - percent_of(resolved.price, bp), reason="markdown", markdown_bp=bp
        )
    return result


async def price_one(
    session: AsyncSession, sku_id: int, store_id: int, at: datetime | None
) -> ResolvedPriceOut:
    moment = as_utc(at) if at else utcnow()
    resolved = (await price_for(session, store_id, [sku_id], moment))[sku_id]
    return ResolvedPriceOut(
        sku_id=sku_id,
        store_id=store_id,
        price=resolved.price,
        base_price=resolved.base_price,
        reason=resolved.reason,  # type: ignore[arg-type]
        price_list=resolved.applied_list(),
        markdown_bp=resolved.markdown_bp,
        at=moment,
    )


async def quote(session: AsyncSession, request: QuoteRequest) -> Quote:
    """Unit price, line total and reason for every line of a cart, and the cart's total."""
    moment = as_utc(request.at) if request.at else utcnow()
    prices = await price_for(session, request.store_id, [line.sku_id for line in request.lines], moment)
    lines = []
    for line in request.lines:
        resolved = prices[line.sku_id]
        lines.append(
            QuoteLine(
                sku_id=line.sku_id,
                quantity=line.quantity,
                unit_price=resolved.price,
                base_price=resolved.base_price,
                line_total=resolved.price * line.quantity,
                reason=resolved.reason,  # type: ignore[arg-type]
                price_list=resolved.applied_list(),
                markdown_bp=resolved.markdown_bp,
            )
        )
    return Quote(
        store_id=request.store_id, at=moment, lines=lines, total=sum(line.line_total for line in lines)
    )


async def get_list(session: AsyncSession, list_id: int) -> PriceList:
    price_list = await repo.get_list(session, list_id)
    if price_list is None:
        raise PriceListNotFound(detail={"price_list_id": list_id})
    return price_list


async def _check_scope(session: AsyncSession, scope: str, value: int) -> None:
    if scope == PriceScope.STORE.value:
        ok = await repo.store_exists(session, value)
    elif scope == PriceScope.REGION.value:
        ok = await repo.region_exists(session, value)
    else:
        ok = 1 <= value <= 5
    if not ok:
        raise InvalidScope(detail={"scope": scope, "scope_value": value})


async def _check_skus(session: AsyncSession, items: list[PriceListItemIn]) -> None:
    wanted = {item.sku_id for item in items}
    missing = sorted(wanted - await repo.existing_sku_ids(session, wanted))
    if missing:
        raise UnknownSkus(detail={"sku_ids": missing})


def _store_of(price_list: PriceList) -> int | None:
    return price_list.scope_value if price_list.scope == PriceScope.STORE.value else None


def _announce(session: AsyncSession, price_list: PriceList, sku_ids: list[int]) -> None:
    events.emit(
        session,
        "hq",
        "pricing.price_list_changed",
        {
            "price_list_id": price_list.id,
            "scope": price_list.scope,
            "scope_value": price_list.scope_value,
            "sku_ids": sku_ids,
        },
    )


async def create_list(session: AsyncSession, actor: Principal, data: PriceListCreate) -> PriceList:
    await _check_scope(session, data.scope, data.scope_value)
    await _check_skus(session, data.items)
    price_list = PriceList(
        name=data.name,
        scope=data.scope,
        scope_value=data.scope_value,
        priority=data.priority,
        valid_from=as_utc(data.valid_from) if data.valid_from else utcnow(),
        valid_to=as_utc(data.valid_to) if data.valid_to else None,
        active=data.active,
    )
    session.add(price_list)
    await session.flush()
    session.add_all(
        PriceListItem(price_list_id=price_list.id, sku_id=i.sku_id, price=i.price) for i in data.items
    )
    await session.flush()
    audit.record(
        session,
        actor,
        "price_list.create",
        "price_list",
        price_list.id,
        after=data.model_dump(mode="json"),
        store_id=_store_of(price_list),
    )
    _announce(session, price_list, [i.sku_id for i in data.items])
    return price_list


async def update_list(
    session: AsyncSession, actor: Principal, list_id: int, data: PriceListUpdate
) -> PriceList:
    price_list = await get_list(session, list_id)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed("Nothing to change.")
    for key in ("name", "priority", "valid_from", "active"):
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"{key} cannot be empty.", detail={"field": key})
    valid_from = as_utc(changes.get("valid_from") or price_list.valid_from)
    valid_to = changes.get("valid_to", price_list.valid_to)
    if valid_to is not None and as_utc(valid_to) <= valid_from:
        raise ValidationFailed(
            "valid_to must be after valid_from.", detail={"valid_from": valid_from.isoformat()}
        )
    before = {key: _jsonable(getattr(price_list, key)) for key in changes}
    for key, value in changes.items():
        setattr(price_list, key, as_utc(value) if isinstance(value, datetime) else value)
    audit.record(
        session,
        actor,
        "price_list.update",
        "price_list",
        price_list.id,
        before=before,
        after={key: _jsonable(value) for key, value in changes.items()},
        store_id=_store_of(price_list),
    )
    _announce(session, price_list, [])
    return price_list


async def set_items(
    session: AsyncSession, actor: Principal, list_id: int, items: list[PriceListItemIn]
) -> list[PriceListItem]:
    """Insert or change SKU prices in a list, recording every old and new price."""
    price_list = await get_list(session, list_id)
    await _check_skus(session, items)
    existing = await repo.items_by_sku(session, list_id, [i.sku_id for i in items])
    before: dict[str, int | None] = {}
    after: dict[str, int] = {}
    for item in items:
        current = existing.get(item.sku_id)
        before[str(item.sku_id)] = current.price if current else None
        after[str(item.sku_id)] = item.price
        if current is None:
            session.add(PriceListItem(price_list_id=list_id, sku_id=item.sku_id, price=item.price))
        else:
            current.price = item.price
    await session.flush()
    audit.record(
        session,
        actor,
        "price_list.set_prices",
        "price_list",
        list_id,
        before={"prices": before},
        after={"prices": after},
        store_id=_store_of(price_list),
    )
    _announce(session, price_list, sorted(i.sku_id for i in items))
    return await repo.items_of(session, list_id)


async def remove_item(session: AsyncSession, actor: Principal, list_id: int, sku_id: int) -> None:
    price_list = await get_list(session, list_id)
    existing = (await repo.items_by_sku(session, list_id, [sku_id])).get(sku_id)
    if existing is None:
        raise UnknownSkus("This SKU has no price in this list.", detail={"sku_ids": [sku_id]})
    old = existing.price
    await repo.delete_item(session, list_id, sku_id)
    audit.record(
        session,
        actor,
        "price_list.remove_price",
        "price_list",
        list_id,
        before={"prices": {str(sku_id): old}},
        after={"prices": {str(sku_id): None}},
        store_id=_store_of(price_list),
    )
    _announce(session, price_list, [sku_id])


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
