"""The stock primitives every other domain calls: reserve, release, fulfil, sell, receive, adjust,
return_to_stock, release_expired, plus the moves stock documents are built from.

Each change is one conditional UPDATE of the (store, SKU) row whose WHERE clause carries the rule
(``on_hand - reserved >= n``); no row back means refused. The stock row is always changed before its
batches, so on PostgreSQL the row lock serialises batch changes of that (store, SKU); SQLite
serialises writers anyway. Every change writes ledger rows and a ``store:{id}:stock`` event in the
caller's transaction; nothing here commits. Multi-line calls touch SKUs in ascending id order so
concurrent transactions lock rows in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import audit
from backend.core.errors import InvalidState, ValidationFailed
from backend.core.events import emit
from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory.errors import ReservationNotActive
from backend.inventory.models import MovementKind, Reservation, ReservationStatus, StockAlert, StockMovement
from backend.inventory.service import ledger
from backend.inventory.service.ledger import Line, Piece, merge_lines, topic


@dataclass(frozen=True, slots=True)
class SaleLine:
    sku_id: int
    requested: int
    sold: int
    shortfall: int


# --- reservations ---


async def _hold(
    session: AsyncSession,
    item: tuple[int, int, int, str],
    row: repo.StockRow,
    ref_type: str,
    expires_at: datetime,
    actor: Any,
    now: datetime,
) -> Reservation:
    """Record a hold already taken on the stock row: the reservation, its ledger entry, the change event."""
    store_id, sku_id, qty, ref_id = item
    reservation = Reservation(
        store_id=store_id,
        sku_id=sku_id,
        quantity=qty,
        ref_type=ref_type,
        ref_id=str(ref_id),
        status=ReservationStatus.ACTIVE,
        expires_at=expires_at,
    )
    session.add(reservation)
    ledger.write(
        session,
        MovementKind.RESERVATION,
        store_id,
        sku_id,
        reserved_delta=qty,
        quantity=qty,
        ref_type=ref_type,
        ref_id=str(ref_id),
        actor=actor,
    )
    await ledger.changed(session, store_id, sku_id, row, -qty, now, flush=False)
    return reservation


async def reserve(
    session: AsyncSession,
    store_id: int,
    lines: list[Line],
    ref_type: str,
    ref_id: str,
    expires_at: datetime,
    actor: Any = None,
) -> list[Reservation]:
    """Hold units of every line for the ref, all or nothing; raises OutOfStock listing the short lines.

    A repeated call for a ref that already holds active reservations at this store returns them.
    """
    ref_id = str(ref_id)
    existing = await repo.active_reservations(session, ref_type, ref_id, store_id)
    if existing:
        return existing
    merged = merge_lines(lines)
    now = utcnow()
    reservations: list[Reservation] = []
    failures: list[Line] = []
    async with session.begin_nested() as savepoint:
        rows: dict[int, repo.StockRow] = {}
        for sku_id, qty in merged:
            row = await repo.reserve_units(session, store_id, sku_id, qty)
            if row is None:
                failures.append((sku_id, qty))
            else:
                rows[sku_id] = row
        if failures:
            await savepoint.rollback()
        else:
            for sku_id, qty in merged:
                reservations.append(
                    await _hold(
                        session,
                        (store_id, sku_id, qty, ref_id),
                        rows[sku_id],
                        ref_type,
                        expires_at,
                        actor,
                        now,
                    )
                )
            await session.flush()
    if failures:
        raise await ledger.out_of_stock(session, store_id, failures)
    return reservations


async def reserve_each(
    session: AsyncSession,
    items: list[tuple[int, int, int, str]],
    ref_type: str,
    expires_at: datetime,
    actor: Any = None,
) -> list[Reservation]:
    """Hold (store, SKU, quantity) for each new ref, all or nothing, in one savepoint and one flush.

    For refs created in the same transaction (an order's lines), so no earlier hold can exist.
    Raises OutOfStock listing the short lines of the first store found short.
    """
    if items:
        merge_lines([(sku_id, qty) for _store_id, sku_id, qty, _ref in items])  # every quantity checked
    ordered = sorted(items, key=lambda item: (item[0], item[1]))
    now = utcnow()
    reservations: list[Reservation] = []
    rows: list[repo.StockRow] = []
    failures: dict[int, list[Line]] = defaultdict(list)
    async with session.begin_nested() as savepoint:
        for store_id, sku_id, qty, _ref in ordered:
            row = await repo.reserve_units(session, store_id, sku_id, qty)
            if row is None:
                failures[store_id].append((sku_id, qty))
            else:
                rows.append(row)
        if failures:
            await savepoint.rollback()
        else:
            for item, row in zip(ordered, rows, strict=True):
                reservations.append(await _hold(session, item, row, ref_type, expires_at, actor, now))
            await session.flush()
    if failures:
        store_id, short = next(iter(failures.items()))
        raise await ledger.out_of_stock(session, store_id, short)
    return reservations


async def _close(
    session: AsyncSession, reservation: Reservation, status: str, reason: str, actor: Any, now: datetime
) -> bool:
    if not await repo.close_reservation(session, reservation.id, status, reason, now):
        return False
    store_id, sku_id, qty = reservation.store_id, reservation.sku_id, reservation.quantity
    if status == ReservationStatus.FULFILLED:
        row = await repo.fulfil_units(session, store_id, sku_id, qty)
        if row is None:
            raise InvalidState("Reserved units are missing.", detail={"reservation_id": reservation.id})
        for piece in await ledger.consume(session, store_id, sku_id, qty):
            ledger.write(
                session,
                MovementKind.FULFIL,
                store_id,
                sku_id,
                on_hand_delta=-piece.quantity,
                reserved_delta=-piece.quantity,
                quantity=piece.quantity,
                batch_id=piece.batch_id,
                ref_type=reservation.ref_type,
                ref_id=reservation.ref_id,
                actor=actor,
            )
        await ledger.changed(session, store_id, sku_id, row, 0, now)
    else:
        row = await repo.unreserve_units(session, store_id, sku_id, qty)
        if row is None:
            raise InvalidState("Reserved units are missing.", detail={"reservation_id": reservation.id})
        ledger.write(
            session,
            MovementKind.RELEASE,
            store_id,
            sku_id,
            reserved_delta=-qty,
            quantity=qty,
            ref_type=reservation.ref_type,
            ref_id=reservation.ref_id,
            actor=actor,
            note=reason,
        )
        await ledger.changed(session, store_id, sku_id, row, qty, now)
    reservation.status = status
    reservation.close_reason = reason[:60]
    reservation.closed_at = now
    return True


async def release(
    session: AsyncSession, ref_type: str, ref_id: str, reason: str = "released", actor: Any = None
) -> list[Reservation]:
    """Give back the ref's active reservations; a second call finds nothing to release."""
    now = utcnow()
    active = sorted(
        await repo.active_reservations(session, ref_type, str(ref_id)), key=lambda r: (r.store_id, r.sku_id)
    )
    done = [r for r in active if await _close(session, r, ReservationStatus.RELEASED, reason, actor, now)]
    return done


async def fulfil(session: AsyncSession, ref_type: str, ref_id: str, actor: Any = None) -> list[Reservation]:
    """Turn the ref's active reservations into a sale (batches FEFO); a repeat does nothing.

    Raises ReservationNotActive if the ref holds nothing active and was never fulfilled (expired or
    released), so the caller can reserve again or refund.
    """
    now = utcnow()
    ref_id = str(ref_id)
    active = sorted(
        await repo.active_reservations(session, ref_type, ref_id), key=lambda r: (r.store_id, r.sku_id)
    )
    if not active:
        statuses = await repo.reservation_statuses(session, ref_type, ref_id)
        if ReservationStatus.FULFILLED in statuses:
            return []
        raise ReservationNotActive(
            detail={"ref_type": ref_type, "ref_id": ref_id, "statuses": sorted(statuses)}
        )
    return [
        r for r in active if await _close(session, r, ReservationStatus.FULFILLED, "fulfilled", actor, now)
    ]


async def release_expired(session: AsyncSession, now: datetime | None = None, limit: int = 500) -> int:
    """Expire active reservations past ``expires_at``, giving their units back; returns how many."""
    now = now or utcnow()
    count = 0
    for reservation in await repo.due_reservations(session, now, limit):
        if await _close(session, reservation, ReservationStatus.EXPIRED, "expired", None, now):
            count += 1
    return count


# --- direct moves ---


async def _previous_sale(
    session: AsyncSession, store_id: int, ref_type: str, ref_id: str
) -> list[SaleLine] | None:
    rows = (
        await session.execute(
            select(StockMovement.sku_id, StockMovement.kind, StockMovement.quantity).where(
                StockMovement.store_id == store_id,
                StockMovement.ref_type == ref_type,
                StockMovement.ref_id == ref_id,
                StockMovement.kind.in_([MovementKind.SALE, MovementKind.SHORTFALL]),
            )
        )
    ).all()
    if not rows:
        return None
    sold: dict[int, int] = defaultdict(int)
    short: dict[int, int] = defaultdict(int)
    for sku_id, kind, qty in rows:
        (sold if kind == MovementKind.SALE else short)[sku_id] += qty
    return [SaleLine(k, sold[k] + short[k], sold[k], short[k]) for k in sorted(set(sold) | set(short))]


async def sell(
    session: AsyncSession,
    store_id: int,
    lines: list[Line],
    ref_type: str,
    ref_id: str,
    actor: Any = None,
    allow_shortfall: bool = False,
) -> list[SaleLine]:
    """A direct sale (POS, kiosk): all or nothing from available units, batches FEFO.

    With ``allow_shortfall`` (sales already handed over offline) it sells what is available, down to
    zero, and records the rest as a ``shortfall`` ledger row (no stock moves) and a shortfall alert.
    A repeated call for the same ref at this store returns the first result and moves nothing.
    """
    ref_id = str(ref_id)
    previous = await _previous_sale(session, store_id, ref_type, ref_id)
    if previous is not None:
        return previous
    merged = merge_lines(lines)
    now = utcnow()
    result: list[SaleLine] = []
    if not allow_shortfall:
        failures: list[Line] = []
        async with session.begin_nested() as savepoint:
            for sku_id, qty in merged:
                taken = await ledger.take(
                    session,
                    store_id,
                    sku_id,
                    qty,
                    MovementKind.SALE,
                    ref_type=ref_type,
                    ref_id=ref_id,
                    actor=actor,
                    note=None,
                    now=now,
                )
                if taken is None:
                    failures.append((sku_id, qty))
                result.append(SaleLine(sku_id, qty, qty, 0))
            if failures:
                await savepoint.rollback()
        if failures:
            raise await ledger.out_of_stock(session, store_id, failures)
        return result
    for sku_id, qty in merged:
        sold = await _take_up_to(
            session, store_id, sku_id, qty, ref_type=ref_type, ref_id=ref_id, actor=actor, now=now
        )
        short = qty - sold
        if short:
            ledger.write(
                session,
                MovementKind.SHORTFALL,
                store_id,
                sku_id,
                quantity=short,
                ref_type=ref_type,
                ref_id=ref_id,
                actor=actor,
                note="sold offline without stock",
            )
            detail = {
                "ref_type": ref_type,
                "ref_id": ref_id,
                "requested": qty,
                "sold": sold,
                "shortfall": short,
            }
            alert = StockAlert(
                store_id=store_id, sku_id=sku_id, kind="shortfall", quantity=short, detail=detail
            )
            session.add(alert)
            await session.flush()
            emit(
                session,
                topic(store_id),
                "alert.shortfall",
                {"alert_id": alert.id, "sku_id": sku_id, **detail},
            )
        result.append(SaleLine(sku_id, qty, sold, short))
    return result


async def _take_up_to(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    n: int,
    *,
    ref_type: str,
    ref_id: str,
    actor: Any,
    now: datetime,
) -> int:
    """Sell up to n available units; returns how many were sold."""
    await repo.ensure_stock(session, store_id, sku_id)
    for _ in range(20):
        available = max(await repo.available(session, store_id, sku_id), 0)
        take = min(n, available)
        if take == 0:
            return 0
        exact = None if take == n else available
        row = await repo.take_units(session, store_id, sku_id, take, exact_available=exact)
        if row is None:
            continue
        for piece in await ledger.consume(session, store_id, sku_id, take):
            ledger.write(
                session,
                MovementKind.SALE,
                store_id,
                sku_id,
                on_hand_delta=-piece.quantity,
                quantity=piece.quantity,
                batch_id=piece.batch_id,
                ref_type=ref_type,
                ref_id=ref_id,
                actor=actor,
            )
        await ledger.changed(session, store_id, sku_id, row, -take, now)
        return take
    raise InvalidState("Stock kept changing; try again.", detail={"store_id": store_id, "sku_id": sku_id})


async def take_lines(
    session: AsyncSession,
    store_id: int,
    lines: list[Line],
    kind: str,
    *,
    ref_type: str,
    ref_id: str,
    actor: Any = None,
    note: str | None = None,
) -> dict[int, list[Piece]]:
    """Remove available units of every line (issue, transfer out), all or nothing; the batches taken."""
    merged = merge_lines(lines)
    now = utcnow()
    taken: dict[int, list[Piece]] = {}
    failures: list[Line] = []
    async with session.begin_nested() as savepoint:
        for sku_id, qty in merged:
            pieces = await ledger.take(
                session,
                store_id,
                sku_id,
                qty,
                kind,
                ref_type=ref_type,
                ref_id=str(ref_id),
                actor=actor,
                note=note,
                now=now,
            )
            if pieces is None:
                failures.append((sku_id, qty))
            else:
                taken[sku_id] = pieces
        if failures:
            await savepoint.rollback()
    if failures:
        raise await ledger.out_of_stock(session, store_id, failures)
    return taken


async def receive(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    qty: int,
    *,
    ref_type: str | None,
    ref_id: str | None,
    actor: Any = None,
    batch_no: str | None = None,
    expires_on: date | None = None,
    kind: str = MovementKind.RECEIPT,
    note: str | None = None,
) -> repo.StockRow:
    """Add units into a batch (the untracked one when no batch number or expiry is given)."""
    if qty <= 0:
        raise ValidationFailed("Quantities must be positive.", detail={"sku_id": sku_id, "quantity": qty})
    now = utcnow()
    row = await repo.add_units(session, store_id, sku_id, qty)
    batch_id = await repo.add_to_batch(
        session, store_id, sku_id, (batch_no or "").strip(), expires_on, qty, now
    )
    ledger.write(
        session,
        kind,
        store_id,
        sku_id,
        on_hand_delta=qty,
        quantity=qty,
        batch_id=batch_id,
        ref_type=ref_type,
        ref_id=ref_id,
        actor=actor,
        note=note,
    )
    await ledger.changed(session, store_id, sku_id, row, qty, now)
    return row


async def return_to_stock(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    qty: int,
    ref_type: str,
    ref_id: str,
    batch_expires_on: date | None = None,
    actor: Any = None,
    batch_no: str | None = None,
) -> repo.StockRow:
    """Put returned units back on the shelf of any store; a repeat for the same ref and SKU adds nothing."""
    ref_id = str(ref_id)
    done = await session.scalar(
        select(StockMovement.id)
        .where(
            StockMovement.store_id == store_id,
            StockMovement.sku_id == sku_id,
            StockMovement.kind == MovementKind.RETURN,
            StockMovement.ref_type == ref_type,
            StockMovement.ref_id == ref_id,
        )
        .limit(1)
    )
    if done is not None:
        stock = await repo.get_stock(session, store_id, sku_id)
        assert stock is not None
        return (stock.on_hand, stock.reserved, stock.reorder_point, stock.safety_stock)
    return await receive(
        session,
        store_id,
        sku_id,
        qty,
        ref_type=ref_type,
        ref_id=ref_id,
        actor=actor,
        batch_no=batch_no,
        expires_on=batch_expires_on,
        kind=MovementKind.RETURN,
    )


async def adjust(
    session: AsyncSession,
    store_id: int,
    sku_id: int,
    delta: int,
    reason: str,
    actor: Any,
    *,
    ref_type: str = "adjustment",
    ref_id: str | None = None,
    batch_no: str | None = None,
    expires_on: date | None = None,
    kind: str = MovementKind.ADJUSTMENT,
) -> repo.StockRow:
    """Correct on_hand by delta with a reason (audited); a decrease needs that many available units."""
    if delta == 0:
        raise ValidationFailed("The adjustment is zero.")
    before = await repo.get_stock(session, store_id, sku_id)
    before_on_hand = before.on_hand if before else 0
    if delta > 0:
        row = await receive(
            session,
            store_id,
            sku_id,
            delta,
            ref_type=ref_type,
            ref_id=ref_id,
            actor=actor,
            batch_no=batch_no,
            expires_on=expires_on,
            kind=kind,
            note=reason,
        )
    else:
        pieces = await ledger.take(
            session,
            store_id,
            sku_id,
            -delta,
            kind,
            ref_type=ref_type,
            ref_id=ref_id,
            actor=actor,
            note=reason,
            now=utcnow(),
        )
        if pieces is None:
            raise await ledger.out_of_stock(session, store_id, [(sku_id, -delta)])
        stock = await repo.get_stock(session, store_id, sku_id)
        assert stock is not None
        row = (stock.on_hand, stock.reserved, stock.reorder_point, stock.safety_stock)
    audit.record(
        session,
        actor,
        f"stock.{kind}",
        "stock",
        f"{store_id}:{sku_id}",
        before={"on_hand": before_on_hand},
        after={"on_hand": row[0], "delta": delta, "reason": reason},
        store_id=store_id,
    )
    return row


async def count_to(
    session: AsyncSession, store_id: int, sku_id: int, counted: int, *, ref_id: str, actor: Any
) -> tuple[int, int, int]:
    """Set on_hand to a counted figure (stocktake). Units held by reservations cannot be counted away:
    on_hand stops at ``reserved`` and the gap is raised as a shortfall alert.
    Returns (expected on_hand, applied delta, units below reserved)."""
    now = utcnow()
    await repo.ensure_stock(session, store_id, sku_id)
    for _ in range(20):
        stock = await repo.get_stock(session, store_id, sku_id)
        assert stock is not None
        on_hand, reserved = stock.on_hand, stock.reserved
        target = max(counted, reserved)
        delta = target - on_hand
        gap = target - counted
        if delta > 0:
            await receive(
                session,
                store_id,
                sku_id,
                delta,
                ref_type="stocktake",
                ref_id=ref_id,
                actor=actor,
                kind=MovementKind.STOCKTAKE,
                note="counted more",
            )
        elif delta < 0:
            row = await repo.take_units(session, store_id, sku_id, -delta, exact_available=on_hand - reserved)
            if row is None:
                continue
            for piece in await ledger.consume(session, store_id, sku_id, -delta):
                ledger.write(
                    session,
                    MovementKind.STOCKTAKE,
                    store_id,
                    sku_id,
                    on_hand_delta=-piece.quantity,
                    quantity=piece.quantity,
                    batch_id=piece.batch_id,
                    ref_type="stocktake",
                    ref_id=ref_id,
                    actor=actor,
                    note="counted less",
                )
            await ledger.changed(session, store_id, sku_id, row, delta, now)
        if gap:
            detail = {"ref_type": "stocktake", "ref_id": ref_id, "counted": counted, "reserved": reserved}
            alert = StockAlert(
                store_id=store_id, sku_id=sku_id, kind="shortfall", quantity=gap, detail=detail
            )
            session.add(alert)
            await session.flush()
            emit(
                session,
                topic(store_id),
                "alert.shortfall",
                {"alert_id": alert.id, "sku_id": sku_id, **detail},
            )
        return on_hand, delta, gap
    raise InvalidState("Stock kept changing; try again.", detail={"store_id": store_id, "sku_id": sku_id})


async def check_ledger_invariant(session: AsyncSession, store_id: int | None = None) -> list[dict[str, Any]]:
    """Every (store, SKU) whose on_hand/reserved differ from the ledger sums, whose batches do not add
    up to on_hand, or that is negative; an empty list means the books balance."""
    await session.flush()
    return await repo.ledger_mismatches(session, store_id)
