"""操作日志: who changed what price, stock, order or rule, and when (append-only)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffUser
from backend.auth.principal import Principal
from backend.hq import queries
from backend.hq.web import Column, Table, nav, table_page

router = APIRouter()
nav("audit", "操作日志", "/hq/audit")


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 10_000 if request.url.path.endswith(".csv") else 300
    entries = await queries.audit_entries(session, principal.store_ids, limit)
    staff_ids = {e.actor_id for e in entries if e.actor_kind == "staff" and e.actor_id}
    names = (
        dict(
            (
                await session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(staff_ids)))
            ).all()
        )
        if staff_ids
        else {}
    )
    rows = [
        {
            "id": e.id,
            "at_utc": e.created_at,
            "actor": f"{names[e.actor_id]} (#{e.actor_id})"
            if e.actor_kind == "staff" and e.actor_id in names
            else ("系统任务" if e.actor_id is None else f"{e.actor_kind} #{e.actor_id}"),
            "action": e.action,
            "entity": f"{e.entity} #{e.entity_id}",
            "store_id": e.store_id,
            "before": json.dumps(e.before, ensure_ascii=False) if e.before else "",
            "after": json.dumps(e.after, ensure_ascii=False) if e.after else "",
        }
        for e in entries
    ]
    columns = [
        Column("at_utc", "时间 (UTC)", "time"),
        Column("actor", "操作人"),
        Column("action", "操作"),
        Column("entity", "对象"),
        Column("store_id", "门店"),
        Column("before", "变更前", "muted"),
        Column("after", "变更后", "muted"),
    ]
    return {"tables": [Table("log", "最近的员工操作", columns, rows, empty="暂无记录")]}


table_page(router, "/audit", "audit", "操作日志", build)
