"""All SQL of the inventory domain: conditional stock updates, batches, ledger, reservations, documents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Barcode, Category, Product, Sku
from backend.inventory.models import (
    ExpiryWindow,
    Reservation,
    ReservationStatus,
    Stock,
    StockAlert,
    StockBatch,
    StockDocument,
    StockDocumentLine,
    StockMovement,
    Stocktake,
    StocktakeLine,
    StocktakeScan,
    Transfer,
    TransferLine,
)

stock_t = Stock.__table__
batch_t = StockBatch.__table__
StoreScope = frozenset[int] | None


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def _scoped(query: Select[Any], column: Any, store_ids: StoreScope) -> Select[Any]:
    return query if store_ids is None else query.where(column.in_(store_ids))


async def _newest_first(
    session: AsyncSession, model: Any, store_ids: StoreScope, limit: int, **equal_to: Any
) -> list[Any]:
    """Rows of ``model`` in the caller's stores, filtered on the given columns (None = any), newest first."""
    query = _scoped(select(model), model.store_id, store_ids)
    for column, value in equal_to.items():
        if value is not None and value != "":
            query = query.where(getattr(model, column) == value)
    return list(await session.scalars(query.order_by(model.id.desc()).limit(limit)))


# --- stock rows: every change is one conditional UPDATE ... RETURNING; no row back = refused ---

StockRow = tuple[int, int, int, int]  # on_hand, reserved, reorder_point, safety_stock


async def ensure_stock(session: AsyncSession, store_id: int, sku_id: int) -> None:
    """Create the (store, SKU) stock row if it does not exist yet."""
    stmt = _insert(session, stock_t).values(store_id=store_id, sku_id=sku_id, on_hand=0, reserved=0)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["store_id", "sku_id"]))


def _returning(stmt: Any) -> Any:
    return stmt.returning(
        stock_t.c.on_hand, stock_t.c.reserved, stock_t.c.reorder_point, stock_t.c.safety_stock
    )


async def _one(session: AsyncSession, stmt: Any) -> StockRow | None:
    row = (await session.execute(_returning(stmt))).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def _row(store_id: int, sku_id: int) -> Any:
    return and_(stock_t.c.store_id == store_id, stock_t.c.sku_id == sku_id)


async def reserve_units(session: AsyncSession, store_id: int, sku_id: int, n: int) -> StockRow | None:
    stmt = (
        update(stock_t)
        .where(_row(store_id, sku_id), stock_t.c.on_hand - stock_t.c.reserved >= n)
        .values(reserved=stock_t.c.reserved + n)
    )
    return await _one(session, stmt)


async def unreserve_units(session: AsyncSession, store_id: int, sku_id: int, n: int) -> StockRow | None:
    stmt = (
        update(stock_t)
        .where(_row(store_id, sku_id), stock_t.c.reserved >= n)
        .values(reserved=stock_t.c.reserved - n)
    )
    return await _one(session, stmt)


async def fulfil_units(session: AsyncSession, store_id: int, sku_id: int, n: int) -> StockRow | None:
    stmt = (
        update(stock_t)
        .where(_row(store_id, sku_id), stock_t.c.reserved >= n, stock_t.c.on_hand >= n)
        .values(on_hand=stock_t.c.on_hand - n, reserved=stock_t.c.reserved - n)
    )
    return await _one(session, stmt)


async def take_units(
    session: AsyncSession, store_id: int, sku_id: int, n: int, *, exact_available: int | None = None
) -> StockRow | None:
    """on_hand -= n only if at least n are available (or, with ``exact_available``, exactly that many)."""
    available = stock_t.c.on_hand - stock_t.c.reserved
    cond = available >= n if exact_available is None else available == exact_available
    stmt = update(stock_t).where(_row(store_id, sku_id), cond).values(on_hand=stock_t.c.on_hand - n)
    return await _one(session, stmt)


async def add_units(session: AsyncSession, store_id: int, sku_id: int, n: int) -> StockRow:
    await ensure_stock(session, store_id, sku_id)
    row = await _one(
        session, update(stock_t).where(_row(store_id, sku_id)).values(on_hand=stock_t.c.on_hand + n)
    )
    assert row is not None
    return row


async def get_stock(session: AsyncSession, store_id: int, sku_id: int) -> Stock | None:
    return await session.scalar(
        select(Stock)
        .where(Stock.store_id == store_id, Stock.sku_id == sku_id)
        .execution_options(populate_existing=True)
    )


async def available(session: AsyncSession, store_id: int, sku_id: int) -> int:
    value = await session.scalar(
        select(Stock.on_hand - Stock.reserved).where(Stock.store_id == store_id, Stock.sku_id == sku_id)
    )
    return int(value or 0)


# --- batches ---


def batch_key(batch_no: str, expires_on: date | None) -> str:
    return f"{batch_no}|{expires_on.isoformat() if expires_on else ''}"


async def add_to_batch(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    batch_no: str,
    expires_on: date | None,
    n: int,
    now: datetime,
) -> int:
    """Put n units into the batch (created on first use); returns its id."""
    key = batch_key(batch_no, expires_on)
    stmt = _insert(session, batch_t).values(
        store_id=store_id,
        sku_id=sku_id,
        batch_no=batch_no,
        batch_key=key,
        expires_on=expires_on,
        quantity=n,
        received_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["store_id", "sku_id", "batch_key"], set_={"quantity": batch_t.c.quantity + n}
    ).returning(batch_t.c.id)
    return int((await session.execute(stmt)).scalar_one())


def fefo_order() -> list[Any]:
    return [
        case((StockBatch.expires_on.is_(None), 1), else_=0),
        StockBatch.expires_on,
        StockBatch.received_at,
        StockBatch.id,
    ]


async def batches_fefo(
    session: AsyncSession, store_id: int, sku_id: int
) -> list[tuple[int, int, str, date | None]]:
    """(id, quantity, batch_no, expires_on) of batches with units, first-expiring first, undated last."""
    rows = await session.execute(
        select(StockBatch.id, StockBatch.quantity, StockBatch.batch_no, StockBatch.expires_on)
        .where(StockBatch.store_id == store_id, StockBatch.sku_id == sku_id, StockBatch.quantity > 0)
        .order_by(*fefo_order())
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def take_from_batch(session: AsyncSession, batch_id: int, n: int) -> bool:
    result = await session.execute(
        update(batch_t)
        .where(batch_t.c.id == batch_id, batch_t.c.quantity >= n)
        .values(quantity=batch_t.c.quantity - n)
    )
    return result.rowcount == 1


async def list_batches(
    session: AsyncSession,
    store_id: int,
    *,
    sku_id: int | None = None,
    expiring_before: date | None = None,
    include_empty: bool = False,
) -> list[StockBatch]:
    query = select(StockBatch).where(StockBatch.store_id == store_id)
    if sku_id is not None:
        query = query.where(StockBatch.sku_id == sku_id)
    if expiring_before is not None:
        query = query.where(StockBatch.expires_on.is_not(None), StockBatch.expires_on <= expiring_before)
    if not include_empty:
        query = query.where(StockBatch.quantity > 0)
    return list(await session.scalars(query.order_by(StockBatch.sku_id, *fefo_order())))


async def batches_expiring(session: AsyncSession, before: date) -> list[tuple[StockBatch, int]]:
    """Batches with units expiring on or before ``before``, with their SKU's category id."""
    rows = await session.execute(
        select(StockBatch, Product.category_id)
        .join(Sku, Sku.id == StockBatch.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .where(StockBatch.quantity > 0, StockBatch.expires_on.is_not(None), StockBatch.expires_on <= before)
        .order_by(StockBatch.id)
    )
    return [(b, c) for b, c in rows]


# --- ledger ---


def add_movement(session: AsyncSession, **fields: Any) -> None:
    session.add(StockMovement(**fields))


async def list_movements(
    session: AsyncSession,
    store_id: int,
    *,
    sku_id: int | None,
    kind: str | None,
    ref_type: str | None,
    ref_id: str | None,
    offset: int,
    limit: int,
) -> tuple[list[StockMovement], int]:
    query = select(StockMovement).where(StockMovement.store_id == store_id)
    if sku_id is not None:
        query = query.where(StockMovement.sku_id == sku_id)
    if kind:
        query = query.where(StockMovement.kind == kind)
    if ref_type:
        query = query.where(StockMovement.ref_type == ref_type)
    if ref_id:
        query = query.where(StockMovement.ref_id == ref_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    items = await session.scalars(query.order_by(StockMovement.id.desc()).offset(offset).limit(limit))
    return list(items), int(total or 0)


async def ledger_mismatches(session: AsyncSession, store_id: int | None) -> list[dict[str, Any]]:
    """(store, SKU) rows whose stock, ledger sums and batch sums disagree, or that went negative."""
    moves = (
        select(
            StockMovement.store_id.label("store_id"),
            StockMovement.sku_id.label("sku_id"),
            func.sum(StockMovement.on_hand_delta).label("on_hand"),
            func.sum(StockMovement.reserved_delta).label("reserved"),
        )
        .where(true() if store_id is None else StockMovement.store_id == store_id)
        .group_by(StockMovement.store_id, StockMovement.sku_id)
        .subquery()
    )
    batches = (
        select(
            StockBatch.store_id.label("store_id"),
            StockBatch.sku_id.label("sku_id"),
            func.sum(StockBatch.quantity).label("quantity"),
            func.min(StockBatch.quantity).label("smallest"),
        )
        .where(true() if store_id is None else StockBatch.store_id == store_id)
        .group_by(StockBatch.store_id, StockBatch.sku_id)
        .subquery()
    )
    query = (
        select(
            Stock.store_id,
            Stock.sku_id,
            Stock.on_hand,
            Stock.reserved,
            func.coalesce(moves.c.on_hand, 0),
            func.coalesce(moves.c.reserved, 0),
            func.coalesce(batches.c.quantity, 0),
            func.coalesce(batches.c.smallest, 0),
        )
        .outerjoin(moves, and_(moves.c.store_id == Stock.store_id, moves.c.sku_id == Stock.sku_id))
        .outerjoin(batches, and_(batches.c.store_id == Stock.store_id, batches.c.sku_id == Stock.sku_id))
    )
    if store_id is not None:
        query = query.where(Stock.store_id == store_id)
    problems: list[dict[str, Any]] = []
    for s, k, on_hand, reserved, m_on_hand, m_reserved, b_sum, b_min in await session.execute(query):
        if (
            (on_hand, reserved) != (m_on_hand, m_reserved)
            or b_sum != on_hand
            or min(on_hand, reserved, b_min) < 0
            or (reserved > on_hand)
        ):
            problems.append(
                {
                    "store_id": s,
                    "sku_id": k,
                    "on_hand": on_hand,
                    "reserved": reserved,
                    "ledger_on_hand": int(m_on_hand),
                    "ledger_reserved": int(m_reserved),
                    "batch_sum": int(b_sum),
                }
            )
    orphan = select(StockMovement.store_id, StockMovement.sku_id).where(
        ~select(Stock.id)
        .where(Stock.store_id == StockMovement.store_id, Stock.sku_id == StockMovement.sku_id)
        .exists()
    )
    if store_id is not None:
        orphan = orphan.where(StockMovement.store_id == store_id)
    for s, k in (await session.execute(orphan.distinct())).all():
        problems.append({"store_id": s, "sku_id": k, "reason": "ledger rows without a stock row"})
    return problems


# --- reservations ---


async def active_reservations(
    session: AsyncSession, ref_type: str, ref_id: str, store_id: int | None = None
) -> list[Reservation]:
    query = select(Reservation).where(
        Reservation.ref_type == ref_type,
        Reservation.ref_id == ref_id,
        Reservation.status == ReservationStatus.ACTIVE,
    )
    if store_id is not None:
        query = query.where(Reservation.store_id == store_id)
    return list(
        await session.scalars(query.order_by(Reservation.id).execution_options(populate_existing=True))
    )


async def reservation_statuses(session: AsyncSession, ref_type: str, ref_id: str) -> set[str]:
    rows = await session.scalars(
        select(Reservation.status)
        .where(Reservation.ref_type == ref_type, Reservation.ref_id == ref_id)
        .distinct()
    )
    return set(rows)


async def close_reservation(
    session: AsyncSession, reservation_id: int, status: str, reason: str, now: datetime
) -> bool:
    """Move an active reservation to ``status``; False if it was no longer active."""
    result = await session.execute(
        update(Reservation)
        .where(Reservation.id == reservation_id, Reservation.status == ReservationStatus.ACTIVE)
        .values(status=status, close_reason=reason[:60], closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def due_reservations(session: AsyncSession, now: datetime, limit: int) -> list[Reservation]:
    return list(
        await session.scalars(
            select(Reservation)
            .where(Reservation.status == ReservationStatus.ACTIVE, Reservation.expires_at <= now)
            .order_by(Reservation.store_id, Reservation.sku_id, Reservation.id)
            .limit(limit)
        )
    )


async def list_reservations(
    session: AsyncSession,
    store_id: int,
    *,
    status: str | None,
    sku_id: int | None,
    ref_type: str | None,
    ref_id: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Reservation], int]:
    query = select(Reservation).where(Reservation.store_id == store_id)
    if status:
        query = query.where(Reservation.status == status)
    if sku_id is not None:
        query = query.where(Reservation.sku_id == sku_id)
    if ref_type:
        query = query.where(Reservation.ref_type == ref_type)
    if ref_id:
        query = query.where(Reservation.ref_id == ref_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    items = await session.scalars(query.order_by(Reservation.id.desc()).offset(offset).limit(limit))
    return list(items), int(total or 0)


# --- stock reads ---


async def list_stock(
    session: AsyncSession,
    store_id: int,
    *,
    sku_ids: Sequence[int] | None,
    q: str | None,
    low_only: bool,
    in_stock_only: bool,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Stock, Sku, Product]], int]:
    query = (
        select(Stock, Sku, Product)
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .where(Stock.store_id == store_id)
    )
    if sku_ids:
        query = query.where(Stock.sku_id.in_(sku_ids))
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(Sku.code.ilike(like), Product.name_zh.ilike(like), Product.name_en.ilike(like))
        )
    if low_only:
        query = query.where(Stock.reorder_point > 0, Stock.on_hand - Stock.reserved <= Stock.reorder_point)
    if in_stock_only:
        query = query.where(Stock.on_hand - Stock.reserved > 0)
    total = await session.scalar(
        select(func.count()).select_from(query.with_only_columns(Stock.id).subquery())
    )
    rows = await session.execute(query.order_by(Sku.shelf_location, Stock.sku_id).offset(offset).limit(limit))
    return [(a, b, c) for a, b, c in rows], int(total or 0)


async def stock_across_stores(session: AsyncSession, sku_id: int, store_ids: StoreScope) -> list[Stock]:
    query = _scoped(select(Stock).where(Stock.sku_id == sku_id), Stock.store_id, store_ids)
    return list(await session.scalars(query.order_by(Stock.store_id)))


async def in_transit(
    session: AsyncSession, store_ids: StoreScope, sku_id: int | None, store_id: int | None
) -> list[tuple[int, int, int, int]]:
    """(to_store_id, from_store_id, sku_id, units) shipped and not yet received."""
    query = (
        select(
            Transfer.to_store_id,
            Transfer.from_store_id,
            TransferLine.sku_id,
            func.sum(TransferLine.shipped_qty),
        )
        .join(TransferLine, TransferLine.transfer_id == Transfer.id)
        .where(Transfer.status == "shipped")
        .group_by(Transfer.to_store_id, Transfer.from_store_id, TransferLine.sku_id)
        .order_by(Transfer.to_store_id, TransferLine.sku_id)
    )
    if store_ids is not None:
        query = query.where(or_(Transfer.to_store_id.in_(store_ids), Transfer.from_store_id.in_(store_ids)))
    if store_id is not None:
        query = query.where(or_(Transfer.to_store_id == store_id, Transfer.from_store_id == store_id))
    if sku_id is not None:
        query = query.where(TransferLine.sku_id == sku_id)
    return [(a, b, c, int(d)) for a, b, c, d in await session.execute(query)]


async def skus_by_ids(session: AsyncSession, sku_ids: Sequence[int]) -> dict[int, Sku]:
    if not sku_ids:
        return {}
    return {s.id: s for s in await session.scalars(select(Sku).where(Sku.id.in_(set(sku_ids))))}


async def sku_by_barcode(session: AsyncSession, code: str) -> Sku | None:
    return await session.scalar(
        select(Sku).join(Barcode, Barcode.sku_id == Sku.id).where(Barcode.code == code)
    )


async def category_parents(session: AsyncSession) -> dict[int, int | None]:
    return {i: p for i, p in await session.execute(select(Category.id, Category.parent_id))}


# --- alerts and expiry windows ---


async def open_alert(session: AsyncSession, store_id: int, sku_id: int, kind: str) -> StockAlert | None:
    query = select(StockAlert).where(
        StockAlert.store_id == store_id,
        StockAlert.sku_id == sku_id,
        StockAlert.kind == kind,
        StockAlert.status == "open",
    )
    return await session.scalar(query.limit(1))


async def batch_alerted(session: AsyncSession, batch_id: int) -> bool:
    """Whether a near-expiry alert was ever raised for the batch (open, acknowledged or resolved)."""
    found = await session.scalar(
        select(StockAlert.id)
        .where(StockAlert.kind == "near_expiry", StockAlert.batch_id == batch_id)
        .limit(1)
    )
    return found is not None


async def get_alert(session: AsyncSession, alert_id: int, store_ids: StoreScope) -> StockAlert | None:
    return await session.scalar(
        _scoped(select(StockAlert).where(StockAlert.id == alert_id), StockAlert.store_id, store_ids)
    )


async def resolve_emptied_batch_alerts(session: AsyncSession, now: datetime) -> int:
    """Close near-expiry alerts whose batch has been sold, issued or moved away."""
    emptied = select(StockBatch.id).where(StockBatch.quantity == 0)
    result = await session.execute(
        update(StockAlert)
        .where(
            StockAlert.kind == "near_expiry", StockAlert.status == "open", StockAlert.batch_id.in_(emptied)
        )
        .values(status="resolved", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def close_alerts(session: AsyncSession, store_id: int, sku_id: int, kind: str, now: datetime) -> int:
    result = await session.execute(
        update(StockAlert)
        .where(
            StockAlert.store_id == store_id,
            StockAlert.sku_id == sku_id,
            StockAlert.kind == kind,
            StockAlert.status == "open",
        )
        .values(status="resolved", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def list_alerts(
    session: AsyncSession,
    store_ids: StoreScope,
    *,
    store_id: int | None,
    kind: str | None,
    status: str | None,
    limit: int,
) -> list[StockAlert]:
    return await _newest_first(
        session, StockAlert, store_ids, limit, store_id=store_id, kind=kind, status=status
    )


async def expiry_windows(session: AsyncSession) -> list[ExpiryWindow]:
    return list(await session.scalars(select(ExpiryWindow).order_by(ExpiryWindow.scope)))


async def expiry_window(session: AsyncSession, scope: str) -> ExpiryWindow | None:
    return await session.scalar(select(ExpiryWindow).where(ExpiryWindow.scope == scope))


# --- documents ---


async def get_document(session: AsyncSession, doc_id: int, store_ids: StoreScope) -> StockDocument | None:
    query = _scoped(
        select(StockDocument).where(StockDocument.id == doc_id), StockDocument.store_id, store_ids
    )
    return await session.scalar(query.execution_options(populate_existing=True))


async def document_by_client_id(session: AsyncSession, client_id: str) -> StockDocument | None:
    return await session.scalar(select(StockDocument).where(StockDocument.client_id == client_id))


async def document_lines(session: AsyncSession, doc_id: int) -> list[StockDocumentLine]:
    return list(
        await session.scalars(
            select(StockDocumentLine)
            .where(StockDocumentLine.document_id == doc_id)
            .order_by(StockDocumentLine.id)
        )
    )


async def list_documents(
    session: AsyncSession,
    store_ids: StoreScope,
    *,
    store_id: int | None,
    kind: str | None,
    status: str | None,
    limit: int,
) -> list[StockDocument]:
    return await _newest_first(
        session, StockDocument, store_ids, limit, store_id=store_id, kind=kind, status=status
    )


async def move_state(
    session: AsyncSession, model: Any, obj_id: int, from_states: Sequence[str], to: str, **values: Any
) -> bool:
    """Conditional state change: only one of concurrent callers wins."""
    result = await session.execute(
        update(model)
        .where(model.id == obj_id, model.status.in_(from_states))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def get_transfer(session: AsyncSession, transfer_id: int, store_ids: StoreScope) -> Transfer | None:
    query = select(Transfer).where(Transfer.id == transfer_id)
    if store_ids is not None:
        query = query.where(or_(Transfer.from_store_id.in_(store_ids), Transfer.to_store_id.in_(store_ids)))
    return await session.scalar(query.execution_options(populate_existing=True))


async def transfer_by_client_id(session: AsyncSession, client_id: str) -> Transfer | None:
    return await session.scalar(select(Transfer).where(Transfer.client_id == client_id))


async def transfer_lines(session: AsyncSession, transfer_id: int) -> list[TransferLine]:
    return list(
        await session.scalars(
            select(TransferLine)
            .where(TransferLine.transfer_id == transfer_id)
            .order_by(TransferLine.sku_id)
            .execution_options(populate_existing=True)
        )
    )


async def list_transfers(
    session: AsyncSession, store_ids: StoreScope, *, store_id: int | None, status: str | None, limit: int
) -> list[Transfer]:
    query = select(Transfer)
    if store_ids is not None:
        query = query.where(or_(Transfer.from_store_id.in_(store_ids), Transfer.to_store_id.in_(store_ids)))
    if store_id is not None:
        query = query.where(or_(Transfer.from_store_id == store_id, Transfer.to_store_id == store_id))
    if status:
        query = query.where(Transfer.status == status)
    return list(await session.scalars(query.order_by(Transfer.id.desc()).limit(limit)))


async def get_stocktake(session: AsyncSession, stocktake_id: int, store_ids: StoreScope) -> Stocktake | None:
    query = _scoped(select(Stocktake).where(Stocktake.id == stocktake_id), Stocktake.store_id, store_ids)
    return await session.scalar(query.execution_options(populate_existing=True))


async def stocktake_by_client_id(session: AsyncSession, client_id: str) -> Stocktake | None:
    return await session.scalar(select(Stocktake).where(Stocktake.client_id == client_id))


async def list_stocktakes(
    session: AsyncSession, store_ids: StoreScope, *, store_id: int | None, status: str | None, limit: int
) -> list[Stocktake]:
    return await _newest_first(session, Stocktake, store_ids, limit, store_id=store_id, status=status)


async def stocktake_lines(session: AsyncSession, stocktake_id: int) -> list[StocktakeLine]:
    return list(
        await session.scalars(
            select(StocktakeLine)
            .where(StocktakeLine.stocktake_id == stocktake_id)
            .order_by(StocktakeLine.sku_id)
            .execution_options(populate_existing=True)
        )
    )


async def scan_by_client_id(session: AsyncSession, stocktake_id: int, client_id: str) -> StocktakeScan | None:
    return await session.scalar(
        select(StocktakeScan).where(
            StocktakeScan.stocktake_id == stocktake_id, StocktakeScan.client_id == client_id
        )
    )


async def add_count(session: AsyncSession, stocktake_id: int, sku_id: int, n: int) -> int:
    """counted += n on the SKU's count line (created on the first scan); returns the new count."""
    table = StocktakeLine.__table__
    stmt = _insert(session, table).values(stocktake_id=stocktake_id, sku_id=sku_id, counted=n)
    stmt = stmt.on_conflict_do_update(
        index_elements=["stocktake_id", "sku_id"], set_={"counted": table.c.counted + n}
    ).returning(table.c.counted)
    return int((await session.execute(stmt)).scalar_one())


async def stock_levels(
    session: AsyncSession, store_id: int, sku_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """sku_id -> (on_hand, reserved)."""
    if not sku_ids:
        return {}
    rows = await session.execute(
        select(Stock.sku_id, Stock.on_hand, Stock.reserved).where(
            Stock.store_id == store_id, Stock.sku_id.in_(sku_ids)
        )
    )
    return {k: (h, r) for k, h, r in rows}


def adjustment_exists(store_id: int, sku_id: int, ref_id: str) -> Select[Any]:
    return (
        select(StockMovement.id)
        .where(
            StockMovement.store_id == store_id,
            StockMovement.sku_id == sku_id,
            StockMovement.ref_type == "adjustment",
            StockMovement.ref_id == ref_id,
        )
        .limit(1)
    )
