"""门店休息日: the store-closure calendar (春节, stocktaking, renovation). HQ records days for any store or
the whole chain; a franchisee admin for their own stores. The demand forecasts and replenishment read it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Conflict, Forbidden, NotFound, RetailError, ValidationFailed
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Input, Table, form_failed, nav, table_page
from backend.hq.web import Form as PageForm
from backend.stores import closures
from backend.stores import repository as store_repo
from backend.stores.schemas import MAX_CLOSURE_DAYS, StoreClosureCreate

router = APIRouter()
nav("closures", "门店休息日", "/hq/closures")
CHAIN = "all"
# How far back the page lists closures (older ones stay on record for the forecasts).
SHOWN_PAST_DAYS = 60


def _can_remove(principal: Principal, store_id: int | None) -> bool:
    if store_id is None:
        return principal.is_hq
    return principal.can_act_for(store_id)


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    today = closures.local_today()
    stores = await store_repo.list_stores(session, store_ids=principal.store_ids, kind="store")
    names = {s.id: s.name_zh for s in await store_repo.list_stores(session)}
    rows = await closures.listed(session, principal, since=today - timedelta(days=SHOWN_PAST_DAYS))
    table = Table(
        "closures",
        "休息日",
        [
            Column("day", "日期"),
            Column("weekday", "星期"),
            Column("store", "门店"),
            Column("reason", "原因"),
            Column("when", "状态", "muted"),
        ],
        [
            {
                "id": c.id,
                "day": c.day.isoformat(),
                "weekday": "一二三四五六日"[c.day.weekday()],
                "store": "全部门店" if c.store_id is None else names.get(c.store_id, str(c.store_id)),
                "reason": c.reason,
                "when": "已过" if c.day < today else ("今天" if c.day == today else "将要"),
                "removable": _can_remove(principal, c.store_id),
            }
            for c in rows
        ],
        actions=[Action("删除", "/hq/closures/{id}/delete", "secondary", when="removable")],
        empty="还没有登记休息日",
        note=f"显示近 {SHOWN_PAST_DAYS} 天起的休息日。需求预测把将要休息的日子预测为 0、不为这些日子备货；"
        "已过的休息日不计作零销量。",
    )
    options = ([(CHAIN, "全部门店")] if principal.is_hq else []) + [
        (str(s.id), f"{s.code} {s.name_zh}") for s in stores
    ]
    form = PageForm(
        "closure_add",
        "登记休息日",
        "/hq/closures",
        [
            Input("store", "门店", "select", options),
            Input("start", "从", "date"),
            Input("end", "到（含，可空）", "date", required=False),
            Input("reason", "原因", required=False, placeholder="春节 / 盘点 / 装修"),
        ],
        submit="登记",
        note=f"门店当地日期；一次最多 {MAX_CLOSURE_DAYS} 天。"
        + ("“全部门店”用于全连锁统一休息（如春节）。" if principal.is_hq else "只能登记自家门店。"),
    )
    return {"forms": [form] if options else [], "tables": [table]}


PAGE = ("closures", "门店休息日", build)
table_page(router, "/closures", "closures", "门店休息日", build)


def _parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"{field}日期格式不正确") from exc


def _in_chinese(exc: Exception) -> Exception:
    """The domain's refusals, worded for the page (keeping their status)."""
    detail = exc.detail if isinstance(exc, RetailError) and isinstance(exc.detail, dict) else {}
    if isinstance(exc, Conflict):
        days = "、".join(detail.get("days", []))
        if detail.get("chain_wide"):
            return Conflict(f"全部门店已在这些日子休息：{days}", detail=detail)
        return Conflict(f"这些日子已登记过休息：{days}", detail=detail)
    if isinstance(exc, Forbidden):
        if exc.code == "store_forbidden":
            return Forbidden("只能登记自家门店的休息日")
        return Forbidden("只有总部可以登记全部门店的休息日")
    if isinstance(exc, ValidationFailed) and "days ahead" in exc.message:
        return ValidationFailed(f"只能登记 {closures.PAST_DAYS} 天前到 {closures.AHEAD_DAYS} 天后之间的日子")
    if isinstance(exc, ValidationError):
        text = "；".join(str(e["msg"]) for e in exc.errors())
        if "end must not be before start" in text:
            return ValidationFailed("结束日期不能早于开始日期")
        if "at most" in text:
            return ValidationFailed(f"一次最多登记 {MAX_CLOSURE_DAYS} 天")
    return exc


@router.post("/closures", response_model=None)
async def add_closure(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    store: Annotated[str, Form(max_length=20)] = "",
    start: Annotated[str, Form(max_length=20)] = "",
    end: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    check_csrf(request, csrf)
    try:
        store_id = None if store == CHAIN else int(store)
        first = _parse_day(start, "开始")
        last = _parse_day(end, "结束") if end.strip() else None
        rows = await closures.create(
            session,
            principal,
            StoreClosureCreate(store_id=store_id, start=first, end=last, reason=reason),
        )
    except (ValueError, RetailError) as exc:
        if isinstance(exc, NotFound):
            raise
        if not isinstance(exc, ValidationError) and "invalid literal" in str(exc):
            exc = ValueError("请选择门店")
        return await form_failed(request, session, principal, PAGE, "closure_add", _in_chinese(exc))
    return RedirectResponse(f"/hq/closures?flash=已登记 {len(rows)} 天休息", status_code=303)


@router.post("/closures/{closure_id}/delete")
async def remove_closure(
    request: Request,
    principal: HQUser,
    session: DbSession,
    closure_id: int,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    await closures.delete(session, principal, closure_id)
    return RedirectResponse(f"/hq/closures?flash=已删除休息日 {closure_id}", status_code=303)
