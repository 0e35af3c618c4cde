from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, status

from backend.auth.deps import CurrentHQ, CurrentStaff
from backend.core.db import DbSession
from backend.core.schemas import Page
from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory import schemas
from backend.inventory.models import MovementKind, ReservationStatus
from backend.inventory.service import alerts, documents, stock, stocktakes

router = APIRouter(prefix="/inventory", tags=["inventory"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=64, min_length=1)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]
Limit = Annotated[int, Query(ge=1, le=500)]
KINDS = "^(" + "|".join(k.value for k in MovementKind) + ")$"
RES_STATUSES = "^(" + "|".join(s.value for s in ReservationStatus) + ")$"


# --- stock ---


@router.get("/stores/{store_id}/stock", response_model=Page[schemas.StockRow])
async def store_stock(
    store_id: int,
    principal: CurrentStaff,
    session: DbSession,
    sku_ids: Annotated[list[int], Query(max_length=200)] = [],  # noqa: B006
    q: Annotated[str | None, Query(min_length=1, max_length=60)] = None,
    low_only: bool = False,
    in_stock_only: bool = False,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> Page[schemas.StockRow]:
    """Stock of one store with product names, by SKU, name, low stock or in stock."""
    principal.require_store(store_id)
    rows, total = await repo.list_stock(
        session,
        store_id,
        sku_ids=sku_ids,
        q=q,
        low_only=low_only,
        in_stock_only=in_stock_only,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    items = [
        schemas.StockRow(
            **alerts.stock_out(s).model_dump(),
            sku_code=sku.code,
            product_id=p.id,
            name_zh=p.name_zh,
            name_en=p.name_en,
            shelf_location=sku.shelf_location,
            low=s.reorder_point > 0 and s.on_hand - s.reserved <= s.reorder_point,
        )
        for s, sku, p in rows
    ]
    return Page(items=items, total=total, page=page, page_size=page_size)


@router.get("/skus/{sku_id}/stock", response_model=list[schemas.Stock])
async def sku_stock(sku_id: int, principal: CurrentStaff, session: DbSession) -> list[schemas.Stock]:
    """One SKU's stock in every store the caller may see (all stores for HQ)."""
    return [alerts.stock_out(s) for s in await repo.stock_across_stores(session, sku_id, principal.store_ids)]


@router.patch("/stores/{store_id}/stock/{sku_id}", response_model=schemas.Stock)
async def update_levels(
    store_id: int, sku_id: int, body: schemas.StockUpdate, principal: CurrentStaff, session: DbSession
) -> schemas.Stock:
    """Set a SKU's safety stock and reorder point at a store (store manager or HQ)."""
    principal.require_role(*documents.APPROVERS)
    return alerts.stock_out(await alerts.set_levels(session, principal, store_id, sku_id, body))


@router.post("/stores/{store_id}/stock/{sku_id}/adjustments", response_model=schemas.Stock)
async def adjust_stock(
    store_id: int,
    sku_id: int,
    body: schemas.AdjustmentCreate,
    principal: CurrentStaff,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> schemas.Stock:
    """Correct on_hand up or down with a reason (store manager or HQ); audited."""
    principal.require_role(*documents.APPROVERS)
    principal.require_store(store_id)
    await documents.check_store(session, store_id)
    await documents.check_skus(session, [sku_id])
    ref_id = idempotency_key or None
    if ref_id and await session.scalar(repo.adjustment_exists(store_id, sku_id, ref_id)):
        row = await repo.get_stock(session, store_id, sku_id)
    else:
        await stock.adjust(
            session,
            store_id,
            sku_id,
            body.delta,
            body.reason,
            principal,
            ref_id=ref_id,
            batch_no=body.batch_no,
            expires_on=body.expires_on,
        )
        row = await repo.get_stock(session, store_id, sku_id)
    assert row is not None
    return alerts.stock_out(row)


@router.get("/stores/{store_id}/movements", response_model=Page[schemas.Movement])
async def movements(
    store_id: int,
    principal: CurrentStaff,
    session: DbSession,
    sku_id: int | None = None,
    kind: Annotated[str | None, Query(pattern=KINDS)] = None,
    ref_type: Annotated[str | None, Query(max_length=30)] = None,
    ref_id: Annotated[str | None, Query(max_length=64)] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> Page[schemas.Movement]:
    """The stock ledger of a store, newest first."""
    principal.require_store(store_id)
    items, total = await repo.list_movements(
        session,
        store_id,
        sku_id=sku_id,
        kind=kind,
        ref_type=ref_type,
        ref_id=ref_id,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return Page(
        items=[schemas.Movement.model_validate(m) for m in items], total=total, page=page, page_size=page_size
    )


@router.get("/stores/{store_id}/batches", response_model=list[schemas.Batch])
async def batches(
    store_id: int,
    principal: CurrentStaff,
    session: DbSession,
    sku_id: int | None = None,
    expiring_within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    include_empty: bool = False,
) -> list[schemas.Batch]:
    """Batches of a store in first-expiring-first order, optionally only those expiring soon."""
    principal.require_store(store_id)
    before = None if expiring_within_days is None else utcnow().date() + timedelta(days=expiring_within_days)
    rows = await repo.list_batches(
        session, store_id, sku_id=sku_id, expiring_before=before, include_empty=include_empty
    )
    return [schemas.Batch.model_validate(b) for b in rows]


@router.get("/stores/{store_id}/reservations", response_model=Page[schemas.Reservation])
async def reservations(
    store_id: int,
    principal: CurrentStaff,
    session: DbSession,
    status_: Annotated[str | None, Query(alias="status", pattern=RES_STATUSES)] = None,
    sku_id: int | None = None,
    ref_type: Annotated[str | None, Query(max_length=30)] = None,
    ref_id: Annotated[str | None, Query(max_length=64)] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> Page[schemas.Reservation]:
    """Reservations held at a store, newest first."""
    principal.require_store(store_id)
    items, total = await repo.list_reservations(
        session,
        store_id,
        status=status_,
        sku_id=sku_id,
        ref_type=ref_type,
        ref_id=ref_id,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return Page(
        items=[schemas.Reservation.model_validate(r) for r in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/in-transit", response_model=list[schemas.InTransit])
async def in_transit(
    principal: CurrentStaff, session: DbSession, store_id: int | None = None, sku_id: int | None = None
) -> list[schemas.InTransit]:
    """Units shipped by transfer and not yet received, per destination store and SKU."""
    rows = await repo.in_transit(session, principal.store_ids, sku_id, store_id)
    return [schemas.InTransit(to_store_id=t, from_store_id=f, sku_id=k, quantity=q) for t, f, k, q in rows]


# --- alerts ---


@router.get("/alerts", response_model=list[schemas.Alert])
async def list_alerts(
    principal: CurrentStaff,
    session: DbSession,
    store_id: int | None = None,
    kind: Annotated[str | None, Query(pattern=r"^(low_stock|near_expiry|shortfall)$")] = None,
    status_: Annotated[str | None, Query(alias="status", pattern=r"^(open|acknowledged|resolved)$")] = "open",
    limit: Limit = 100,
) -> list[schemas.Alert]:
    """Low-stock, near-expiry and shortfall alerts of the caller's stores (open ones by default)."""
    if store_id is not None:
        principal.require_store(store_id)
    rows = await repo.list_alerts(
        session, principal.store_ids, store_id=store_id, kind=kind, status=status_, limit=limit
    )
    return [schemas.Alert.model_validate(a) for a in rows]


@router.post("/alerts/{alert_id}/acknowledge", response_model=schemas.Alert)
async def acknowledge_alert(alert_id: int, principal: CurrentStaff, session: DbSession) -> schemas.Alert:
    """Mark an alert as seen and handled."""
    return schemas.Alert.model_validate(await alerts.acknowledge(session, principal, alert_id))


@router.get("/expiry-windows", response_model=list[schemas.ExpiryWindow])
async def list_windows(principal: CurrentStaff, session: DbSession) -> list[schemas.ExpiryWindow]:
    """Near-expiry windows: the default and per category (a category without one uses its parent's)."""
    rows = await repo.expiry_windows(session)
    if not any(w.category_id is None for w in rows):
        default = schemas.ExpiryWindow(
            scope="default", category_id=None, days=alerts.DEFAULT_NEAR_EXPIRY_DAYS
        )
        return [default, *(schemas.ExpiryWindow.model_validate(w) for w in rows)]
    return [schemas.ExpiryWindow.model_validate(w) for w in rows]


@router.put("/expiry-windows", response_model=schemas.ExpiryWindow)
async def set_window(
    body: schemas.ExpiryWindowSet, principal: CurrentHQ, session: DbSession
) -> schemas.ExpiryWindow:
    """Set how many days before expiry a batch is near expiry, for a category or by default (HQ)."""
    return schemas.ExpiryWindow.model_validate(await alerts.set_window(session, principal, body))


# --- receipts and issues ---


@router.post("/documents", response_model=schemas.Document, status_code=status.HTTP_201_CREATED)
async def create_document(
    body: schemas.DocumentCreate,
    principal: CurrentStaff,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> schemas.Document:
    """Draft a receipt (入库单) or issue (出库单); a replayed Idempotency-Key returns the first one."""
    doc = await documents.create_document(session, principal, body, idempotency_key)
    return await documents.document_out(session, doc)


@router.get("/documents", response_model=list[schemas.Document])
async def list_documents(
    principal: CurrentStaff,
    session: DbSession,
    store_id: int | None = None,
    kind: Annotated[str | None, Query(pattern=r"^(receipt|issue)$")] = None,
    status_: Annotated[
        str | None, Query(alias="status", pattern=r"^(draft|submitted|approved|posted|cancelled)$")
    ] = None,
    limit: Limit = 100,
) -> list[schemas.Document]:
    """Receipts and issues of the caller's stores, newest first."""
    rows = await repo.list_documents(
        session, principal.store_ids, store_id=store_id, kind=kind, status=status_, limit=limit
    )
    return [schemas.Document.model_validate(d) for d in rows]


@router.get("/documents/{doc_id}", response_model=schemas.Document)
async def get_document(doc_id: int, principal: CurrentStaff, session: DbSession) -> schemas.Document:
    """One receipt or issue with its lines."""
    return await documents.document_out(session, await documents.get_document(session, principal, doc_id))


@router.post("/documents/{doc_id}/{action}", response_model=schemas.Document)
async def document_action(
    doc_id: int,
    action: Literal["submit", "approve", "post", "cancel"],
    principal: CurrentStaff,
    session: DbSession,
) -> schemas.Document:
    """submit (clerk), approve and post (store manager), or cancel a receipt or issue."""
    doc = await documents.document_action(session, principal, doc_id, action)
    return await documents.document_out(session, doc)


# --- transfers ---


@router.post("/transfers", response_model=schemas.Transfer, status_code=status.HTTP_201_CREATED)
async def create_transfer(
    body: schemas.TransferCreate,
    principal: CurrentStaff,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> schemas.Transfer:
    """Request a transfer (调拨单) between two stores; staff of either store (or HQ)."""
    return await documents.transfer_out(
        session, await documents.create_transfer(session, principal, body, idempotency_key)
    )


@router.get("/transfers", response_model=list[schemas.Transfer])
async def list_transfers(
    principal: CurrentStaff,
    session: DbSession,
    store_id: int | None = None,
    status_: Annotated[
        str | None, Query(alias="status", pattern=r"^(requested|approved|shipped|received|cancelled)$")
    ] = None,
    limit: Limit = 100,
) -> list[schemas.Transfer]:
    """Transfers from or to the caller's stores, newest first."""
    rows = await repo.list_transfers(
        session, principal.store_ids, store_id=store_id, status=status_, limit=limit
    )
    return [schemas.Transfer.model_validate(t) for t in rows]


@router.get("/transfers/{transfer_id}", response_model=schemas.Transfer)
async def get_transfer(transfer_id: int, principal: CurrentStaff, session: DbSession) -> schemas.Transfer:
    """One transfer with its lines and the batches shipped."""
    return await documents.transfer_out(
        session, await documents.get_transfer(session, principal, transfer_id)
    )


@router.post("/transfers/{transfer_id}/receive", response_model=schemas.Transfer)
async def receive_transfer(
    transfer_id: int, principal: CurrentStaff, session: DbSession, body: schemas.TransferReceive | None = None
) -> schemas.Transfer:
    """Receive a shipped transfer at the destination; short lines need a reason."""
    transfer = await documents.transfer_action(session, principal, transfer_id, "receive", body)
    return await documents.transfer_out(session, transfer)


@router.post("/transfers/{transfer_id}/{action}", response_model=schemas.Transfer)
async def transfer_action(
    transfer_id: int,
    action: Literal["approve", "ship", "cancel"],
    principal: CurrentStaff,
    session: DbSession,
) -> schemas.Transfer:
    """approve (source store manager), ship (source store: stock leaves), or cancel before shipping."""
    transfer = await documents.transfer_action(session, principal, transfer_id, action)
    return await documents.transfer_out(session, transfer)


# --- stocktakes ---


@router.post("/stocktakes", response_model=schemas.Stocktake, status_code=status.HTTP_201_CREATED)
async def create_stocktake(
    body: schemas.StocktakeCreate,
    principal: CurrentStaff,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> schemas.Stocktake:
    """Open a stocktake (盘点单) for a store, optionally limited to SKUs or a shelf zone."""
    take = await stocktakes.create_stocktake(session, principal, body, idempotency_key)
    return await stocktakes.stocktake_out(session, take)


@router.get("/stocktakes", response_model=list[schemas.Stocktake])
async def list_stocktakes(
    principal: CurrentStaff,
    session: DbSession,
    store_id: int | None = None,
    status_: Annotated[
        str | None, Query(alias="status", pattern=r"^(open|submitted|posted|cancelled)$")
    ] = None,
    limit: Limit = 100,
) -> list[schemas.Stocktake]:
    """Stocktakes of the caller's stores, newest first."""
    rows = await repo.list_stocktakes(
        session, principal.store_ids, store_id=store_id, status=status_, limit=limit
    )
    return [schemas.Stocktake.model_validate(t) for t in rows]


@router.get("/stocktakes/{stocktake_id}", response_model=schemas.Stocktake)
async def get_stocktake(stocktake_id: int, principal: CurrentStaff, session: DbSession) -> schemas.Stocktake:
    """One stocktake with its count lines."""
    return await stocktakes.stocktake_out(
        session, await stocktakes.get_stocktake(session, principal, stocktake_id)
    )


@router.post("/stocktakes/{stocktake_id}/scans", response_model=schemas.ScanResult)
async def scan(
    stocktake_id: int, body: schemas.ScanIn, principal: CurrentStaff, session: DbSession
) -> schemas.ScanResult:
    """Count units by barcode or SKU; scanning again adds, a replayed client_id counts once."""
    return await stocktakes.scan(session, principal, stocktake_id, body)


@router.get("/stocktakes/{stocktake_id}/variance", response_model=schemas.Variance)
async def variance(stocktake_id: int, principal: CurrentStaff, session: DbSession) -> schemas.Variance:
    """Expected against counted per SKU, with the variance valued at cost."""
    return await stocktakes.variance(session, principal, stocktake_id)


@router.post("/stocktakes/{stocktake_id}/{action}", response_model=schemas.Stocktake)
async def stocktake_action(
    stocktake_id: int,
    action: Literal["submit", "reopen", "post", "cancel"],
    principal: CurrentStaff,
    session: DbSession,
) -> schemas.Stocktake:
    """submit for review (clerk), reopen or post (store manager: adjusts counted SKUs), or cancel."""
    take = await stocktakes.stocktake_action(session, principal, stocktake_id, action)
    return await stocktakes.stocktake_out(session, take)
