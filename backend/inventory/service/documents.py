"""Stock documents: receipts (入库单) and issues (出库单) with approval, and transfers between stores
(调拨单). Clerks draft, scan and ship/receive; store managers approve and
post; HQ may do everything. State changes are conditional updates, so a replay or a race changes
nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory import schemas
from backend.inventory.errors import (
    DocumentNotFound,
    DocumentState,
    TransferNotFound,
    UnknownSku,
)
from backend.inventory.models import (
    MovementKind,
    StockDocument,
    StockDocumentLine,
    Transfer,
    TransferLine,
)
from backend.inventory.service import ledger, stock
from backend.stores.models import Store

WRITERS = (StaffRole.CLERK, StaffRole.STORE_MANAGER, StaffRole.FRANCHISEE_ADMIN)
APPROVERS = (StaffRole.STORE_MANAGER, StaffRole.FRANCHISEE_ADMIN)


async def check_skus(session: AsyncSession, sku_ids: list[int]) -> None:
    known = await repo.skus_by_ids(session, sku_ids)
    missing = sorted(set(sku_ids) - set(known))
    if missing:
        raise UnknownSku(detail={"sku_ids": missing})


async def check_store(session: AsyncSession, store_id: int) -> None:
    if await session.get(Store, store_id) is None:
        raise ValidationFailed("Unknown store.", detail={"store_id": store_id})


async def transition(
    session: AsyncSession, model: Any, obj: Any, from_states: tuple[str, ...], to: str, **values: Any
) -> bool:
    """Move obj to ``to`` if it is in one of ``from_states``; False when it is already there (a replay)."""
    if obj.status == to:
        return False
    if obj.status in from_states and await repo.move_state(session, model, obj.id, from_states, to, **values):
        await session.refresh(obj)
        return True
    await session.refresh(obj)
    if obj.status == to:
        return False
    raise DocumentState(detail={"status": obj.status, "needs": list(from_states), "to": to})


# --- receipts and issues ---


async def document_out(session: AsyncSession, doc: StockDocument) -> schemas.Document:
    out = schemas.Document.model_validate(doc)
    out.lines = [
        schemas.DocumentLine.model_validate(line) for line in await repo.document_lines(session, doc.id)
    ]
    return out


async def get_document(session: AsyncSession, actor: Principal, doc_id: int) -> StockDocument:
    doc = await repo.get_document(session, doc_id, actor.store_ids)
    if doc is None:
        raise DocumentNotFound(detail={"id": doc_id})
    return doc


async def create_document(
    session: AsyncSession, actor: Principal, body: schemas.DocumentCreate, client_id: str | None
) -> StockDocument:
    actor.require_role(*WRITERS)
    actor.require_store(body.store_id)
    if client_id and (doc := await repo.document_by_client_id(session, client_id)):
        actor.require_store(doc.store_id)
        return doc
    await check_store(session, body.store_id)
    await check_skus(session, [line.sku_id for line in body.lines])
    doc = StockDocument(
        kind=body.kind,
        store_id=body.store_id,
        status="draft",
        reason=body.reason,
        supplier=body.supplier,
        note=body.note,
        client_id=client_id,
        created_by=actor.id,
    )
    session.add(doc)
    await session.flush()
    session.add_all(StockDocumentLine(document_id=doc.id, **line.model_dump()) for line in body.lines)
    await session.flush()
    audit.record(
        session,
        actor,
        f"{doc.kind}.create",
        "stock_document",
        doc.id,
        after={"lines": len(body.lines)},
        store_id=doc.store_id,
    )
    _doc_event(session, doc)
    return doc


def _doc_event(session: AsyncSession, doc: StockDocument) -> None:
    emit(
        session,
        ledger.topic(doc.store_id),
        f"{doc.kind}.{doc.status}",
        {"document_id": doc.id, "status": doc.status},
    )


async def document_action(session: AsyncSession, actor: Principal, doc_id: int, action: str) -> StockDocument:
    doc = await get_document(session, actor, doc_id)
    actor.require_store(doc.store_id)
    now = utcnow()
    if action == "submit":
        actor.require_role(*WRITERS)
        changed = await transition(
            session, StockDocument, doc, ("draft",), "submitted", submitted_by=actor.id
        )
    elif action == "approve":
        actor.require_role(*APPROVERS)
        changed = await transition(
            session, StockDocument, doc, ("submitted",), "approved", approved_by=actor.id
        )
    elif action == "cancel":
        actor.require_role(*WRITERS)
        changed = await transition(
            session, StockDocument, doc, ("draft", "submitted", "approved"), "cancelled"
        )
    elif action == "post":
        actor.require_role(*APPROVERS)
        changed = await transition(
            session, StockDocument, doc, ("approved",), "posted", posted_by=actor.id, posted_at=now
        )
        if changed:
            await _post_document(session, actor, doc)
    else:
        raise ValidationFailed("Unknown action.", detail={"action": action})
    if changed:
        audit.record(
            session,
            actor,
            f"{doc.kind}.{action}",
            "stock_document",
            doc.id,
            after={"status": doc.status},
            store_id=doc.store_id,
        )
        _doc_event(session, doc)
    return doc


async def _post_document(session: AsyncSession, actor: Principal, doc: StockDocument) -> None:
    lines = await repo.document_lines(session, doc.id)
    if doc.kind == "receipt":
        for line in sorted(lines, key=lambda x: x.sku_id):
            await stock.receive(
                session,
                doc.store_id,
                line.sku_id,
                line.quantity,
                ref_type="receipt",
                ref_id=str(doc.id),
                actor=actor,
                batch_no=line.batch_no,
                expires_on=line.expires_on,
            )
    else:
        await stock.take_lines(
            session,
            doc.store_id,
            [(line.sku_id, line.quantity) for line in lines],
            MovementKind.ISSUE,
            ref_type="issue",
            ref_id=str(doc.id),
            actor=actor,
            note=doc.reason,
        )


# --- transfers ---


async def transfer_out(session: AsyncSession, transfer: Transfer) -> schemas.Transfer:
    out = schemas.Transfer.model_validate(transfer)
    out.lines = [
        schemas.TransferLine.model_validate(line) for line in await repo.transfer_lines(session, transfer.id)
    ]
    return out


async def get_transfer(session: AsyncSession, actor: Principal, transfer_id: int) -> Transfer:
    transfer = await repo.get_transfer(session, transfer_id, actor.store_ids)
    if transfer is None:
        raise TransferNotFound(detail={"id": transfer_id})
    return transfer


def _transfer_event(session: AsyncSession, transfer: Transfer) -> None:
    payload = {
        "transfer_id": transfer.id,
        "status": transfer.status,
        "from_store_id": transfer.from_store_id,
        "to_store_id": transfer.to_store_id,
    }
    for store_id in (transfer.from_store_id, transfer.to_store_id):
        emit(session, ledger.topic(store_id), f"transfer.{transfer.status}", payload)


async def create_transfer(
    session: AsyncSession, actor: Principal, body: schemas.TransferCreate, client_id: str | None
) -> Transfer:
    actor.require_role(*WRITERS)
    if not (actor.can_act_for(body.from_store_id) or actor.can_act_for(body.to_store_id)):
        actor.require_store(body.from_store_id)
    if client_id and (found := await repo.transfer_by_client_id(session, client_id)):
        return await get_transfer(session, actor, found.id)
    await check_store(session, body.from_store_id)
    await check_store(session, body.to_store_id)
    await check_skus(session, [line.sku_id for line in body.lines])
    transfer = Transfer(
        from_store_id=body.from_store_id,
        to_store_id=body.to_store_id,
        status="requested",
        note=body.note,
        client_id=client_id,
        requested_by=actor.id,
    )
    session.add(transfer)
    await session.flush()
    session.add_all(
        TransferLine(transfer_id=transfer.id, sku_id=line.sku_id, quantity=line.quantity, batches=[])
        for line in body.lines
    )
    await session.flush()
    audit.record(
        session,
        actor,
        "transfer.request",
        "transfer",
        transfer.id,
        after={"from": body.from_store_id, "to": body.to_store_id},
        store_id=body.from_store_id,
    )
    _transfer_event(session, transfer)
    return transfer


async def transfer_action(
    session: AsyncSession,
    actor: Principal,
    transfer_id: int,
    action: str,
    receipt: schemas.TransferReceive | None = None,
) -> Transfer:
    transfer = await get_transfer(session, actor, transfer_id)
    now = utcnow()
    if action == "approve":
        actor.require_role(*APPROVERS)
        actor.require_store(transfer.from_store_id)
        changed = await transition(
            session, Transfer, transfer, ("requested",), "approved", approved_by=actor.id
        )
    elif action == "cancel":
        actor.require_role(*WRITERS)
        changed = await transition(session, Transfer, transfer, ("requested", "approved"), "cancelled")
    elif action == "ship":
        actor.require_role(*WRITERS)
        actor.require_store(transfer.from_store_id)
        changed = await transition(
            session, Transfer, transfer, ("approved",), "shipped", shipped_by=actor.id, shipped_at=now
        )
        if changed:
            await _ship(session, actor, transfer)
    elif action == "receive":
        actor.require_role(*WRITERS)
        actor.require_store(transfer.to_store_id)
        receipt = receipt or schemas.TransferReceive()
        if transfer.status == "shipped":
            await _check_receipt(session, transfer, receipt)
        changed = await transition(
            session,
            Transfer,
            transfer,
            ("shipped",),
            "received",
            received_by=actor.id,
            received_at=now,
            receive_note=receipt.note,
        )
        if changed:
            await _receive(session, actor, transfer, receipt)
    else:
        raise ValidationFailed("Unknown action.", detail={"action": action})
    if changed:
        audit.record(
            session,
            actor,
            f"transfer.{action}",
            "transfer",
            transfer.id,
            after={"status": transfer.status},
            store_id=transfer.from_store_id,
        )
        _transfer_event(session, transfer)
    return transfer


async def _ship(session: AsyncSession, actor: Principal, transfer: Transfer) -> None:
    lines = await repo.transfer_lines(session, transfer.id)
    taken = await stock.take_lines(
        session,
        transfer.from_store_id,
        [(line.sku_id, line.quantity) for line in lines],
        MovementKind.TRANSFER_OUT,
        ref_type="transfer",
        ref_id=str(transfer.id),
        actor=actor,
        note=f"to store {transfer.to_store_id}",
    )
    for line in lines:
        line.shipped_qty = line.quantity
        line.batches = [
            {
                "batch_no": p.batch_no,
                "expires_on": p.expires_on.isoformat() if p.expires_on else None,
                "quantity": p.quantity,
            }
            for p in taken[line.sku_id]
        ]
    await session.flush()


async def _check_receipt(session: AsyncSession, transfer: Transfer, receipt: schemas.TransferReceive) -> None:
    shipped = {line.sku_id: line.shipped_qty for line in await repo.transfer_lines(session, transfer.id)}
    for line in receipt.lines:
        if line.sku_id not in shipped:
            raise ValidationFailed(
                "This SKU was not shipped on the transfer.", detail={"sku_id": line.sku_id}
            )
        if line.received > shipped[line.sku_id]:
            raise ValidationFailed(
                "More received than shipped.", detail={"sku_id": line.sku_id, "shipped": shipped[line.sku_id]}
            )
        if line.received < shipped[line.sku_id] and not line.reason:
            raise ValidationFailed(
                "Explain the difference of a short receipt.", detail={"sku_id": line.sku_id}
            )


async def _receive(
    session: AsyncSession, actor: Principal, transfer: Transfer, receipt: schemas.TransferReceive
) -> None:
    given = {line.sku_id: line for line in receipt.lines}
    for line in await repo.transfer_lines(session, transfer.id):
        got = given.get(line.sku_id)
        received = line.shipped_qty if got is None else got.received
        line.received_qty = received
        if got is not None and received < line.shipped_qty:
            line.short_reason = got.reason
        remaining = received
        for batch in line.batches:
            qty = min(batch["quantity"], remaining)
            if qty <= 0:
                break
            expires = date.fromisoformat(batch["expires_on"]) if batch["expires_on"] else None
            await stock.receive(
                session,
                transfer.to_store_id,
                line.sku_id,
                qty,
                ref_type="transfer",
                ref_id=str(transfer.id),
                actor=actor,
                batch_no=batch["batch_no"],
                expires_on=expires,
                kind=MovementKind.TRANSFER_IN,
                note=f"from store {transfer.from_store_id}",
            )
            remaining -= qty
    await session.flush()
