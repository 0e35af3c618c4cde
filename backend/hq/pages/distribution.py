"""分销: commission levels and rates, distributors (masked), withdrawal requests to approve or reject, and
commissions earned on each store's sales (a franchisee sees only their stores)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError, ValidationFailed
from backend.core.privacy import mask_name
from backend.distribution import service as distribution
from backend.distribution.models import Commission, Distributor, Withdrawal
from backend.distribution.schemas import DistributionSettingsUpdate, WithdrawalReview
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import (
    Action,
    Column,
    HQUser,
    Input,
    Table,
    form_failed,
    nav,
    parse_fen,
    parse_int,
    table_page,
)
from backend.hq.web import Form as PageForm
from backend.members.models import Member
from backend.stores.models import Store

router = APIRouter()
nav("distribution", "分销", "/hq/distribution")
TITLE = "分销"
WITHDRAWAL_ZH = {"pending": "待审核", "approved": "已打款", "rejected": "已拒绝"}


def _bp(bp: int) -> str:
    return f"{bp / 100:g}%"


async def withdrawal_rows(session: AsyncSession) -> list[dict[str, Any]]:
    query = (
        select(Withdrawal, Distributor.code, Member.phone, Member.name)
        .join(Distributor, Distributor.id == Withdrawal.distributor_id)
        .join(Member, Member.id == Distributor.member_id)
        .order_by(case((Withdrawal.status == "pending", 0), else_=1), Withdrawal.id.desc())
        .limit(500)
    )
    return [
        {
            "id": w.id,
            "distributor": code,
            "phone": phone,
            "name": mask_name(name) or "",
            "amount": w.amount,
            "account": w.account[:4] + "****" if len(w.account) > 4 else "****",
            "status": WITHDRAWAL_ZH.get(w.status, w.status),
            "pending": w.status == "pending",
            "requested_at": w.created_at,
            "reviewed_at": w.reviewed_at,
            "note": w.note or "",
        }
        for w, code, phone, name in (await session.execute(query)).all()
    ]


async def distributor_rows(session: AsyncSession) -> list[dict[str, Any]]:
    query = (
        select(Distributor, Member.phone, Member.name)
        .join(Member, Member.id == Distributor.member_id)
        .order_by((Distributor.available + Distributor.frozen).desc())
        .limit(500)
    )
    return [
        {
            "code": d.code,
            "phone": phone,
            "name": mask_name(name) or "",
            "status": "正常" if d.status == "active" else "已停用",
            "frozen": d.frozen,
            "available": d.available,
            "pending": d.pending_withdrawal,
            "withdrawn": d.withdrawn,
            "joined": d.created_at,
        }
        for d, phone, name in (await session.execute(query)).all()
    ]


async def store_commission_rows(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    net = Commission.amount - Commission.reversed
    query = (
        select(
            Store.name_zh,
            func.count(func.distinct(Commission.order_id)),
            func.sum(Commission.base),
            func.sum(case((Commission.status == "frozen", net), else_=0)),
            func.sum(case((Commission.status == "settled", net), else_=0)),
            func.sum(Commission.reversed),
        )
        .join(Store, Store.id == Commission.store_id)
        .group_by(Store.name_zh)
        .order_by(Store.name_zh)
    )
    return [
        {"store": s, "orders": n, "base": base or 0, "frozen": f or 0, "settled": st or 0, "reversed": r or 0}
        for s, n, base, f, st, r in (
            await session.execute(scoped(query, Commission.store_id, principal.store_ids))
        ).all()
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    by_store = Table(
        "store_commissions",
        "门店分销佣金",
        [
            Column("store", "门店"),
            Column("orders", "分销订单", "count"),
            Column("base", "计佣金额", "money"),
            Column("frozen", "冻结中", "money"),
            Column("settled", "已结算", "money"),
            Column("reversed", "退款冲回", "money"),
        ],
        await store_commission_rows(session, principal),
        empty="暂无分销佣金",
    )
    if not principal.is_hq:
        return {"tables": [by_store]}
    cfg = await distribution.settings_out(session)
    rates = [cfg.level1_bp, cfg.level2_bp, cfg.level3_bp][: cfg.levels]
    return {
        "kpis": [
            {"key": "enabled", "label": "分销", "text": "已开启" if cfg.enabled else "已关闭"},
            {"key": "levels", "label": "层级", "text": f"{cfg.levels} 级"},
            {"key": "rates", "label": "佣金比例", "text": " / ".join(_bp(r) for r in rates)},
            {"key": "min_withdrawal", "label": "最低提现", "text": f"¥{cfg.min_withdrawal / 100:.2f}"},
            {"key": "freeze_days", "label": "冻结期", "text": f"{cfg.freeze_days} 天"},
        ],
        "forms": [
            PageForm(
                "settings",
                "分销设置",
                "/hq/distribution/settings",
                [
                    Input("levels", "层级（1-3）", "number", value=str(cfg.levels)),
                    Input("level1", "一级佣金 %", "number", value=f"{cfg.level1_bp / 100:g}"),
                    Input("level2", "二级佣金 %", "number", value=f"{cfg.level2_bp / 100:g}"),
                    Input("level3", "三级佣金 %", "number", value=f"{cfg.level3_bp / 100:g}"),
                    Input(
                        "min_withdrawal", "最低提现（元）", "number", value=f"{cfg.min_withdrawal / 100:g}"
                    ),
                    Input("enabled", "开启分销", "checkbox", value="1" if cfg.enabled else ""),
                ],
                note="佣金按订单实付金额计算，售后期满后解冻可提现；修改只影响之后的订单。",
            )
        ],
        "tables": [
            Table(
                "withdrawals",
                "提现申请",
                [
                    Column("id", "编号"),
                    Column("distributor", "分销码"),
                    Column("phone", "手机", "phone"),
                    Column("name", "姓名"),
                    Column("amount", "金额", "money"),
                    Column("account", "收款账户"),
                    Column("status", "状态"),
                    Column("requested_at", "申请时间", "time"),
                    Column("reviewed_at", "审核时间", "time"),
                    Column("note", "备注", "muted"),
                ],
                await withdrawal_rows(session),
                actions=[
                    Action("批准打款", "/hq/distribution/withdrawals/{id}/approve", when="pending"),
                    Action("拒绝", "/hq/distribution/withdrawals/{id}/reject", "secondary", when="pending"),
                ],
                empty="没有提现申请",
            ),
            Table(
                "distributors",
                "分销员（个人信息已脱敏）",
                [
                    Column("code", "分销码"),
                    Column("phone", "手机", "phone"),
                    Column("name", "姓名"),
                    Column("status", "状态"),
                    Column("frozen", "冻结", "money"),
                    Column("available", "可提现", "money"),
                    Column("pending", "提现中", "money"),
                    Column("withdrawn", "已提现", "money"),
                    Column("joined", "加入时间", "time"),
                ],
                await distributor_rows(session),
                empty="还没有分销员",
            ),
            by_store,
        ],
    }


table_page(router, "/distribution", "distribution", TITLE, build)
PAGE = ("distribution", TITLE, build)


def _percent_bp(text: str, field: str) -> int:
    try:
        value = float(text or 0)
    except ValueError as exc:
        raise ValueError(f"{field}请填写百分比") from exc
    if not 0 <= value <= 50:
        raise ValueError(f"{field}应在 0 到 50 之间")
    return round(value * 100)


@router.post("/distribution/settings", response_model=None)
async def save_settings(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    levels: Annotated[str, Form(max_length=2)] = "",
    level1: Annotated[str, Form(max_length=6)] = "",
    level2: Annotated[str, Form(max_length=6)] = "",
    level3: Annotated[str, Form(max_length=6)] = "",
    min_withdrawal: Annotated[str, Form(max_length=12)] = "",
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ changes the distribution settings.")
    try:
        body = DistributionSettingsUpdate(
            enabled=enabled,
            levels=parse_int(levels, "层级", 1, 3),
            level1_bp=_percent_bp(level1, "一级佣金"),
            level2_bp=_percent_bp(level2, "二级佣金"),
            level3_bp=_percent_bp(level3, "三级佣金"),
            min_withdrawal=parse_fen(min_withdrawal, "最低提现"),
        )
        await distribution.update_settings(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "settings", exc)
    return RedirectResponse("/hq/distribution?flash=分销设置已保存", status_code=303)


@router.post("/distribution/withdrawals/{withdrawal_id}/{decision}")
async def review_withdrawal(
    request: Request,
    principal: HQUser,
    session: DbSession,
    withdrawal_id: int,
    decision: str,
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=120)] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ reviews withdrawals.")
    if decision not in ("approve", "reject"):
        raise ValidationFailed("Unknown decision.", detail={"decision": decision})
    approve = decision == "approve"
    body = WithdrawalReview(approve=approve, note=note or ("总部后台批准" if approve else "总部后台拒绝"))
    await distribution.review_withdrawal(session, principal, withdrawal_id, body)
    done = "已批准打款" if approve else "已拒绝，金额退回可提现余额"
    return RedirectResponse(f"/hq/distribution?flash=提现 {withdrawal_id} {done}", status_code=303)
