"""任务: every scheduled job with its last run, result and duration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.jobs import LIVE_PROGRESS, JobRun
from backend.hq.web import Column, Table, nav, table_page

router = APIRouter()
nav("jobs", "任务与模型", "/hq/jobs")
STATUS_ZH = {"running": "运行中", "ok": "成功", "failed": "失败"}


def progress_text(run: JobRun | None) -> str:
    """How far a run got: ``stage done/total (pct)`` from this process's live map or the stored row."""
    if run is None:
        return ""
    step = LIVE_PROGRESS.get(run.id) or run.progress
    if not step or not step.get("total"):
        return "进行中" if run.status == "running" else ""
    pct = step["done"] / step["total"] * 100
    return f"{step['stage']} {step['done']}/{step['total']}（{pct:.0f}%）"


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    from backend.jobs import JOBS

    latest = select(JobRun.name, func.max(JobRun.id).label("id")).group_by(JobRun.name).subquery()
    runs = {
        run.name: run for run in await session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))
    }
    rows = []
    for job in JOBS:
        run = runs.get(job.name)
        rows.append(
            {
                "name": job.name,
                "description": job.description,
                "every": f"{job.every_s / 60:g} 分钟"
                if job.every_s < 3600
                else f"{job.every_s / 3600:g} 小时",
                "status": STATUS_ZH.get(run.status, run.status) if run else "尚未运行",
                "progress": progress_text(run),
                "started_at": run.started_at if run else None,
                "duration_ms": run.duration_ms if run else None,
                "result": ", ".join(f"{k}={v}" for k, v in (run.result or {}).items()) if run else "",
                "error": (run.error or "")[:200] if run else "",
            }
        )
    recent = [
        {
            "name": r.name,
            "host": r.host,
            "status": STATUS_ZH.get(r.status, r.status),
            "progress": progress_text(r),
            "started_at": r.started_at,
            "duration_ms": r.duration_ms,
            "result": ", ".join(f"{k}={v}" for k, v in (r.result or {}).items()),
        }
        for r in await session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(100))
    ]
    return {
        "tables": [
            Table(
                "jobs",
                "定时任务",
                [
                    Column("name", "任务"),
                    Column("description", "说明"),
                    Column("every", "周期"),
                    Column("status", "最近状态"),
                    Column("progress", "进度"),
                    Column("started_at", "最近运行 (UTC)", "time"),
                    Column("duration_ms", "耗时 (ms)", "count"),
                    Column("result", "结果", "muted"),
                    Column("error", "错误", "muted"),
                ],
                rows,
            ),
            Table(
                "runs",
                "最近运行记录",
                [
                    Column("name", "任务"),
                    Column("host", "主机"),
                    Column("status", "状态"),
                    Column("progress", "进度"),
                    Column("started_at", "开始 (UTC)", "time"),
                    Column("duration_ms", "耗时 (ms)", "count"),
                    Column("result", "结果", "muted"),
                ],
                recent,
            ),
        ]
    }


table_page(router, "/jobs", "jobs", "任务与模型", build)
