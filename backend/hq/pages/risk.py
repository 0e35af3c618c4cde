"""风控: orders the abnormal-order rules held for review; HQ releases them to payment or rejects them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Forbidden
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Table, nav, table_page
from backend.intelligence import risk
from backend.intelligence.models import RiskHold
from backend.intelligence.schemas import HoldDecision
from backend.members.models import Member
from backend.orders.models import Order

router = APIRouter()
nav("risk", "风控审核", "/hq/risk")

RULE_ZH = {
    "new_accounts_on_device": "同一设备多个新账号",
    "hoarding": "疑似囤货（多账号共用设备或地址）",
    "impossible_address": "地址异常",
}
STATUS_ZH = {"held": "待审核", "released": "已放行", "rejected": "已拒绝"}


def rules_text(rules: list[dict[str, Any]]) -> str:
    parts = []
    for rule in rules:
        text = RULE_ZH.get(rule.get("rule", ""), rule.get("rule", ""))
        if "accounts" in rule:
            text += f"：{rule['accounts']} 个账号"
        if "reason" in rule:
            text += f"：{rule['reason']}"
        parts.append(text)
    return "；".join(parts)


async def holds(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    query = (
        select(RiskHold, Order, Member.phone)
        .join(Order, Order.id == RiskHold.order_id)
        .outerjoin(Member, Member.id == Order.member_id)
        .order_by(RiskHold.status != "held", RiskHold.created_at.desc())
        .limit(300)
    )
    query = scoped(query, Order.store_id, principal.store_ids)
    return [
        {
            "order_id": order.id,
            "number": order.number,
            "member": phone,
            "total": order.total,
            "fulfilment": {"pickup": "自提", "delivery": "同城配送", "shipping": "快递"}.get(
                order.fulfilment, order.fulfilment
            ),
            "rules": rules_text(hold.rules),
            "status": STATUS_ZH.get(hold.status, hold.status),
            "held": hold.status == "held",
            "created_at": hold.created_at,
            "note": hold.note or "",
        }
        for hold, order, phone in (await session.execute(query)).all()
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    return {
        "tables": [
            Table(
                "holds",
                "风控拦截的订单",
                [
                    Column("number", "订单号"),
                    Column("member", "会员", "phone"),
                    Column("total", "金额", "money"),
                    Column("fulfilment", "履约方式"),
                    Column("rules", "命中规则"),
                    Column("status", "状态"),
                    Column("created_at", "拦截时间", "time"),
                    Column("note", "审核备注", "muted"),
                ],
                await holds(session, principal),
                actions=[
                    Action("放行", "/hq/risk/holds/{order_id}/release", when="held"),
                    Action("拒绝", "/hq/risk/holds/{order_id}/reject", "secondary", when="held"),
                ],
                empty="没有被拦截的订单",
            )
        ]
    }


table_page(router, "/risk", "risk", "风控审核", build)


@router.post("/risk/holds/{order_id}/{decision}")
async def decide(
    request: Request,
    principal: HQUser,
    session: DbSession,
    order_id: int,
    decision: str,
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ reviews held orders.")
    body = HoldDecision(decision=decision, note=note or None)  # type: ignore[arg-type]
    await risk.decide(session, principal, order_id, body, request.app.state.settings.unpaid_order_minutes)
    done = "已放行" if decision == "release" else "已拒绝"
    return RedirectResponse(f"/hq/risk?flash=订单 {order_id} {done}", status_code=303)
