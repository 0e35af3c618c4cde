"""营销: promotions and coupon templates with their results (orders, discount given, sales lift, ROI);
HQ creates and stops promotions here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog.models import Category, Product, Sku
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError
from backend.core.money import yuan
from backend.core.time import utcnow
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
    parse_local,
    split_codes,
    table_page,
)
from backend.hq.web import Form as PageForm
from backend.marketing import coupons as coupon_service
from backend.marketing import promotions as promotion_service
from backend.marketing.models import Coupon, CouponStatus, CouponTemplate, Promotion
from backend.marketing.schemas import (
    CouponTemplateCreate,
    CouponTemplateUpdate,
    PromotionCreate,
    PromotionUpdate,
)
from backend.orders.models import Order, OrderLine, OrderStatus

router = APIRouter()
nav("marketing", "营销", "/hq/marketing")

# The form takes Beijing time, the way HQ plans campaigns; everything is stored in UTC.
LOCAL = ZoneInfo("Asia/Shanghai")
TYPE_ZH = {
    "threshold": "满减",
    "percent": "折扣",
    "fixed": "立减",
    "special_price": "特价",
    "nth_discount": "第N件N折",
    "bundle": "组合价",
    "gift": "满赠",
}
CHANNEL_ZH = {"online": "线上", "in_store": "门店"}
COUPON_ZH = {"threshold": "满减券", "fixed": "立减券", "percent": "折扣券", "free_shipping": "免运费券"}
# How far back campaign results look (orders are scanned in this window).
RESULTS_DAYS = 60


def rule_text(rule: dict[str, Any]) -> str:
    kind = rule.get("type")
    if kind == "threshold":
        return "，".join(f"满{yuan(t['threshold'])}减{yuan(t['off'])}" for t in rule["tiers"])
    if kind == "percent":
        return f"{(10_000 - rule['percent_bp']) / 1000:g}折"
    if kind == "fixed":
        return f"立减{yuan(rule['amount'])}"
    if kind == "special_price":
        return f"特价{yuan(rule['price'])}"
    if kind == "nth_discount":
        return f"第{rule['n']}件{rule['rate_bp'] / 1000:g}折"
    if kind == "bundle":
        return f"{len(rule['sku_ids'])}件组合价{yuan(rule['price'])}"
    if kind == "gift":
        return f"满{yuan(rule['threshold'])}赠{rule.get('quantity', 1)}件"
    return str(rule)


@dataclass(slots=True)
class Result:
    orders: set[int]
    discount: int = 0
    sales: int = 0


async def _recent_lines(session: AsyncSession, since: datetime) -> list[tuple[int, int, int, datetime, list]]:
    """(order id, sku id, net line amount, sold at, discounts) of paid orders since ``since``."""
    at = func.coalesce(Order.sold_at, Order.paid_at)
    query = (
        select(
            Order.id,
            OrderLine.sku_id,
            OrderLine.line_total - OrderLine.refunded_amount,
            at,
            OrderLine.discounts,
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            Order.paid_at.is_not(None),
            Order.status.not_in((OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT)),
            at >= since,
        )
    )
    return [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]


async def _scope_skus(session: AsyncSession, promotion: Promotion) -> set[int] | None:
    if promotion.scope == "skus":
        return {int(i) for i in promotion.scope_ids}
    if promotion.scope == "categories":
        ids = {int(i) for i in promotion.scope_ids}
        children = set(await session.scalars(select(Category.id).where(Category.parent_id.in_(ids))))
        rows = await session.scalars(
            select(Sku.id)
            .join(Product, Product.id == Sku.product_id)
            .where(Product.category_id.in_(ids | children))
        )
        return set(rows)
    return None


async def promotion_rows(session: AsyncSession, lines: list, now: datetime) -> list[dict[str, Any]]:
    """``lines`` reach back twice the results window: the lift compares against the span before."""
    by_promotion: dict[int, Result] = defaultdict(lambda: Result(set()))
    for order_id, _sku, net, _at, discounts in lines:
        for d in discounts or []:
            if "promotion_id" in d:
                result = by_promotion[int(d["promotion_id"])]
                result.orders.add(order_id)
                result.discount += int(d["amount"])
                result.sales += net
    rows = []
    for p in await session.scalars(select(Promotion).order_by(Promotion.starts_at.desc())):
        result = by_promotion.get(p.id, Result(set()))
        lift, roi = await _lift(session, p, lines, now, result.discount)
        state = (
            "进行中"
            if p.active and p.starts_at <= now < p.ends_at
            else ("未开始" if p.starts_at > now else "已结束")
        )
        rows.append(
            {
                "id": p.id,
                "name": p.name_zh,
                "type": TYPE_ZH.get(p.type, p.type),
                "rule": rule_text(p.rule),
                "channels": "、".join(CHANNEL_ZH.get(c, c) for c in p.channels),
                "stores": "全部门店" if p.store_ids is None else f"{len(p.store_ids)} 家门店",
                "starts_at": p.starts_at.astimezone(LOCAL).replace(tzinfo=None) if p.starts_at else None,
                "ends_at": p.ends_at.astimezone(LOCAL).replace(tzinfo=None) if p.ends_at else None,
                "state": state if p.active else "已停用",
                "running": p.active and p.ends_at > now,
                "orders": len(result.orders),
                "discount": result.discount,
                "sales": result.sales,
                "lift": lift,
                "roi": roi,
            }
        )
    return rows


async def _lift(
    session: AsyncSession, promotion: Promotion, lines: list, now: datetime, discount: int
) -> tuple[int | None, str]:
    """Sales of the promotion's scope while it ran, less the same scope's sales in as long a span before.

    ROI is (lift − discount) / discount; both are blank until the promotion has run and given a discount.
    """
    start = promotion.starts_at
    end = min(promotion.ends_at, now)
    if end <= start or not discount:
        return None, ""
    span = min(end - start, timedelta(days=RESULTS_DAYS // 2))
    start = end - span
    skus = await _scope_skus(session, promotion)
    during = before = 0
    for _order, sku, net, at, _d in lines:
        if skus is not None and sku not in skus:
            continue
        if start <= at < end:
            during += net
        elif start - span <= at < start:
            before += net
    lift = during - before
    return lift, f"{(lift - discount) / discount:.2f}"


async def coupon_rows(session: AsyncSession, lines: list) -> list[dict[str, Any]]:
    counts = {
        (tid, status): n
        for tid, status, n in (
            await session.execute(
                select(Coupon.template_id, Coupon.status, func.count()).group_by(
                    Coupon.template_id, Coupon.status
                )
            )
        ).all()
    }
    coupon_template = dict((await session.execute(select(Coupon.id, Coupon.template_id))).all())
    discount: dict[int, int] = defaultdict(int)
    for _order, _sku, _net, _at, discounts in lines:
        for d in discounts or []:
            if "coupon_id" in d and int(d["coupon_id"]) in coupon_template:
                discount[coupon_template[int(d["coupon_id"])]] += int(d["amount"])
    rows = []
    for t in await session.scalars(select(CouponTemplate).order_by(CouponTemplate.id.desc())):
        used = counts.get((t.id, CouponStatus.USED), 0)
        rows.append(
            {
                "id": t.id,
                "running": t.active,
                "name": t.name_zh,
                "kind": COUPON_ZH.get(t.kind, t.kind),
                "face": yuan(t.amount)
                if t.amount
                else (f"{(10_000 - t.percent_bp) / 1000:g}折" if t.percent_bp else ""),
                "threshold": t.threshold,
                "channels": "、".join(CHANNEL_ZH.get(c, c) for c in t.channels),
                "issued": t.issued,
                "total": t.total_quantity,
                "used": used,
                "use_rate": used / t.issued if t.issued else 0.0,
                "discount": discount.get(t.id, 0),
                "active": "启用" if t.active else "停用",
            }
        )
    return rows


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    now = utcnow()
    # One scan of the order lines serves both tables: promotions look back twice the window for their lift.
    lines = await _recent_lines(session, now - timedelta(days=2 * RESULTS_DAYS))
    recent = [line for line in lines if line[3] >= now - timedelta(days=RESULTS_DAYS)]
    promotions = Table(
        "promotions",
        "促销活动",
        [
            Column("id", "编号"),
            Column("name", "名称"),
            Column("type", "类型"),
            Column("rule", "规则"),
            Column("channels", "渠道"),
            Column("stores", "门店"),
            Column("starts_at", "开始（北京时间）", "time"),
            Column("ends_at", "结束（北京时间）", "time"),
            Column("state", "状态"),
            Column("orders", "订单", "count"),
            Column("discount", "让利", "money"),
            Column("sales", "带动销售", "money"),
            Column("lift", "销售增量", "money"),
            Column("roi", "ROI"),
        ],
        await promotion_rows(session, lines, now),
        actions=[Action("停用", "/hq/marketing/promotions/{id}/stop", "secondary", when="running")],
        note=(
            f"结果统计近 {RESULTS_DAYS} 天的已支付订单；"
            "销售增量 = 活动期间活动范围的销售额 − 活动前同等时长的销售额。"
        ),
    )
    coupons = Table(
        "coupons",
        "优惠券模板",
        [
            Column("id", "编号"),
            Column("name", "名称"),
            Column("kind", "类型"),
            Column("face", "面额"),
            Column("threshold", "使用门槛", "money"),
            Column("channels", "渠道"),
            Column("issued", "已发放", "count"),
            Column("total", "总量", "count"),
            Column("used", "已使用", "count"),
            Column("use_rate", "核销率", "share"),
            Column("discount", "让利", "money"),
            Column("active", "状态"),
        ],
        await coupon_rows(session, recent),
        actions=[Action("停发", "/hq/marketing/coupon-templates/{id}/stop", "secondary", when="running")]
        if principal.is_hq
        else [],
        note="向某个会员分群发券：在「会员」页按 RFM 分群或沉睡会员发起唤醒活动。",
    )
    context: dict[str, Any] = {"tables": [promotions, coupons]}
    if principal.is_hq:
        context["forms"] = ["_promotion_form.html", COUPON_FORM]
    return context


COUPON_FORM = PageForm(
    "coupon_template",
    "新建优惠券模板",
    "/hq/marketing/coupon-templates",
    [
        Input("name", "券名称", placeholder="例如：满50减10"),
        Input(
            "kind", "类型", "select", [("threshold", "满减券"), ("fixed", "立减券"), ("percent", "折扣券")]
        ),
        Input("amount", "面额（元）/ 折数", "number", placeholder="10 或 8.5"),
        Input("threshold", "使用门槛（元）", "number", required=False, placeholder="满减券必填"),
        Input("total", "发放总量", "number", value="1000"),
        Input("valid_days", "领取后有效天数", "number", value="7"),
        Input("online", "线上", "checkbox", value="1"),
        Input("in_store", "门店", "checkbox", value="1"),
    ],
    submit="发布优惠券",
)


table_page(router, "/marketing", "marketing", "营销", build)
PAGE = ("marketing", "营销", build)


def _rule(kind: str, a: str, b: str) -> dict[str, Any]:
    if kind == "threshold":
        return {
            "type": "threshold",
            "tiers": [{"threshold": parse_fen(a, "门槛"), "off": parse_fen(b, "减免")}],
        }
    if kind == "percent":
        rate = float(a or 0)
        if not 0 < rate < 10:
            raise ValueError("折扣请填 0 到 10 之间的折数，例如 8.5")
        return {"type": "percent", "percent_bp": round((10 - rate) * 1000)}
    if kind == "special_price":
        return {"type": "special_price", "price": parse_fen(a, "特价")}
    if kind == "nth_discount":
        rate = float(b or 0)
        return {"type": "nth_discount", "n": int(a or 2), "rate_bp": round(rate * 1000)}
    raise ValueError("请选择活动类型")


async def _scope(session: AsyncSession, scope: str, codes: str) -> list[int]:
    wanted = split_codes(codes)
    if scope == "all":
        return []
    model = Sku if scope == "skus" else Category
    found = dict((await session.execute(select(model.code, model.id).where(model.code.in_(wanted)))).all())
    missing = [c for c in wanted if c not in found]
    if missing or not wanted:
        raise ValueError(f"找不到编码：{'、'.join(missing) or '（未填写）'}")
    return [found[c] for c in wanted]


@router.post("/marketing/promotions", response_model=None)
async def create_promotion(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=120)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    a: Annotated[str, Form(max_length=20)] = "",
    b: Annotated[str, Form(max_length=20)] = "",
    scope: Annotated[str, Form(pattern="^(all|skus|categories)$")] = "all",
    codes: Annotated[str, Form(max_length=2000)] = "",
    online: Annotated[bool, Form()] = False,
    in_store: Annotated[bool, Form()] = False,
    starts_at: Annotated[str, Form(max_length=20)] = "",
    ends_at: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ creates promotions.")
    try:
        if not name.strip():
            raise ValueError("请填写活动名称")
        body = PromotionCreate(
            name_zh=name.strip(),
            name_en=name.strip(),
            rule=_rule(kind, a, b),
            scope=scope,
            scope_ids=await _scope(session, scope, codes),
            channels=[c for c, on in (("online", online), ("in_store", in_store)) if on],
            starts_at=parse_local(starts_at, "开始"),
            ends_at=parse_local(ends_at, "结束"),
        )
    except (ValueError, ValidationError) as exc:
        return await form_failed(request, session, principal, PAGE, "promotion", exc)
    promotion = await promotion_service.create(session, principal, body)
    return RedirectResponse(
        f"/hq/marketing?flash=已创建促销 {promotion.id}：{promotion.name_zh}", status_code=303
    )


@router.post("/marketing/coupon-templates", response_model=None)
async def create_coupon_template(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=120)] = "",
    kind: Annotated[str, Form(pattern="^(threshold|fixed|percent)$")] = "threshold",
    amount: Annotated[str, Form(max_length=20)] = "",
    threshold: Annotated[str, Form(max_length=20)] = "",
    total: Annotated[str, Form(max_length=10)] = "",
    valid_days: Annotated[str, Form(max_length=5)] = "",
    online: Annotated[bool, Form()] = False,
    in_store: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ creates coupon templates.")
    try:
        if not name.strip():
            raise ValueError("请填写券名称")
        face: dict[str, int] = {}
        if kind == "percent":
            rate = float(amount or 0)
            if not 0 < rate < 10:
                raise ValueError("折扣券请填 0 到 10 之间的折数，例如 8.5")
            face["percent_bp"] = round((10 - rate) * 1000)
        else:
            face["amount"] = parse_fen(amount, "面额")
            if kind == "threshold":
                face["threshold"] = parse_fen(threshold, "使用门槛")
        body = CouponTemplateCreate(
            name_zh=name.strip(),
            name_en=name.strip(),
            kind=kind,  # type: ignore[arg-type]
            channels=[c for c, on in (("online", online), ("in_store", in_store)) if on],
            valid_days=parse_int(valid_days, "有效天数", 1, 3650),
            total_quantity=parse_int(total, "发放总量", 1, 10_000_000),
            **face,
        )
        template = await coupon_service.create_template(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "coupon_template", exc)
    return RedirectResponse(
        f"/hq/marketing?flash=已创建优惠券模板 {template.id}：{template.name_zh}", status_code=303
    )


@router.post("/marketing/coupon-templates/{template_id}/stop")
async def stop_coupon_template(
    request: Request,
    principal: HQUser,
    session: DbSession,
    template_id: int,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ stops coupon templates.")
    await coupon_service.update_template(session, principal, template_id, CouponTemplateUpdate(active=False))
    return RedirectResponse(f"/hq/marketing?flash=优惠券模板 {template_id} 已停发", status_code=303)


@router.post("/marketing/promotions/{promotion_id}/stop")
async def stop_promotion(
    request: Request,
    principal: HQUser,
    session: DbSession,
    promotion_id: int,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ stops promotions.")
    await promotion_service.update(session, principal, promotion_id, PromotionUpdate(active=False))
    return RedirectResponse(f"/hq/marketing?flash=已停用促销 {promotion_id}", status_code=303)
