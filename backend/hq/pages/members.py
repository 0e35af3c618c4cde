"""会员: tiers and members with personal data masked; franchisees see the members of their stores."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.privacy import mask_name
from backend.hq.queries import scoped
from backend.hq.web import Column, Table, nav, table_page
from backend.members.models import Member, MemberWallet, TierRule
from backend.orders.models import Order, OrderStatus
from backend.stores.models import Store

router = APIRouter()
nav("members", "会员", "/hq/members")


async def member_rows(session: AsyncSession, principal: Principal, limit: int) -> list[dict[str, Any]]:
    last_order = (
        select(
            Order.member_id,
            func.max(Order.paid_at).label("last"),
            func.count(Order.id).label("orders"),
            func.coalesce(func.sum(Order.total - Order.refunded_amount), 0).label("spend"),
        )
        .where(Order.paid_at.is_not(None), Order.status != OrderStatus.CANCELLED)
        .group_by(Order.member_id)
        .subquery()
    )
    query = (
        select(
            Member, MemberWallet, Store.name_zh, last_order.c.last, last_order.c.orders, last_order.c.spend
        )
        .outerjoin(MemberWallet, MemberWallet.member_id == Member.id)
        .outerjoin(Store, Store.id == Member.home_store_id)
        .outerjoin(last_order, last_order.c.member_id == Member.id)
        .where(Member.deleted_at.is_(None))
        .order_by(Member.id.desc())
        .limit(limit)
    )
    query = scoped(query, Member.home_store_id, principal.store_ids)
    tiers = {t.code: t.name_zh for t in await session.scalars(select(TierRule))}
    return [
        {
            "id": m.id,
            "phone": m.phone,
            "name": mask_name(m.name) or "",
            "tier": tiers.get(w.tier_code, "普通会员") if w else "普通会员",
            "points": w.points if w else 0,
            "stored_value": w.stored_value if w else 0,
            "spend_12m": w.spend_12m if w else 0,
            "orders": orders or 0,
            "spend": spend or 0,
            "last_order": last,
            "home_store": store or "",
            "consent": "是" if m.marketing_consent else "否",
            "joined": m.created_at,
        }
        for m, w, store, last, orders, spend in (await session.execute(query)).all()
    ]


async def tier_rows(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    query = (
        select(
            MemberWallet.tier_code,
            func.count(),
            func.sum(MemberWallet.points),
            func.sum(MemberWallet.stored_value),
        )
        .join(Member, Member.id == MemberWallet.member_id)
        .where(Member.deleted_at.is_(None))
        .group_by(MemberWallet.tier_code)
    )
    query = scoped(query, Member.home_store_id, principal.store_ids)
    rules = {t.code: t for t in await session.scalars(select(TierRule))}
    rows = []
    for code, members, points, stored in (await session.execute(query)).all():
        rule = rules.get(code)
        rows.append(
            {
                "tier": rule.name_zh if rule else "普通会员",
                "threshold": rule.min_spend_12m if rule else 0,
                "discount": f"{rule.discount_bp / 100:g}%" if rule and rule.discount_bp else "",
                "members": members,
                "points": points or 0,
                "stored_value": stored or 0,
            }
        )
    return sorted(rows, key=lambda r: r["threshold"])


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 100_000 if request.url.path.endswith(".csv") else 200
    return {
        "tables": [
            Table(
                "tiers",
                "会员等级",
                [
                    Column("tier", "等级"),
                    Column("threshold", "近 12 个月消费门槛", "money"),
                    Column("discount", "等级折扣"),
                    Column("members", "人数", "count"),
                    Column("points", "积分余额", "count"),
                    Column("stored_value", "储值余额", "money"),
                ],
                await tier_rows(session, principal),
            ),
            Table(
                "members",
                "会员（个人信息已脱敏）",
                [
                    Column("id", "编号"),
                    Column("phone", "手机", "phone"),
                    Column("name", "姓名"),
                    Column("tier", "等级"),
                    Column("points", "积分", "count"),
                    Column("stored_value", "储值", "money"),
                    Column("spend_12m", "近 12 个月消费", "money"),
                    Column("orders", "订单", "count"),
                    Column("last_order", "最近消费", "time"),
                    Column("home_store", "常去门店"),
                    Column("consent", "营销授权"),
                    Column("joined", "注册时间", "time"),
                ],
                await member_rows(session, principal, limit),
            ),
        ]
    }


table_page(router, "/members", "members", "会员", build)
