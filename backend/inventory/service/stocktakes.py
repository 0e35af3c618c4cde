"""Stocktakes (盘点单): open for a store (optionally some SKUs or a shelf zone), count by scanning
barcodes (a replayed client id counts once), review the variance at cost, and a manager posts it,
bringing on_hand to the count for the counted SKUs only."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory import schemas
from backend.inventory.errors import DocumentState, OutOfScope, StocktakeNotFound, UnknownBarcode, UnknownSku
from backend.inventory.models import Stocktake, StocktakeScan
from backend.inventory.service import documents, ledger, stock


async def stocktake_out(session: AsyncSession, take: Stocktake) -> schemas.Stocktake:
    out = schemas.Stocktake.model_validate(take)
    out.lines = [
        schemas.StocktakeLine.model_validate(line) for line in await repo.stocktake_lines(session, take.id)
    ]
    return out


async def get_stocktake(session: AsyncSession, actor: Principal, stocktake_id: int) -> Stocktake:
    take = await repo.get_stocktake(session, stocktake_id, actor.store_ids)
    if take is None:
        raise StocktakeNotFound(detail={"id": stocktake_id})
    return take


def _take_event(session: AsyncSession, take: Stocktake) -> None:
    emit(
        session,
        ledger.topic(take.store_id),
        f"stocktake.{take.status}",
        {"stocktake_id": take.id, "status": take.status},
    )


async def create_stocktake(
    session: AsyncSession, actor: Principal, body: schemas.StocktakeCreate, client_id: str | None
) -> Stocktake:
    actor.require_role(*documents.WRITERS)
    actor.require_store(body.store_id)
    if client_id and (found := await repo.stocktake_by_client_id(session, client_id)):
        return await get_stocktake(session, actor, found.id)
    await documents.check_store(session, body.store_id)
    if body.sku_ids:
        await documents.check_skus(session, body.sku_ids)
    take = Stocktake(
        store_id=body.store_id,
        status="open",
        sku_ids=sorted(set(body.sku_ids)) if body.sku_ids else None,
        shelf_zone=body.shelf_zone,
        note=body.note,
        client_id=client_id,
        created_by=actor.id,
    )
    session.add(take)
    await session.flush()
    audit.record(session, actor, "stocktake.open", "stocktake", take.id, store_id=take.store_id)
    _take_event(session, take)
    return take


async def scan(
    session: AsyncSession, actor: Principal, stocktake_id: int, body: schemas.ScanIn
) -> schemas.ScanResult:
    """Count units by barcode (or SKU); scanning again adds; a replayed client_id counts once."""
    actor.require_role(*documents.WRITERS)
    take = await get_stocktake(session, actor, stocktake_id)
    actor.require_store(take.store_id)
    if body.client_id and (done := await repo.scan_by_client_id(session, take.id, body.client_id)):
        return await _scan_result(session, take.id, done.sku_id, replayed=True)
    if take.status != "open":
        raise DocumentState("Counting is closed for this stocktake.", detail={"status": take.status})
    if body.barcode is not None:
        sku = await repo.sku_by_barcode(session, body.barcode)
        if sku is None:
            raise UnknownBarcode(detail={"barcode": body.barcode})
    else:
        sku = (await repo.skus_by_ids(session, [body.sku_id or 0])).get(body.sku_id or 0)
        if sku is None:
            raise UnknownSku(detail={"sku_id": body.sku_id})
    if take.sku_ids is not None and sku.id not in take.sku_ids:
        raise OutOfScope(detail={"sku_id": sku.id})
    if take.shelf_zone and not (sku.shelf_location or "").startswith(take.shelf_zone):
        raise OutOfScope(
            detail={"sku_id": sku.id, "shelf_zone": take.shelf_zone, "shelf_location": sku.shelf_location}
        )
    try:
        async with session.begin_nested():
            session.add(
                StocktakeScan(
                    stocktake_id=take.id,
                    sku_id=sku.id,
                    barcode=body.barcode,
                    quantity=body.quantity,
                    client_id=body.client_id,
                    actor_id=actor.id,
                )
            )
            await session.flush()
    except IntegrityError:
        return await _scan_result(session, take.id, sku.id, replayed=True)
    counted = await repo.add_count(session, take.id, sku.id, body.quantity)
    return schemas.ScanResult(sku_id=sku.id, counted=counted, replayed=False)


async def _scan_result(
    session: AsyncSession, stocktake_id: int, sku_id: int, replayed: bool
) -> schemas.ScanResult:
    counted = next(
        (line.counted for line in await repo.stocktake_lines(session, stocktake_id) if line.sku_id == sku_id),
        0,
    )
    return schemas.ScanResult(sku_id=sku_id, counted=counted, replayed=replayed)


async def variance(session: AsyncSession, actor: Principal, stocktake_id: int) -> schemas.Variance:
    """Expected (the books now, or at posting) against counted, valued at cost."""
    take = await get_stocktake(session, actor, stocktake_id)
    lines = await repo.stocktake_lines(session, take.id)
    sku_ids = [line.sku_id for line in lines]
    skus = await repo.skus_by_ids(session, sku_ids)
    levels = await repo.stock_levels(session, take.store_id, sku_ids)
    out: list[schemas.VarianceLine] = []
    for line in lines:
        expected = line.expected if line.expected is not None else levels.get(line.sku_id, (0, 0))[0]
        diff = line.counted - expected
        cost = skus[line.sku_id].cost_price
        out.append(
            schemas.VarianceLine(
                sku_id=line.sku_id,
                sku_code=skus[line.sku_id].code,
                expected=expected,
                counted=line.counted,
                variance=diff,
                unit_cost=cost,
                variance_value=diff * (cost or 0),
            )
        )
    over = [v for v in out if v.variance > 0]
    short = [v for v in out if v.variance < 0]
    counted_ids = set(sku_ids)
    return schemas.Variance(
        stocktake_id=take.id,
        status=take.status,
        lines=out,
        units_over=sum(v.variance for v in over),
        units_short=-sum(v.variance for v in short),
        value_over=sum(v.variance_value for v in over),
        value_short=-sum(v.variance_value for v in short),
        value_net=sum(v.variance_value for v in out),
        uncounted_sku_ids=[k for k in (take.sku_ids or []) if k not in counted_ids],
    )


async def stocktake_action(
    session: AsyncSession, actor: Principal, stocktake_id: int, action: str
) -> Stocktake:
    take = await get_stocktake(session, actor, stocktake_id)
    actor.require_store(take.store_id)
    if action == "submit":
        actor.require_role(*documents.WRITERS)
        changed = await documents.transition(
            session, Stocktake, take, ("open",), "submitted", submitted_by=actor.id
        )
    elif action == "reopen":
        actor.require_role(*documents.APPROVERS)
        changed = await documents.transition(session, Stocktake, take, ("submitted",), "open")
    elif action == "cancel":
        actor.require_role(*documents.WRITERS)
        changed = await documents.transition(session, Stocktake, take, ("open", "submitted"), "cancelled")
    elif action == "post":
        actor.require_role(*documents.APPROVERS)
        changed = await documents.transition(
            session, Stocktake, take, ("submitted",), "posted", posted_by=actor.id, posted_at=utcnow()
        )
        if changed:
            await post_counts(session, actor, take)
    else:
        raise ValidationFailed("Unknown action.", detail={"action": action})
    if changed:
        audit.record(
            session,
            actor,
            f"stocktake.{action}",
            "stocktake",
            take.id,
            after={"status": take.status},
            store_id=take.store_id,
        )
        _take_event(session, take)
    return take


async def post_counts(session: AsyncSession, actor: Any, take: Stocktake) -> None:
    """Bring on_hand to the counted figure for every counted SKU (only those) as stocktake ledger rows."""
    for line in await repo.stocktake_lines(session, take.id):
        expected, delta, _gap = await stock.count_to(
            session, take.store_id, line.sku_id, line.counted, ref_id=str(take.id), actor=actor
        )
        line.expected = expected
        line.adjusted = delta
        if delta:
            audit.record(
                session,
                actor,
                "stock.stocktake",
                "stock",
                f"{take.store_id}:{line.sku_id}",
                before={"on_hand": expected},
                after={"on_hand": expected + delta, "counted": line.counted},
                store_id=take.store_id,
            )
    await session.flush()
