"""会员: tiers and members with personal data masked; franchisees see the members of their stores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError
from backend.core.privacy import mask_name
from backend.hq.queries import scoped
from backend.hq.session import check_csrf
from backend.hq.web import Column, HQUser, Input, Table, form_failed, nav, table_page
from backend.hq.web import Form as PageForm
from backend.intelligence import service as intelligence
from backend.intelligence.models import CampaignTarget, MemberSegment, ReactivationCampaign
from backend.intelligence.schemas import CampaignCreate
from backend.intelligence.segments import SEGMENT_NAMES
from backend.marketing.models import CouponTemplate
from backend.members.models import Member, MemberWallet, TierRule
from backend.orders.models import Order, OrderLine, OrderStatus
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


async def segment_rows(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """The RFM segments of the members the user sees, with their averages and how many sleep."""
    query = (
        select(
            MemberSegment.segment,
            func.count(),
            func.avg(MemberSegment.recency_days),
            func.avg(MemberSegment.frequency),
            func.avg(MemberSegment.monetary),
            func.sum(MemberSegment.monetary),
            func.count().filter(MemberSegment.sleeping.is_(True)),
            func.max(MemberSegment.computed_at),
        )
        .join(Member, Member.id == MemberSegment.member_id)
        .where(Member.deleted_at.is_(None))
        .group_by(MemberSegment.segment)
    )
    order = list(SEGMENT_NAMES)
    rows = [
        {
            "code": code,
            "segment": SEGMENT_NAMES.get(code, (code, ""))[0],
            "members": n,
            "recency": round(float(recency or 0), 1),
            "frequency": round(float(frequency or 0), 1),
            "monetary": round(float(monetary or 0)),
            "total": total or 0,
            "sleeping": sleeping or 0,
            "computed_at": at,
        }
        for code, n, recency, frequency, monetary, total, sleeping, at in (
            await session.execute(scoped(query, Member.home_store_id, principal.store_ids))
        ).all()
    ]
    return sorted(rows, key=lambda r: order.index(r["code"]) if r["code"] in order else len(order))


async def sleeping_rows(session: AsyncSession, principal: Principal, limit: int) -> list[dict[str, Any]]:
    query = (
        select(MemberSegment, Member, Store.name_zh)
        .join(Member, Member.id == MemberSegment.member_id)
        .outerjoin(Store, Store.id == Member.home_store_id)
        .where(MemberSegment.sleeping.is_(True), Member.deleted_at.is_(None))
        .order_by(MemberSegment.monetary.desc(), MemberSegment.member_id)
        .limit(limit)
    )
    return [
        {
            "id": m.id,
            "phone": m.phone,
            "name": mask_name(m.name) or "",
            "segment": SEGMENT_NAMES.get(seg.segment, (seg.segment, ""))[0],
            "last_purchase": seg.last_purchase_at,
            "recency": seg.recency_days,
            "interval": round(seg.usual_interval_days, 1) if seg.usual_interval_days else None,
            "monetary": seg.monetary,
            "churn_risk": seg.churn_risk,
            "home_store": store or "",
            "consent": "是" if m.marketing_consent else "否",
        }
        for seg, m, store in (
            await session.execute(scoped(query, Member.home_store_id, principal.store_ids))
        ).all()
    ]


def _audience_text(audience: str) -> str:
    if audience == "sleeping":
        return "沉睡会员"
    return SEGMENT_NAMES.get(audience.partition(":")[2], (audience, ""))[0]


async def campaign_rows(session: AsyncSession) -> list[dict[str, Any]]:
    """Reactivation campaigns with their response; ROI = (revenue − coupon discount) / coupon discount."""
    campaigns = list(
        await session.scalars(
            select(ReactivationCampaign).order_by(ReactivationCampaign.id.desc()).limit(100)
        )
    )
    templates = dict((await session.execute(select(CouponTemplate.id, CouponTemplate.name_zh))).all())
    rows = []
    for c in campaigns:
        report = await intelligence.campaign_report(session, c.id)
        coupons = set(
            await session.scalars(
                select(CampaignTarget.coupon_id).where(
                    CampaignTarget.campaign_id == c.id, CampaignTarget.coupon_id.is_not(None)
                )
            )
        )
        discount = 0
        if coupons:
            members = select(CampaignTarget.member_id).where(CampaignTarget.campaign_id == c.id)
            lines = await session.scalars(
                select(OrderLine.discounts)
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.member_id.in_(members), Order.created_at >= c.created_at)
            )
            discount = sum(
                int(d["amount"]) for ds in lines for d in ds or [] if int(d.get("coupon_id") or 0) in coupons
            )
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "audience": _audience_text(c.audience),
                "coupon": templates.get(c.template_id, c.template_id),
                "created_at": c.created_at,
                "targets": report.targets,
                "issued": report.coupons_issued,
                "used": report.coupons_used,
                "responders": report.responders,
                "response_rate": report.response_rate,
                "orders": report.orders,
                "revenue": report.revenue,
                "discount": discount,
                "roi": f"{(report.revenue - discount) / discount:.2f}" if discount else "",
            }
        )
    return rows


async def _campaign_form(session: AsyncSession) -> PageForm:
    templates = (
        await session.execute(
            select(CouponTemplate.id, CouponTemplate.name_zh)
            .where(CouponTemplate.active.is_(True))
            .order_by(CouponTemplate.id.desc())
        )
    ).all()
    audiences = [("sleeping", "沉睡会员")] + [(f"segment:{k}", v[0]) for k, v in SEGMENT_NAMES.items()]
    return PageForm(
        "campaign",
        "发起唤醒活动",
        "/hq/members/campaigns",
        [
            Input("name", "活动名称", placeholder="例如：沉睡会员回归礼"),
            Input("audience", "目标人群", "select", audiences),
            Input(
                "template_id",
                "发放优惠券",
                "select",
                [(str(i), n) for i, n in templates] or [("", "（没有启用的优惠券模板）")],
            ),
        ],
        submit="发券",
        note="向目标人群的每位会员发放一张优惠券，之后的到店和线上消费计入活动效果。",
    )


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 100_000 if request.url.path.endswith(".csv") else 200
    segments = Table(
        "segments",
        "RFM 会员分群",
        [
            Column("segment", "分群"),
            Column("members", "人数", "count"),
            Column("recency", "平均未消费天数"),
            Column("frequency", "平均消费天数"),
            Column("monetary", "人均消费", "money"),
            Column("total", "消费总额", "money"),
            Column("sleeping", "其中沉睡", "count"),
            Column("computed_at", "计算时间", "time"),
        ],
        await segment_rows(session, principal),
        empty="暂无分群结果（由 intelligence.score_members 任务计算）",
    )
    sleeping = Table(
        "sleeping",
        "沉睡会员（个人信息已脱敏）",
        [
            Column("id", "编号"),
            Column("phone", "手机", "phone"),
            Column("name", "姓名"),
            Column("segment", "分群"),
            Column("last_purchase", "最近消费", "time"),
            Column("recency", "未消费天数", "count"),
            Column("interval", "平常间隔（天）"),
            Column("monetary", "累计消费", "money"),
            Column("churn_risk", "流失风险", "share"),
            Column("home_store", "常去门店"),
            Column("consent", "营销授权"),
        ],
        await sleeping_rows(session, principal, limit),
        empty="没有沉睡会员",
    )
    context: dict[str, Any] = {"tables": [segments, sleeping]}
    if principal.is_hq:
        context["forms"] = [await _campaign_form(session)]
        context["tables"].append(
            Table(
                "campaigns",
                "唤醒活动效果",
                [
                    Column("id", "编号"),
                    Column("name", "名称"),
                    Column("audience", "人群"),
                    Column("coupon", "优惠券"),
                    Column("created_at", "发起时间", "time"),
                    Column("targets", "触达", "count"),
                    Column("issued", "发券", "count"),
                    Column("used", "用券", "count"),
                    Column("responders", "回购人数", "count"),
                    Column("response_rate", "回购率", "share"),
                    Column("orders", "订单", "count"),
                    Column("revenue", "带来销售", "money"),
                    Column("discount", "券让利", "money"),
                    Column("roi", "ROI"),
                ],
                await campaign_rows(session),
                empty="还没有唤醒活动",
            )
        )
    return {
        **context,
        "tables": [
            *context["tables"],
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
        ],
    }


table_page(router, "/members", "members", "会员", build)
PAGE = ("members", "会员", build)


@router.post("/members/campaigns", response_model=None)
async def start_campaign(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=120)] = "",
    audience: Annotated[str, Form(max_length=40)] = "sleeping",
    template_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ starts reactivation campaigns.")
    try:
        if not template_id.isdigit():
            raise ValueError("请选择优惠券")
        body = CampaignCreate(
            name=name.strip() or "会员唤醒", template_id=int(template_id), audience=audience
        )
        async with session.begin_nested():
            report = await intelligence.create_campaign(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "campaign", exc)
    return RedirectResponse(
        f"/hq/members?flash=已向 {report.targets} 位会员发券（{report.coupons_issued} 张）", status_code=303
    )
