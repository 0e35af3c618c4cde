"""All SQL of the orders domain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffStore, StaffUser
from backend.catalog.models import Barcode, Product, Sku
from backend.inventory.models import Stock
from backend.orders.models import (
    Cart,
    CartLine,
    IdempotencyKey,
    Order,
    OrderEvent,
    OrderLine,
    OrderReturn,
    Refund,
    ReturnLine,
    ReturnPolicy,
    RoutingConfig,
    RoutingDecision,
    Shipment,
    ShipmentStatus,
    Tender,
)
from backend.stores.models import Store

StoreScope = frozenset[int] | None
OPEN_TASK = (ShipmentStatus.TO_PICK.value, ShipmentStatus.PICKING.value)


# --- carts ---


async def cart_by_owner(session: AsyncSession, owner_key: str) -> Cart | None:
    return await session.scalar(select(Cart).where(Cart.owner_key == owner_key))


async def cart_lines(session: AsyncSession, cart_id: int) -> list[CartLine]:
    return list(
        await session.scalars(select(CartLine).where(CartLine.cart_id == cart_id).order_by(CartLine.id))
    )


async def cart_line(session: AsyncSession, cart_id: int, sku_id: int) -> CartLine | None:
    return await session.scalar(
        select(CartLine).where(CartLine.cart_id == cart_id, CartLine.sku_id == sku_id)
    )


# --- catalog and stock lookups ---


async def skus_with_products(session: AsyncSession, sku_ids: Iterable[int]) -> dict[int, tuple[Sku, Product]]:
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id).where(Sku.id.in_(ids))
    )
    return {sku.id: (sku, product) for sku, product in rows}


async def sku_id_by_barcode(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Barcode.sku_id).where(Barcode.code == code))


async def barcodes_for(session: AsyncSession, sku_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = sorted(set(sku_ids))
    result: dict[int, list[str]] = defaultdict(list)
    if ids:
        for sku_id, code in await session.execute(
            select(Barcode.sku_id, Barcode.code).where(Barcode.sku_id.in_(ids))
        ):
            result[sku_id].append(code)
    return result


async def availability(
    session: AsyncSession, store_ids: Iterable[int], sku_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """(store_id, sku_id) -> available units, for stock rows that exist (no row: not sold there)."""
    stores, skus = sorted(set(store_ids)), sorted(set(sku_ids))
    if not stores or not skus:
        return {}
    rows = await session.execute(
        select(Stock.store_id, Stock.sku_id, Stock.on_hand - Stock.reserved).where(
            Stock.store_id.in_(stores), Stock.sku_id.in_(skus)
        )
    )
    return {(store_id, sku_id): int(available) for store_id, sku_id, available in rows}


async def get_store(session: AsyncSession, store_id: int) -> Store | None:
    return await session.get(Store, store_id)


async def stores_by_ids(session: AsyncSession, store_ids: Iterable[int]) -> dict[int, Store]:
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    return {s.id: s for s in await session.scalars(select(Store).where(Store.id.in_(ids)))}


async def routable_stores(session: AsyncSession, kinds: Sequence[str]) -> list[Store]:
    return list(
        await session.scalars(
            select(Store).where(Store.status == "open", Store.kind.in_(kinds)).order_by(Store.id)
        )
    )


async def open_tasks_by_store(session: AsyncSession, store_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Shipment.store_id, func.count())
        .where(Shipment.store_id.in_(ids), Shipment.status.in_(OPEN_TASK))
        .group_by(Shipment.store_id)
    )
    return {store_id: int(count) for store_id, count in rows}


async def staff_roles_by_store(session: AsyncSession, store_ids: Iterable[int]) -> dict[int, list[list[Any]]]:
    ids = sorted(set(store_ids))
    result: dict[int, list[list[Any]]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(StaffStore.store_id, StaffUser.roles)
            .join(StaffUser, StaffUser.id == StaffStore.staff_id)
            .where(StaffStore.store_id.in_(ids), StaffUser.active.is_(True))
        )
        for store_id, roles in rows:
            result[store_id].append(list(roles or []))
    return result


# --- orders ---


async def get_order(session: AsyncSession, order_id: int, *, for_update: bool = False) -> Order | None:
    query = select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def order_by_number(session: AsyncSession, number: str) -> Order | None:
    return await session.scalar(select(Order).where(Order.number == number))


async def order_by_client_id(session: AsyncSession, client_id: str) -> Order | None:
    return await session.scalar(select(Order).where(Order.client_id == client_id))


async def number_taken(session: AsyncSession, number: str) -> bool:
    return await session.scalar(select(Order.id).where(Order.number == number)) is not None


async def order_lines(session: AsyncSession, order_id: int) -> list[OrderLine]:
    return list(
        await session.scalars(
            select(OrderLine)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.id)
            .execution_options(populate_existing=True)
        )
    )


async def get_line(session: AsyncSession, line_id: int) -> OrderLine | None:
    return await session.scalar(
        select(OrderLine).where(OrderLine.id == line_id).execution_options(populate_existing=True)
    )


async def shipments(session: AsyncSession, order_id: int) -> list[Shipment]:
    return list(
        await session.scalars(
            select(Shipment)
            .where(Shipment.order_id == order_id)
            .order_by(Shipment.id)
            .execution_options(populate_existing=True)
        )
    )


async def get_shipment(session: AsyncSession, shipment_id: int, store_ids: StoreScope) -> Shipment | None:
    query = select(Shipment).where(Shipment.id == shipment_id).execution_options(populate_existing=True)
    if store_ids is not None:
        query = query.where(Shipment.store_id.in_(store_ids))
    return await session.scalar(query)


async def tenders(session: AsyncSession, order_id: int) -> list[Tender]:
    return list(
        await session.scalars(
            select(Tender)
            .where(Tender.order_id == order_id)
            .order_by(Tender.id)
            .execution_options(populate_existing=True)
        )
    )


async def refunds(session: AsyncSession, order_id: int) -> list[Refund]:
    return list(await session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))


async def events(session: AsyncSession, order_id: int) -> list[OrderEvent]:
    return list(
        await session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        )
    )


async def list_orders(
    session: AsyncSession,
    *,
    member_id: int | None = None,
    store_ids: StoreScope = None,
    store_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Order]:
    query = select(Order).order_by(Order.id.desc()).limit(limit).offset(offset)
    if member_id is not None:
        query = query.where(Order.member_id == member_id)
    if store_ids is not None:
        in_shipment = select(Shipment.order_id).where(Shipment.store_id.in_(store_ids))
        query = query.where(or_(Order.store_id.in_(store_ids), Order.id.in_(in_shipment)))
    if store_id is not None:
        query = query.where(
            or_(
                Order.store_id == store_id,
                Order.id.in_(select(Shipment.order_id).where(Shipment.store_id == store_id)),
            )
        )
    if status:
        query = query.where(Order.status == status)
    return list(await session.scalars(query))


async def order_store_ids(session: AsyncSession, order: Order) -> set[int]:
    stores = set(await session.scalars(select(Shipment.store_id).where(Shipment.order_id == order.id)))
    if order.store_id is not None:
        stores.add(order.store_id)
    return stores


async def move_status(
    session: AsyncSession, order_id: int, from_status: str, to_status: str, **values: Any
) -> bool:
    """Change the status only if it still is ``from_status``; False if another request moved it first."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status == from_status)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def unpaid_due(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    return list(
        await session.scalars(
            select(Order.id)
            .where(Order.status == "pending_payment", Order.pay_by <= now)
            .order_by(Order.id)
            .limit(limit)
        )
    )


async def active_pickup_codes(session: AsyncSession, store_id: int) -> set[str]:
    rows = await session.scalars(
        select(Order.pickup_code).where(
            Order.store_id == store_id,
            Order.fulfilment == "pickup",
            Order.pickup_code.is_not(None),
            Order.status.in_(("paid", "picking", "ready_for_pickup")),
        )
    )
    return set(rows)


async def order_by_pickup_code(session: AsyncSession, code: str, store_id: int | None) -> list[Order]:
    query = (
        select(Order)
        .where(
            Order.pickup_code == code,
            Order.fulfilment == "pickup",
            Order.status.in_(("paid", "picking", "ready_for_pickup", "completed")),
        )
        .order_by(Order.id.desc())
    )
    if store_id is not None:
        query = query.where(Order.store_id == store_id)
    return list(await session.scalars(query.execution_options(populate_existing=True)))


# --- idempotency ---


async def idempotency_key(session: AsyncSession, owner_key: str, key: str) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.owner_key == owner_key, IdempotencyKey.key == key)
    )


# --- picking ---


async def list_tasks(
    session: AsyncSession, store_ids: StoreScope, *, store_id: int | None, statuses: Sequence[str], limit: int
) -> list[tuple[Shipment, Order]]:
    query = (
        select(Shipment, Order)
        .join(Order, Order.id == Shipment.order_id)
        .where(Shipment.status.in_(statuses))
        .order_by(Shipment.id)
        .limit(limit)
    )
    if store_ids is not None:
        query = query.where(Shipment.store_id.in_(store_ids))
    if store_id is not None:
        query = query.where(Shipment.store_id == store_id)
    return [(s, o) for s, o in await session.execute(query)]


async def shipment_lines(session: AsyncSession, shipment_id: int) -> list[OrderLine]:
    return list(
        await session.scalars(
            select(OrderLine)
            .where(OrderLine.shipment_id == shipment_id)
            .order_by(OrderLine.id)
            .execution_options(populate_existing=True)
        )
    )


# --- returns ---


async def get_return(session: AsyncSession, return_id: int) -> OrderReturn | None:
    return await session.get(OrderReturn, return_id)


async def return_by_client_id(session: AsyncSession, client_id: str) -> OrderReturn | None:
    return await session.scalar(select(OrderReturn).where(OrderReturn.client_id == client_id))


async def order_returns(session: AsyncSession, order_id: int) -> list[OrderReturn]:
    return list(
        await session.scalars(
            select(OrderReturn).where(OrderReturn.order_id == order_id).order_by(OrderReturn.id)
        )
    )


async def return_lines(session: AsyncSession, return_id: int) -> list[ReturnLine]:
    return list(
        await session.scalars(
            select(ReturnLine).where(ReturnLine.return_id == return_id).order_by(ReturnLine.id)
        )
    )


async def return_refunds(session: AsyncSession, return_id: int) -> list[Refund]:
    return list(
        await session.scalars(select(Refund).where(Refund.return_id == return_id).order_by(Refund.id))
    )


# --- settings rows ---


async def routing_config(session: AsyncSession, *, create: bool = False) -> RoutingConfig:
    """HQ's routing settings; the defaults until HQ saves them (``create`` adds the row to change it)."""
    config = await session.get(RoutingConfig, 1)
    if config is None:
        config = RoutingConfig(
            id=1,
            weight_stock=60,
            weight_distance=30,
            weight_load=10,
            max_distance_m=50_000,
            shipping_fee=1000,
        )
        if create:
            session.add(config)
            await session.flush()
    return config


async def return_policy(session: AsyncSession, *, create: bool = False) -> ReturnPolicy:
    policy = await session.get(ReturnPolicy, 1)
    if policy is None:
        policy = ReturnPolicy(id=1, window_days=7)
        if create:
            session.add(policy)
            await session.flush()
    return policy


async def routing_decision(session: AsyncSession, order_id: int) -> RoutingDecision | None:
    return await session.scalar(select(RoutingDecision).where(RoutingDecision.order_id == order_id))


async def add_returned(session: AsyncSession, line_id: int, qty: int, amount: int) -> bool:
    """Count ``qty`` more units of the line as returned, if that many were handed over and not returned."""
    result = await session.execute(
        update(OrderLine)
        .where(OrderLine.id == line_id, OrderLine.returned_qty + qty <= OrderLine.picked_qty)
        .values(returned_qty=OrderLine.returned_qty + qty, refunded_amount=OrderLine.refunded_amount + amount)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
