"""门店业绩: each store's month so far against its target, sales per m² (坪效) and per staff member (人效);
HQ sets the monthly targets and store areas here."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError
from backend.core.money import yuan
from backend.core.time import utcnow
from backend.hq import charts, queries, sales
from backend.hq.session import check_csrf
from backend.hq.web import Column, HQUser, Input, Table, form_failed, nav, parse_fen, parse_int, table_page
from backend.hq.web import Form as PageForm
from backend.pricing.days import day_start, local_date
from backend.stores import repository as store_repo
from backend.stores import service as store_service
from backend.stores.schemas import StoreUpdate

router = APIRouter()
nav("performance", "门店业绩", "/hq/performance")
TITLE = "门店业绩"


def month_of(text: str | None, today: date) -> date:
    """``YYYY-MM`` as the month's first day (this month when blank or malformed)."""
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1]) + timedelta(days=1)


async def rows_for(
    session: AsyncSession, principal: Principal, month: date, now: datetime
) -> tuple[list[dict[str, Any]], float]:
    """Each visible store's month: sales, orders, 坪效, 人效, target and attainment; and how much of the
    month has passed (for reading attainment against the calendar)."""
    start, end = day_start(month), day_start(month_end(month))
    sold = await sales.sales_between(
        session, principal.store_ids, start, min(end, now + timedelta(seconds=1))
    )
    by_store: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for sale in sold:
        if sale.store_id is not None:
            by_store[sale.store_id][0] += sale.net
            by_store[sale.store_id][1] += 1
    stores = [s for s, _ in await queries.stores(session, principal.store_ids) if s.kind == "store"]
    scope = None if principal.store_ids is None else principal.store_ids
    targets = await store_repo.targets(session, month, scope)
    staff = await store_repo.staff_counts(session, scope)
    rows = []
    for store in stores:
        amount, orders = by_store.get(store.id, [0, 0])
        target = targets.get(store.id)
        heads = staff.get(store.id, 0)
        rows.append(
            {
                "code": store.code,
                "store": store.name_zh,
                "city": store.city,
                "area_sqm": store.area_sqm,
                "staff": heads,
                "sales": amount,
                "orders": orders,
                "per_sqm": round(amount / store.area_sqm) if store.area_sqm else None,
                "per_staff": round(amount / heads) if heads else None,
                "target": target,
                "attainment": amount / target if target else None,
            }
        )
    span = (end - start).total_seconds()
    elapsed = min(max((now - start).total_seconds() / span, 0.0), 1.0)
    return rows, elapsed


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    now = utcnow()
    month = month_of(request.query_params.get("month"), local_date(now))
    rows, elapsed = await rows_for(session, principal, month, now)
    total = sum(r["sales"] for r in rows)
    target = sum(r["target"] or 0 for r in rows)
    area = sum(r["area_sqm"] or 0 for r in rows if r["area_sqm"])
    heads = sum(r["staff"] for r in rows)
    label = f"{month:%Y年%m月}"
    targeted = [r for r in rows if r["target"]]
    context: dict[str, Any] = {
        "kpis": [
            {"key": "month", "label": "月份", "text": label},
            {"key": "sales", "label": "本月销售额", "text": f"¥{yuan(total, grouped=True)}"},
            {
                "key": "target",
                "label": "本月目标",
                "text": f"¥{yuan(target, grouped=True)}" if target else "未设置",
            },
            {
                "key": "attainment",
                "label": "目标达成",
                "text": f"{total / target * 100:.1f}%" if target else "—",
                "style": "warn" if target and total / target < elapsed else "",
            },
            {"key": "elapsed", "label": "时间进度", "text": f"{elapsed * 100:.1f}%"},
            {
                "key": "per_sqm",
                "label": "整体坪效（元/㎡）",
                "text": yuan(round(sum(r["sales"] for r in rows if r["area_sqm"]) / area), grouped=True)
                if area
                else "—",
            },
            {
                "key": "per_staff",
                "label": "整体人效（元/人）",
                "text": yuan(round(total / heads), grouped=True) if heads else "—",
            },
        ],
        "charts": [
            charts.hbar(
                [r["store"] for r in targeted][::-1][-15:],
                [round(r["attainment"] * 100, 1) for r in targeted][::-1][-15:],
                f"{label}目标达成率",
                "%",
            )
        ]
        if targeted
        else [],
        "tables": [
            Table(
                "stores",
                f"{label}门店业绩",
                [
                    Column("code", "编码"),
                    Column("store", "门店"),
                    Column("city", "城市"),
                    Column("area_sqm", "面积（㎡）", "count"),
                    Column("staff", "员工", "count"),
                    Column("sales", "销售额", "money"),
                    Column("orders", "订单", "count"),
                    Column("per_sqm", "坪效（元/㎡）", "money"),
                    Column("per_staff", "人效（元/人）", "money"),
                    Column("target", "目标", "money"),
                    Column("attainment", "达成率", "share"),
                ],
                rows,
                note="销售额为扣除退款后的净额，按销售时间计入北京时间的自然月；坪效 = 销售额 ÷ 门店面积，"
                "人效 = 销售额 ÷ 在岗员工数。",
            )
        ],
    }
    if principal.is_hq:
        codes = [(r["code"], f"{r['code']} {r['store']}") for r in rows]
        context["forms"] = [
            PageForm(
                "target",
                "设置月度销售目标",
                "/hq/performance/targets",
                [
                    Input("store", "门店", "select", codes),
                    Input("month", "月份（年-月）", value=f"{month:%Y-%m}", placeholder="2026-01"),
                    Input("amount", "目标金额（元）", "number", placeholder="例如 300000"),
                ],
            ),
            PageForm(
                "area",
                "登记门店面积",
                "/hq/performance/areas",
                [Input("store", "门店", "select", codes), Input("area_sqm", "面积（㎡）", "number")],
            ),
        ]
    return context


table_page(router, "/performance", "performance", TITLE, build)
PAGE = ("performance", TITLE, build)


async def _store_by_code(session: AsyncSession, principal: Principal, code: str) -> int:
    store = await store_repo.by_code(session, code.strip())
    if store is None or not principal.can_act_for(store.id):
        raise ValueError(f"找不到门店：{code}")
    return store.id


@router.post("/performance/targets", response_model=None)
async def set_target(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    store: Annotated[str, Form(max_length=32)] = "",
    month: Annotated[str, Form(max_length=7)] = "",
    amount: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ sets sales targets.")
    try:
        store_id = await _store_by_code(session, principal, store)
        first = datetime.strptime(month, "%Y-%m").date() if month else None
        if first is None:
            raise ValueError("请选择月份")
        await store_service.set_target(session, principal, store_id, first, parse_fen(amount, "目标金额"))
    except (ValueError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "target", exc)
    return RedirectResponse(
        f"/hq/performance?month={month}&flash=已设置 {store} {month} 的销售目标", status_code=303
    )


@router.post("/performance/areas", response_model=None)
async def set_area(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    store: Annotated[str, Form(max_length=32)] = "",
    area_sqm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ records store areas.")
    try:
        store_id = await _store_by_code(session, principal, store)
        area = parse_int(area_sqm, "面积", 1, 100_000)
        await store_service.update_store(session, principal, store_id, StoreUpdate(area_sqm=area))
    except (ValueError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "area", exc)
    return RedirectResponse(f"/hq/performance?flash=已登记 {store} 面积 {area} ㎡", status_code=303)
