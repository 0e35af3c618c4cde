"""售后: return and exchange requests awaiting a decision, and tickets against their SLA timers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales import service as aftersales
from backend.aftersales.enums import RequestStatus
from backend.aftersales.models import ReturnRequest
from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.core.time import utcnow
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Table, nav, table_page
from backend.orders.models import Order
from backend.stores.models import Store
from backend.tickets.enums import TicketStatus
from backend.tickets.models import Ticket

router = APIRouter()
nav("aftersales", "售后", "/hq/aftersales")

KIND_ZH = {"return": "退货", "exchange": "换货"}
REASON_ZH = {"no_reason": "七天无理由", "quality": "质量问题", "damaged": "破损", "wrong_item": "发错货"}
STATUS_ZH = {
    "pending": "待审核",
    "approved": "已同意",
    "rejected": "已拒绝",
    "completed": "已完成",
    "cancelled": "已取消",
}
CATEGORY_ZH = {
    "complaint": "投诉",
    "quality": "质量",
    "delivery": "配送",
    "service": "服务",
    "refund": "退款",
    "question": "咨询",
}
TICKET_ZH = {"open": "处理中", "waiting_member": "待顾客回复", "resolved": "已解决", "closed": "已关闭"}


async def requests(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    query = (
        select(ReturnRequest, Order.number, Store.name_zh)
        .join(Order, Order.id == ReturnRequest.order_id)
        .outerjoin(Store, Store.id == ReturnRequest.store_id)
        .where(ReturnRequest.status.in_((RequestStatus.PENDING, RequestStatus.APPROVED)))
        .order_by(ReturnRequest.created_at)
    )
    return [
        {
            "id": r.id,
            "order": number,
            "store": store or "线上",
            "kind": KIND_ZH.get(r.kind, r.kind),
            "reason": f"{REASON_ZH.get(r.reason_code, r.reason_code)} {r.reason}".strip(),
            "amount": r.amount,
            "status": STATUS_ZH.get(r.status, r.status),
            "pending": r.status == RequestStatus.PENDING,
            "created_at": r.created_at,
        }
        for r, number, store in (
            await session.execute(scoped(query, ReturnRequest.store_id, principal.store_ids))
        ).all()
    ]


async def tickets(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    now = utcnow()
    query = (
        select(Ticket, Store.name_zh)
        .outerjoin(Store, Store.id == Ticket.store_id)
        .where(Ticket.status.in_((TicketStatus.OPEN, TicketStatus.WAITING_MEMBER)))
        .order_by(Ticket.resolution_due)
    )
    query = scoped(query, Ticket.store_id, principal.store_ids)
    rows = []
    for t, store in (await session.execute(query)).all():
        response_late = t.first_responded_at is None and t.first_response_due < now
        resolution_late = t.resolution_due < now
        rows.append(
            {
                "id": t.id,
                "subject": t.subject,
                "category": CATEGORY_ZH.get(t.category, t.category),
                "owner": store or "总部",
                "status": TICKET_ZH.get(t.status, t.status),
                "response_due": t.first_response_due,
                "resolution_due": t.resolution_due,
                "sla": "解决超时" if resolution_late else ("响应超时" if response_late else "正常"),
                "created_at": t.created_at,
            }
        )
    return rows


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    open_tickets = await tickets(session, principal)
    breaches = sum(1 for t in open_tickets if t["sla"] != "正常")
    pending = await requests(session, principal)
    return {
        "kpis": [
            {"key": "pending", "label": "待审核退换货", "text": str(sum(1 for r in pending if r["pending"]))},
            {"key": "tickets", "label": "未结工单", "text": str(len(open_tickets))},
            {
                "key": "breaches",
                "label": "SLA 超时",
                "text": str(breaches),
                "style": "warn" if breaches else "",
            },
        ],
        "tables": [
            Table(
                "returns",
                "退换货申请（待审核 / 待到店办理）",
                [
                    Column("id", "编号"),
                    Column("order", "订单"),
                    Column("store", "门店"),
                    Column("kind", "类型"),
                    Column("reason", "原因"),
                    Column("amount", "金额", "money"),
                    Column("status", "状态"),
                    Column("created_at", "申请时间", "time"),
                ],
                pending,
                actions=[
                    Action("同意", "/hq/aftersales/returns/{id}/approve", when="pending"),
                    Action("拒绝", "/hq/aftersales/returns/{id}/reject", "secondary", when="pending"),
                ],
                empty="没有待处理的退换货",
            ),
            Table(
                "tickets",
                "工单（按解决时限排序）",
                [
                    Column("id", "编号"),
                    Column("subject", "主题"),
                    Column("category", "类别"),
                    Column("owner", "负责方"),
                    Column("status", "状态"),
                    Column("response_due", "响应时限", "time"),
                    Column("resolution_due", "解决时限", "time"),
                    Column("sla", "SLA"),
                ],
                open_tickets,
                empty="没有未结工单",
            ),
        ],
    }


table_page(router, "/aftersales", "aftersales", "售后", build)


@router.post("/aftersales/returns/{request_id}/{decision}")
async def decide(
    request: Request,
    principal: HQUser,
    session: DbSession,
    request_id: int,
    decision: str,
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    approve = decision == "approve"
    if decision not in ("approve", "reject"):
        raise ValidationFailed("Unknown decision.", detail={"decision": decision})
    await aftersales.decide(session, principal, request_id, approve, note)
    done = "已同意" if approve else "已拒绝"
    return RedirectResponse(f"/hq/aftersales?flash=申请 {request_id} {done}", status_code=303)
