"""售后: return and exchange requests awaiting a decision, and tickets against their SLA timers."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales import service as aftersales
from backend.aftersales.enums import RequestStatus
from backend.aftersales.models import ReturnRequest
from backend.auth.models import StaffUser
from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import ValidationFailed
from backend.core.time import as_utc, utcnow
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Table, error_message, nav, render, table_page
from backend.orders.models import Order
from backend.stores.models import Store
from backend.tickets import repository as ticket_repo
from backend.tickets import service as ticket_service
from backend.tickets.enums import TicketStatus
from backend.tickets.models import Ticket
from backend.tickets.schemas import MessageCreate

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
        rows.append(
            {
                "id": t.id,
                "open": [("查看 / 回复", f"/hq/aftersales/tickets/{t.id}")],
                "subject": t.subject,
                "category": CATEGORY_ZH.get(t.category, t.category),
                "owner": store or "总部",
                "status": TICKET_ZH.get(t.status, t.status),
                "response_due": t.first_response_due,
                "resolution_due": t.resolution_due,
                "sla": sla_state(t, now),
                "created_at": t.created_at,
            }
        )
    return rows


def sla_state(t: Ticket, now: Any) -> str:
    if t.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        if t.resolution_breached_at is not None:
            return "解决超时"
        return "响应超时" if t.response_breached_at is not None else "正常"
    if t.resolution_breached_at is not None or as_utc(t.resolution_due) < now:
        return "解决超时"
    late = t.first_responded_at is None and as_utc(t.first_response_due) < now
    return "响应超时" if late or t.response_breached_at is not None else "正常"


async def breaches(session: AsyncSession, principal: Principal, days: int = 30) -> list[dict[str, Any]]:
    """Tickets that broke an SLA in the last ``days`` (open or not), latest first."""
    since = utcnow() - timedelta(days=days)
    query = (
        select(Ticket, Store.name_zh)
        .outerjoin(Store, Store.id == Ticket.store_id)
        .where(or_(Ticket.response_breached_at >= since, Ticket.resolution_breached_at >= since))
        .order_by(Ticket.id.desc())
    )
    return [
        {
            "id": t.id,
            "open": [("查看", f"/hq/aftersales/tickets/{t.id}")],
            "subject": t.subject,
            "owner": store or "总部",
            "status": TICKET_ZH.get(t.status, t.status),
            "response_breached_at": t.response_breached_at,
            "resolution_breached_at": t.resolution_breached_at,
            "resolved_at": t.resolved_at,
        }
        for t, store in (await session.execute(scoped(query, Ticket.store_id, principal.store_ids))).all()
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    open_tickets = await tickets(session, principal)
    late = sum(1 for t in open_tickets if t["sla"] != "正常")
    pending = await requests(session, principal)
    return {
        "kpis": [
            {"key": "pending", "label": "待审核退换货", "text": str(sum(1 for r in pending if r["pending"]))},
            {"key": "tickets", "label": "未结工单", "text": str(len(open_tickets))},
            {
                "key": "breaches",
                "label": "SLA 超时",
                "text": str(late),
                "style": "warn" if late else "",
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
                    Column("open", "对话", "links"),
                ],
                open_tickets,
                empty="没有未结工单",
            ),
            Table(
                "breaches",
                "近 30 天 SLA 超时记录",
                [
                    Column("id", "编号"),
                    Column("subject", "主题"),
                    Column("owner", "负责方"),
                    Column("status", "状态"),
                    Column("response_breached_at", "响应超时于", "time"),
                    Column("resolution_breached_at", "解决超时于", "time"),
                    Column("resolved_at", "解决时间", "time"),
                    Column("open", "对话", "links"),
                ],
                await breaches(session, principal),
                empty="近 30 天没有 SLA 超时",
                note="超时时间由 tickets.sla 任务记录；未结工单的实时超时见上表。",
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


async def _ticket_page(
    request: Request, principal: Principal, session: AsyncSession, ticket_id: int, **extra: Any
) -> HTMLResponse:
    ticket = await ticket_service.visible(session, principal, ticket_id)
    store = await session.get(Store, ticket.store_id) if ticket.store_id else None
    found = await ticket_repo.messages(session, ticket.id, with_internal=True)
    staff_ids = {m.author_id for m in found if m.author_kind == "staff" and m.author_id}
    names = (
        dict(
            (
                await session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(staff_ids)))
            ).all()
        )
        if staff_ids
        else {}
    )
    who = {"member": "顾客", "assistant": "智能助手"}
    messages = [
        {
            "id": m.id,
            "side": "staff" if m.author_kind == "staff" else "member",
            "who": names.get(m.author_id, "员工")
            if m.author_kind == "staff"
            else who.get(m.author_kind, m.author_kind),
            "at": m.created_at,
            "body": m.body,
            "internal": m.internal,
        }
        for m in found
    ]
    return render(
        request,
        "ticket.html",
        principal,
        active="aftersales",
        ticket=ticket,
        messages=messages,
        status=TICKET_ZH.get(ticket.status, ticket.status),
        category=CATEGORY_ZH.get(ticket.category, ticket.category),
        owner=store.name_zh if store else "总部",
        sla=sla_state(ticket, utcnow()),
        open=ticket.status != TicketStatus.CLOSED,
        flash=(request.query_params.get("flash") or "")[:80],
        **extra,
    )


@router.get("/aftersales/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_page(
    request: Request, principal: HQUser, session: DbSession, ticket_id: int
) -> HTMLResponse:
    return await _ticket_page(request, principal, session, ticket_id)


@router.post("/aftersales/tickets/{ticket_id}/reply", response_model=None)
async def reply(
    request: Request,
    principal: HQUser,
    session: DbSession,
    ticket_id: int,
    csrf: Annotated[str, Form()] = "",
    body: Annotated[str, Form(max_length=4000)] = "",
    internal: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(request, csrf)
    try:
        message = MessageCreate(body=body.strip(), internal=internal)
    except ValidationError as exc:
        response = await _ticket_page(request, principal, session, ticket_id, form_error=error_message(exc))
        response.status_code = 422
        return response
    await ticket_service.reply(session, principal, ticket_id, message)
    done = "已添加内部备注" if internal else "已回复顾客"
    return RedirectResponse(f"/hq/aftersales/tickets/{ticket_id}?flash={done}", status_code=303)


@router.post("/aftersales/tickets/{ticket_id}/resolve")
async def resolve(
    request: Request, principal: HQUser, session: DbSession, ticket_id: int, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    await ticket_service.resolve(session, principal, ticket_id)
    return RedirectResponse(f"/hq/aftersales/tickets/{ticket_id}?flash=工单已解决", status_code=303)
