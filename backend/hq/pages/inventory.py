"""库存: the global stock picture and the documents waiting for a decision (transfers, stocktakes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.auth.principal import Principal
from backend.catalog.models import Product, Sku
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Table, nav, table_page
from backend.intelligence import service as intelligence
from backend.intelligence.models import ReplenishmentSuggestion, TransferSuggestion
from backend.intelligence.schemas import DraftCreate
from backend.inventory.models import (
    Stock,
    StockDocument,
    StockDocumentLine,
    Stocktake,
    Transfer,
    TransferLine,
)
from backend.inventory.service import documents, stocktakes
from backend.stores.models import Store

router = APIRouter()
nav("inventory", "库存", "/hq/inventory")


async def stock_picture(session: AsyncSession, principal: Principal, limit: int) -> list[dict[str, Any]]:
    """Every SKU's stock across the stores the user sees: on hand, reserved, available, stores out."""
    available = Stock.on_hand - Stock.reserved
    query = (
        select(
            Sku.code,
            Product.name_zh,
            Sku.specs,
            func.sum(Stock.on_hand),
            func.sum(Stock.reserved),
            func.sum(available),
            func.count(),
            func.sum(Stock.on_hand * func.coalesce(Sku.cost_price, 0)),
        )
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .group_by(Sku.id, Sku.code, Product.name_zh, Sku.specs)
        .order_by(Sku.code)
        .limit(limit)
    )
    out_by_code = {
        code: n
        for code, n in (
            await session.execute(
                scoped(
                    select(Sku.code, func.count())
                    .join(Stock, Stock.sku_id == Sku.id)
                    .where(available <= 0)
                    .group_by(Sku.code),
                    Stock.store_id,
                    principal.store_ids,
                )
            )
        ).all()
    }
    rows = await session.execute(scoped(query, Stock.store_id, principal.store_ids))
    return [
        {
            "sku": code,
            "name": name + (" " + " ".join(str(v) for v in specs.values()) if specs else ""),
            "on_hand": on_hand,
            "reserved": reserved,
            "available": avail,
            "stores": stores,
            "stores_out": out_by_code.get(code, 0),
            "value": value,
        }
        for code, name, specs, on_hand, reserved, avail, stores, value in rows.all()
    ]


async def pending_transfers(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    source, target = aliased(Store), aliased(Store)
    query = (
        select(
            Transfer.id,
            Transfer.status,
            source.name_zh,
            target.name_zh,
            Transfer.note,
            Transfer.created_at,
            func.count(TransferLine.id),
            func.coalesce(func.sum(TransferLine.quantity), 0),
        )
        .join(source, source.id == Transfer.from_store_id)
        .join(target, target.id == Transfer.to_store_id)
        .outerjoin(TransferLine, TransferLine.transfer_id == Transfer.id)
        .where(Transfer.status.in_(("requested", "approved", "shipped")))
        .group_by(
            Transfer.id, Transfer.status, source.name_zh, target.name_zh, Transfer.note, Transfer.created_at
        )
        .order_by(Transfer.created_at)
    )
    if principal.store_ids is not None:
        query = query.where(
            Transfer.from_store_id.in_(principal.store_ids) | Transfer.to_store_id.in_(principal.store_ids)
        )
    return [
        {
            "id": tid,
            "status": {"requested": "待审批", "approved": "待发货", "shipped": "在途"}[status],
            "requested": status == "requested",
            "from": src,
            "to": dst,
            "note": note or "",
            "created_at": created,
            "lines": lines,
            "units": units,
        }
        for tid, status, src, dst, note, created, lines, units in (await session.execute(query)).all()
    ]


async def pending_stocktakes(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    query = (
        select(Stocktake.id, Store.name_zh, Stocktake.shelf_zone, Stocktake.note, Stocktake.created_at)
        .join(Store, Store.id == Stocktake.store_id)
        .where(Stocktake.status == "submitted")
        .order_by(Stocktake.created_at)
    )
    return [
        {"id": i, "store": s, "zone": z or "全店", "note": n or "", "created_at": c}
        for i, s, z, n, c in (
            await session.execute(scoped(query, Stocktake.store_id, principal.store_ids))
        ).all()
    ]


async def transfer_suggestions(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """Smart-transfer suggestions the user can act on (their stores send the stock)."""
    source, target = aliased(Store), aliased(Store)
    query = (
        select(TransferSuggestion, Sku.code, Product.name_zh, source.name_zh, target.name_zh)
        .join(Sku, Sku.id == TransferSuggestion.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(source, source.id == TransferSuggestion.from_store_id)
        .join(target, target.id == TransferSuggestion.to_store_id)
        .order_by(TransferSuggestion.benefit.desc())
    )
    query = scoped(query, TransferSuggestion.from_store_id, principal.store_ids)
    return [
        {
            "id": s.id,
            "sku": code,
            "name": name,
            "from": src,
            "to": dst,
            "quantity": s.quantity,
            "benefit": s.benefit,
            "cost": s.cost,
            "net": s.benefit - s.cost,
            "why": "临期" if s.reason.startswith("临期") else "富余",
            "computed_at": s.computed_at,
        }
        for s, code, name, src, dst in (await session.execute(query)).all()
    ]


async def replenishment(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """Open replenishment suggestions (not yet on a draft), one row per store."""
    query = (
        select(
            Store.id,
            Store.name_zh,
            func.count(),
            func.sum(ReplenishmentSuggestion.quantity),
            func.sum(ReplenishmentSuggestion.quantity * func.coalesce(Sku.cost_price, 0)),
            func.max(ReplenishmentSuggestion.computed_at),
        )
        .join(Store, Store.id == ReplenishmentSuggestion.store_id)
        .join(Sku, Sku.id == ReplenishmentSuggestion.sku_id)
        .where(ReplenishmentSuggestion.quantity > 0, ReplenishmentSuggestion.document_id.is_(None))
        .group_by(Store.id, Store.name_zh)
        .order_by(Store.name_zh)
    )
    return [
        {"store_id": i, "store": name, "lines": lines, "units": units, "value": value, "computed_at": at}
        for i, name, lines, units, value, at in (
            await session.execute(scoped(query, ReplenishmentSuggestion.store_id, principal.store_ids))
        ).all()
    ]


async def receipt_drafts(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """Receipt documents (orders to the supplier or DC) waiting for a decision."""
    query = (
        select(
            StockDocument.id,
            StockDocument.status,
            Store.name_zh,
            StockDocument.supplier,
            StockDocument.note,
            StockDocument.created_at,
            func.count(StockDocumentLine.id),
            func.coalesce(func.sum(StockDocumentLine.quantity), 0),
        )
        .join(Store, Store.id == StockDocument.store_id)
        .outerjoin(StockDocumentLine, StockDocumentLine.document_id == StockDocument.id)
        .where(StockDocument.kind == "receipt", StockDocument.status.in_(("draft", "submitted")))
        .group_by(
            StockDocument.id,
            StockDocument.status,
            Store.name_zh,
            StockDocument.supplier,
            StockDocument.note,
            StockDocument.created_at,
        )
        .order_by(StockDocument.created_at)
    )
    return [
        {
            "id": i,
            "status": {"draft": "草稿", "submitted": "待审批"}[status],
            "store": store,
            "supplier": supplier or "",
            "source": "智能补货" if (note or "").startswith("智能补货") else "门店录入",
            "lines": lines,
            "units": units,
            "created_at": created,
        }
        for i, status, store, supplier, note, created, lines, units in (
            await session.execute(scoped(query, StockDocument.store_id, principal.store_ids))
        ).all()
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 50_000 if request.url.path.endswith(".csv") else 500
    picture = await stock_picture(session, principal, limit)
    transfers = Table(
        "transfers",
        "调拨单（待审批 / 待发货 / 在途）",
        [
            Column("id", "单号"),
            Column("status", "状态"),
            Column("from", "调出门店"),
            Column("to", "调入门店"),
            Column("lines", "品种", "count"),
            Column("units", "件数", "count"),
            Column("note", "备注", "muted"),
            Column("created_at", "申请时间", "time"),
        ],
        await pending_transfers(session, principal),
        actions=[
            Action("批准", "/hq/inventory/transfers/{id}/approve", when="requested"),
            Action("驳回", "/hq/inventory/transfers/{id}/cancel", "secondary", when="requested"),
        ],
        empty="没有待处理的调拨单",
    )
    takes = Table(
        "stocktakes",
        "盘点单（待复核过账）",
        [
            Column("id", "单号"),
            Column("store", "门店"),
            Column("zone", "范围"),
            Column("note", "备注", "muted"),
            Column("created_at", "创建时间", "time"),
        ],
        await pending_stocktakes(session, principal),
        actions=[
            Action("过账", "/hq/inventory/stocktakes/{id}/post"),
            Action("退回重盘", "/hq/inventory/stocktakes/{id}/reopen", "secondary"),
        ],
        empty="没有待复核的盘点单",
    )
    stock = Table(
        "stock",
        "全局库存（按 SKU，汇总可见门店与仓库）",
        [
            Column("sku", "SKU"),
            Column("name", "商品"),
            Column("on_hand", "在库", "count"),
            Column("reserved", "已预占", "count"),
            Column("available", "可售", "count"),
            Column("stores", "门店数", "count"),
            Column("stores_out", "缺货门店", "count"),
            Column("value", "库存金额（成本）", "money"),
        ],
        picture,
        note=None if len(picture) < limit else f"仅显示前 {limit} 个 SKU，导出 CSV 查看全部。",
    )
    suggestions = Table(
        "transfer_suggestions",
        "智能调拨建议（批准即生成调拨单）",
        [
            Column("sku", "SKU"),
            Column("name", "商品"),
            Column("from", "调出门店"),
            Column("to", "调入门店"),
            Column("quantity", "件数", "count"),
            Column("why", "原因"),
            Column("benefit", "收益", "money"),
            Column("cost", "调拨成本", "money"),
            Column("net", "净收益", "money"),
            Column("computed_at", "计算时间", "time"),
        ],
        await transfer_suggestions(session, principal),
        actions=[
            Action("批准调拨", "/hq/inventory/transfer-suggestions/{id}/approve"),
            Action("忽略", "/hq/inventory/transfer-suggestions/{id}/dismiss", "secondary"),
        ],
        empty="暂无调拨建议（由 intelligence.plan_stock 任务计算）",
    )
    to_order = Table(
        "replenishment",
        "补货建议（按门店）",
        [
            Column("store", "门店"),
            Column("lines", "品种", "count"),
            Column("units", "建议件数", "count"),
            Column("value", "金额（成本）", "money"),
            Column("computed_at", "计算时间", "time"),
        ],
        await replenishment(session, principal),
        actions=[Action("生成补货单", "/hq/inventory/replenishment/{store_id}/draft")],
        empty="暂无待下单的补货建议",
    )
    drafts = Table(
        "receipt_drafts",
        "补货单（待审批）",
        [
            Column("id", "单号"),
            Column("status", "状态"),
            Column("store", "门店"),
            Column("source", "来源"),
            Column("supplier", "供应商"),
            Column("lines", "品种", "count"),
            Column("units", "件数", "count"),
            Column("created_at", "创建时间", "time"),
        ],
        await receipt_drafts(session, principal),
        actions=[
            Action("批准", "/hq/inventory/receipts/{id}/approve"),
            Action("驳回", "/hq/inventory/receipts/{id}/reject", "secondary"),
        ],
        empty="没有待审批的补货单",
    )
    return {"tables": [transfers, takes, suggestions, to_order, drafts, stock]}


table_page(router, "/inventory", "inventory", "库存", build)


@router.post("/inventory/transfers/{transfer_id}/{action}")
async def transfer_action(
    request: Request,
    principal: HQUser,
    session: DbSession,
    transfer_id: int,
    action: str,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if action not in ("approve", "cancel"):
        action = "invalid"
    await documents.transfer_action(session, principal, transfer_id, action)
    done = "已批准" if action == "approve" else "已驳回"
    return RedirectResponse(f"/hq/inventory?flash=调拨单 {transfer_id} {done}", status_code=303)


@router.post("/inventory/stocktakes/{stocktake_id}/{action}")
async def stocktake_action(
    request: Request,
    principal: HQUser,
    session: DbSession,
    stocktake_id: int,
    action: str,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if action not in ("post", "reopen"):
        action = "invalid"
    await stocktakes.stocktake_action(session, principal, stocktake_id, action)
    done = "已过账" if action == "post" else "已退回"
    return RedirectResponse(f"/hq/inventory?flash=盘点单 {stocktake_id} {done}", status_code=303)


@router.post("/inventory/transfer-suggestions/{suggestion_id}/{action}")
async def transfer_suggestion_action(
    request: Request,
    principal: HQUser,
    session: DbSession,
    suggestion_id: int,
    action: str,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if action == "approve":
        transfer = await intelligence.approve_transfer_suggestion(session, principal, suggestion_id)
        return RedirectResponse(f"/hq/inventory?flash=已生成调拨单 {transfer.id}", status_code=303)
    if action != "dismiss":
        raise ValidationFailed("Unknown action.", detail={"action": action})
    await intelligence.dismiss_transfer_suggestion(session, principal, suggestion_id)
    return RedirectResponse("/hq/inventory?flash=已忽略调拨建议", status_code=303)


@router.post("/inventory/replenishment/{store_id}/draft")
async def replenishment_draft(
    request: Request, principal: HQUser, session: DbSession, store_id: int, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    principal.require_store(store_id)
    draft = await intelligence.create_draft(session, principal, DraftCreate(store_id=store_id))
    return RedirectResponse(f"/hq/inventory?flash=已生成补货单 {draft.document_id}", status_code=303)


@router.post("/inventory/receipts/{document_id}/{decision}")
async def receipt_decision(
    request: Request,
    principal: HQUser,
    session: DbSession,
    document_id: int,
    decision: str,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Approve an order draft (submitted and approved in one step) or reject it (cancelled)."""
    check_csrf(request, csrf)
    if decision == "approve":
        doc = await documents.get_document(session, principal, document_id)
        if doc.status == "draft":
            await documents.document_action(session, principal, document_id, "submit")
        await documents.document_action(session, principal, document_id, "approve")
        done = "已批准"
    elif decision == "reject":
        await documents.document_action(session, principal, document_id, "cancel")
        done = "已驳回"
    else:
        raise ValidationFailed("Unknown decision.", detail={"decision": decision})
    return RedirectResponse(f"/hq/inventory?flash=补货单 {document_id} {done}", status_code=303)
