"""AI巡检: stores and cashiers whose refund, void, discount, cash or after-hours figures stand out from
their peers, with the evidence; a franchisee sees only their own stores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffUser
from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Forbidden
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import Column, HQUser, Table, nav, table_page
from backend.inspection import repository as repo
from backend.inspection import service
from backend.inspection.models import InspectionFlag
from backend.stores.models import Store

router = APIRouter()
nav("inspection", "AI巡检", "/hq/inspection")

METRIC_ZH = {
    "refund_rate": "退款率偏高",
    "cancel_rate": "作废/取消率偏高",
    "after_hours_share": "非营业时间收款偏多",
    "discount_rate": "折扣率偏高",
    "cash_share": "现金占比偏低",
    "cash_share_change": "现金占比骤降（疑似私收货款）",
    "sales_change": "销售额骤降",
}
SHARE_METRICS = {"refund_rate", "cancel_rate", "after_hours_share", "discount_rate", "cash_share"}


def _figure(metric: str, value: float) -> str:
    if metric in SHARE_METRICS:
        return f"{value * 100:.1f}%"
    return f"{value * 100:+.1f}%"


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    end = await repo.latest_period_end(session)
    rows: list[dict[str, Any]] = []
    if end is not None:
        query = (
            select(InspectionFlag, Store.name_zh, StaffUser.name)
            .join(Store, Store.id == InspectionFlag.store_id)
            .outerjoin(
                StaffUser,
                (InspectionFlag.subject_kind == "cashier") & (StaffUser.id == InspectionFlag.subject_id),
            )
            .where(InspectionFlag.period_end == end)
            .order_by(InspectionFlag.robust_z.desc())
        )
        query = scoped(query, InspectionFlag.store_id, principal.store_ids)
        for flag, store, cashier in (await session.execute(query)).all():
            evidence = "，".join(f"{k}={v}" for k, v in (flag.evidence or {}).items())
            rows.append(
                {
                    "store": store,
                    "who": f"收银员 {cashier}" if flag.subject_kind == "cashier" else "门店",
                    "finding": METRIC_ZH.get(flag.metric, flag.metric),
                    "value": _figure(flag.metric, flag.value),
                    "peers": _figure(flag.metric, flag.peer_median),
                    "z": f"{flag.robust_z:+.1f}",
                    "evidence": evidence,
                    "period": f"{flag.period_start:%m-%d} ~ {flag.period_end:%m-%d}",
                }
            )
    return {
        "forms": ["_inspection_form.html"] if principal.is_hq else [],
        "tables": [
            Table(
                "flags",
                "异常（最近一次巡检）" if end else "尚未巡检",
                [
                    Column("store", "门店"),
                    Column("who", "对象"),
                    Column("finding", "发现"),
                    Column("value", "本店/本人"),
                    Column("peers", "同行中位数"),
                    Column("z", "偏离度 (robust z)"),
                    Column("period", "期间"),
                    Column("evidence", "证据", "muted"),
                ],
                rows,
                empty="没有发现异常",
                note="偏离度按全连锁同类门店/收银员的中位数与 MAD 计算，|z| ≥ 3.5 且样本足够时才标记。",
            )
        ],
    }


table_page(router, "/inspection", "inspection", "AI巡检", build)


@router.post("/inspection/runs")
async def run_now(
    request: Request, principal: HQUser, session: DbSession, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ starts an inspection.")
    result = await service.run(session)
    return RedirectResponse(f"/hq/inspection?flash=巡检完成，发现 {result.flags} 项异常", status_code=303)
