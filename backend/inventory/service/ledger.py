"""Building blocks of every stock move: merged lines, ledger rows, FEFO batch consumption, the
``store:{id}:stock`` events and the low-stock alert raised when a change crosses the reorder point."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import InvalidState, ValidationFailed
from backend.core.events import emit
from backend.inventory import repository as repo
from backend.inventory.errors import OutOfStock
from backend.inventory.models import StockAlert, StockMovement

Line = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Piece:
    """Units taken from one batch."""

    batch_id: int
    quantity: int
    batch_no: str
    expires_on: date | None


def topic(store_id: int) -> str:
    return f"store:{store_id}:stock"


def _actor(actor: Any) -> dict[str, Any]:
    return {"actor_kind": getattr(actor, "kind", "system"), "actor_id": getattr(actor, "id", None)}


def merge_lines(lines: Iterable[Line]) -> list[Line]:
    """Add up repeated SKUs and order by SKU id; every quantity must be a positive integer."""
    total: dict[int, int] = defaultdict(int)
    for sku_id, qty in lines:
        if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
            raise ValidationFailed(
                "Quantities must be positive whole numbers.", detail={"sku_id": sku_id, "quantity": qty}
            )
        total[int(sku_id)] += qty
    if not total:
        raise ValidationFailed("No lines.")
    return sorted(total.items())


async def changed(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    row: repo.StockRow,
    available_delta: int,
    now: datetime,
    *,
    flush: bool = True,
) -> None:
    """Publish the new figures and raise or clear the low-stock alert when the threshold is crossed.

    ``flush=False`` leaves the rows to the caller's one flush, so a multi-line move inserts its
    ledger rows and events in one statement each instead of one per line.
    """
    on_hand, reserved, reorder_point, safety_stock = row
    available = on_hand - reserved
    emit(
        session,
        topic(store_id),
        "stock.changed",
        {"sku_id": sku_id, "on_hand": on_hand, "reserved": reserved, "available": available},
    )
    if reorder_point > 0 and available_delta != 0:
        before = available - available_delta
        if available <= reorder_point < before:
            await raise_low_stock(session, store_id, sku_id, available, reorder_point, safety_stock)
        elif before <= reorder_point < available:
            await repo.close_alerts(session, store_id, sku_id, "low_stock", now)
    if flush:
        await session.flush()


async def raise_low_stock(
    session: AsyncSession, store_id: int, sku_id: int, available: int, reorder_point: int, safety_stock: int
) -> StockAlert | None:
    if await repo.open_alert(session, store_id, sku_id, "low_stock"):
        return None
    detail = {"available": available, "reorder_point": reorder_point, "safety_stock": safety_stock}
    alert = StockAlert(store_id=store_id, sku_id=sku_id, kind="low_stock", quantity=available, detail=detail)
    session.add(alert)
    await session.flush()
    emit(session, topic(store_id), "alert.low_stock", {"alert_id": alert.id, "sku_id": sku_id, **detail})
    return alert


def write(
    session: AsyncSession,
    kind: str,
    store_id: int,
    sku_id: int,
    *,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    quantity: int,
    batch_id: int | None = None,
    ref_type: str | None,
    ref_id: str | None,
    actor: Any,
    note: str | None = None,
) -> None:
    session.add(
        StockMovement(
            store_id=store_id,
            sku_id=sku_id,
            kind=kind,
            on_hand_delta=on_hand_delta,
            reserved_delta=reserved_delta,
            quantity=quantity,
            batch_id=batch_id,
            ref_type=ref_type,
            ref_id=None if ref_id is None else str(ref_id),
            note=None if note is None else note[:200],
            **_actor(actor),
        )
    )


async def consume(session: AsyncSession, store_id: int, sku_id: int, n: int) -> list[Piece]:
    """Take n units out of the SKU's batches, first-expiring first (undated last)."""
    pieces: list[Piece] = []
    remaining = n
    for _ in range(5):
        for batch_id, qty, batch_no, expires_on in await repo.batches_fefo(session, store_id, sku_id):
            part = min(qty, remaining)
            if await repo.take_from_batch(session, batch_id, part):
                pieces.append(Piece(batch_id, part, batch_no, expires_on))
                remaining -= part
            if remaining == 0:
                return pieces
    raise InvalidState(
        "Batches do not cover the stock on hand.", detail={"store_id": store_id, "sku_id": sku_id}
    )


async def take(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    n: int,
    kind: str,
    *,
    ref_type: str | None,
    ref_id: str | None,
    actor: Any,
    note: str | None,
    now: datetime,
) -> list[Piece] | None:
    """Remove n available units (FEFO) with ledger rows; None if fewer than n are available."""
    row = await repo.take_units(session, store_id, sku_id, n)
    if row is None:
        return None
    pieces = await consume(session, store_id, sku_id, n)
    for piece in pieces:
        write(
            session,
            kind,
            store_id,
            sku_id,
            on_hand_delta=-piece.quantity,
            quantity=piece.quantity,
            batch_id=piece.batch_id,
            ref_type=ref_type,
            ref_id=ref_id,
            actor=actor,
            note=note,
        )
    await changed(session, store_id, sku_id, row, -n, now)
    return pieces


async def out_of_stock(session: AsyncSession, store_id: int, failures: list[Line]) -> OutOfStock:
    detail = [
        {"sku_id": sku_id, "requested": qty, "available": await repo.available(session, store_id, sku_id)}
        for sku_id, qty in failures
    ]
    return OutOfStock(detail={"store_id": store_id, "lines": detail})
