"""智能定价: regional price and near-expiry markdown suggestions with their reasons; HQ approves (the price
applies at once through a scheduled price change) or rejects them. A franchisee sees their stores' ones."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog.models import Product, Sku
from backend.core.db import DbSession
from backend.core.errors import BadRequest, Forbidden, RetailError
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Table, nav, table_page
from backend.hq.web import Form as PageForm
from backend.intelligence import pricing_service
from backend.intelligence import repository as repo
from backend.stores.models import Region, Store

router = APIRouter()
nav("intelligence", "智能定价", "/hq/pricing-suggestions")

KIND_ZH = {"regional": "区域调价", "markdown": "临期降价"}
STATUS_ZH = {"pending": "待审批", "approved": "已批准", "rejected": "已拒绝"}


async def rows(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    found = await repo.price_suggestions(session, principal.store_ids, limit=300)
    sku_ids = {s.sku_id for s in found}
    names = dict(
        (
            await session.execute(
                select(Sku.id, Product.name_zh + " " + Sku.code)
                .join(Product, Product.id == Sku.product_id)
                .where(Sku.id.in_(sku_ids))
            )
        ).all()
    )
    regions = dict((await session.execute(select(Region.id, Region.name_zh))).all())
    stores = dict((await session.execute(select(Store.id, Store.name_zh))).all())
    out = []
    for s in found:
        where = stores.get(s.store_id, "") if s.scope == "store" else regions.get(s.scope_value, "")
        out.append(
            {
                "id": s.id,
                "kind": KIND_ZH.get(s.kind, s.kind),
                "where": where,
                "sku": names.get(s.sku_id, str(s.sku_id)),
                "current": s.current_price,
                "suggested": s.suggested_price,
                "change": f"{s.change_bp / 100:+.1f}%",
                "floor": s.floor_price,
                "until": s.until.isoformat() if s.until else "",
                "why": s.explanation,
                "status": STATUS_ZH.get(s.status, s.status),
                "decidable": principal.is_hq and s.status == "pending",
            }
        )
    return out


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    context: dict[str, Any] = {
        "tables": [
            Table(
                "suggestions",
                "调价建议",
                [
                    Column("kind", "类型"),
                    Column("where", "区域 / 门店"),
                    Column("sku", "商品"),
                    Column("current", "现价", "money"),
                    Column("suggested", "建议价", "money"),
                    Column("change", "变动"),
                    Column("floor", "底价（成本+最低毛利）", "money"),
                    Column("until", "执行至"),
                    Column("why", "理由", "muted"),
                    Column("status", "状态"),
                ],
                await rows(session, principal),
                actions=[
                    Action("批准", "/hq/pricing-suggestions/{id}/approve", when="decidable"),
                    Action("拒绝", "/hq/pricing-suggestions/{id}/reject", "secondary", when="decidable"),
                ],
                empty="暂无调价建议",
                note="建议不会自动生效：总部批准后按建议价立即调价（临期降价到批次到期日为止），并记入审计日志。",
            )
        ]
    }
    if principal.is_hq:
        context["forms"] = [
            PageForm(
                "run",
                "重新生成建议",
                "/hq/pricing-suggestions/run",
                [],
                submit="立即生成",
                note="按库存、需求预测、批次效期和促销重新计算待审批的建议（每天也会自动运行）。",
            )
        ]
    return context


table_page(router, "/pricing-suggestions", "intelligence", "智能定价", build)


def _back(message: str) -> RedirectResponse:
    return RedirectResponse(f"/hq/pricing-suggestions?flash={quote(message[:80])}", status_code=303)


@router.post("/pricing-suggestions/run")
async def run(
    request: Request, principal: HQUser, session: DbSession, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ runs the pricing job.")
    made = await pricing_service.compute(session)
    return _back(f"已生成 {made['regional']} 条区域调价、{made['markdown']} 条临期降价建议")


@router.post("/pricing-suggestions/{suggestion_id}/{decision}")
async def decide(
    request: Request,
    principal: HQUser,
    session: DbSession,
    suggestion_id: int,
    decision: str,
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if decision not in ("approve", "reject"):
        raise BadRequest("approve or reject", detail={"decision": decision})
    if not principal.is_hq:
        raise Forbidden("Only HQ approves or rejects price suggestions.")
    act = pricing_service.approve if decision == "approve" else pricing_service.reject
    try:
        await act(session, principal, suggestion_id, note or None)
    except RetailError as exc:
        await session.rollback()
        return _back(f"建议 {suggestion_id} 未处理：{exc.message}")
    return _back(f"建议 {suggestion_id} {'已批准，价格已生效' if decision == 'approve' else '已拒绝'}")
