"""加盟: merchants with their HQ commission, settlement statements generated for a period and downloaded
as CSV or PDF; a franchisee sees only their own merchant."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.core.time import utcnow
from backend.franchise import documents, service
from backend.franchise import repository as repo
from backend.franchise.schemas import StatementRequest
from backend.hq.session import check_csrf
from backend.hq.web import Column, HQUser, Table, nav, table_page
from backend.pricing.days import local_date
from backend.stores.models import Store

router = APIRouter()
nav("franchise", "加盟结算", "/hq/franchise")


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    scope = service.scope_of(principal)
    counts = dict(
        (await session.execute(select(Store.merchant_id, func.count()).group_by(Store.merchant_id))).all()
    )
    merchants = await repo.merchants(session, scope)
    names = {m.id: m.name for m in merchants}
    statements = [s for s in await repo.statements(session, scope) if s.merchant_id in names]
    start, end = last_month(local_date(utcnow()))
    return {
        "merchants": merchants,
        "period": (start, end),
        "forms": ["_statement_form.html"],
        "tables": [
            Table(
                "merchants",
                "加盟商",
                [
                    Column("code", "编码"),
                    Column("name", "名称"),
                    Column("rate", "总部佣金率"),
                    Column("stores", "门店数", "count"),
                    Column("phone", "联系电话", "phone"),
                ],
                [
                    {
                        "code": m.code,
                        "name": m.name,
                        "rate": f"{m.commission_bp / 100:g}%",
                        "stores": counts.get(m.id, 0),
                        "phone": m.contact_phone,
                    }
                    for m in merchants
                ],
            ),
            Table(
                "statements",
                "结算单",
                [
                    Column("merchant", "加盟商"),
                    Column("period", "结算期"),
                    Column("orders", "订单", "count"),
                    Column("collected", "实收", "money"),
                    Column("refunds", "退款", "money"),
                    Column("discounts_hq", "总部承担优惠", "money"),
                    Column("net_sales", "净销售额", "money"),
                    Column("hq_commission", "总部佣金", "money"),
                    Column("distribution", "分销佣金", "money"),
                    Column("payable", "应付加盟商", "money"),
                    Column("download", "下载", "links"),
                ],
                [
                    {
                        "merchant": names[s.merchant_id],
                        "period": f"{s.period_start} ~ {s.period_end}",
                        "orders": s.orders,
                        "collected": s.collected,
                        "refunds": s.refunds,
                        "discounts_hq": s.discounts_hq,
                        "net_sales": s.net_sales,
                        "hq_commission": s.hq_commission,
                        "distribution": s.distribution_commissions,
                        "payable": s.payable,
                        "download": [
                            ("CSV", f"/hq/franchise/statements/{s.id}.csv"),
                            ("PDF", f"/hq/franchise/statements/{s.id}.pdf"),
                        ],
                    }
                    for s in statements
                ],
                empty="还没有结算单",
            ),
        ],
    }


table_page(router, "/franchise", "franchise", "加盟结算", build)


@router.post("/franchise/statements")
async def generate(
    request: Request,
    principal: HQUser,
    session: DbSession,
    merchant_id: Annotated[int, Form(gt=0)],
    period_start: Annotated[date, Form()],
    period_end: Annotated[date, Form()],
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    try:
        body = StatementRequest(merchant_id=merchant_id, period_start=period_start, period_end=period_end)
    except ValidationError as exc:
        raise ValidationFailed(detail=[e["msg"] for e in exc.errors()]) from exc
    statement, created = await service.generate(session, principal, body)
    done = "已生成" if created else "已存在"
    return RedirectResponse(f"/hq/franchise?flash=结算单 {statement.id} {done}", status_code=303)


@router.get("/franchise/statements/{statement_id}.{fmt}")
async def download(
    principal: HQUser, session: DbSession, statement_id: int, fmt: Literal["csv", "pdf"]
) -> Response:
    out = await service.statement_out(session, await service.get_statement(session, principal, statement_id))
    if fmt == "csv":
        body, media = documents.to_csv(out), "text/csv; charset=utf-8"
    else:
        body, media = documents.to_pdf(out), "application/pdf"
    name = documents.filename(out, fmt)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
