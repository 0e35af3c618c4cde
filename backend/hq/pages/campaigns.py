"""秒杀与拼团: flash-sale slots and group buys with their results; HQ creates, schedules and ends them here
through the same campaign services as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.campaigns import flashsale, groupbuy
from backend.campaigns.models import FlashClaim, FlashItem, FlashSlot, Group, GroupBuyDeal, GroupSeat
from backend.campaigns.schemas import FlashItemCreate, FlashSlotCreate, GroupBuyDealCreate
from backend.catalog import repository as catalog_repo
from backend.catalog.models import Product, Sku
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError
from backend.core.time import as_utc, utcnow
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
    parse_local,
    split_codes,
    table_page,
    to_local,
)
from backend.hq.web import Form as PageForm
from backend.stores import repository as store_repo
from backend.stores.models import Store

router = APIRouter()
nav("campaigns", "秒杀与拼团", "/hq/campaigns")
TITLE = "秒杀与拼团"
PAID_SEATS = ("paid", "ordered")


def state(starts_at: Any, ends_at: Any, active: bool = True) -> str:
    now = utcnow()
    if not active:
        return "已停止"
    if as_utc(starts_at) > now:
        return "未开始"
    return "进行中" if as_utc(ends_at) > now else "已结束"


async def flash_rows(session: AsyncSession, principal: Principal, limit: int) -> list[dict[str, Any]]:
    paid = (
        select(
            FlashClaim.item_id,
            func.count(distinct(FlashClaim.member_id)).label("buyers"),
            func.sum(FlashClaim.amount).label("revenue"),
        )
        .where(FlashClaim.status == "paid")
        .group_by(FlashClaim.item_id)
        .subquery()
    )
    query = (
        select(FlashItem, FlashSlot, Store.name_zh, Sku.code, Product.name_zh, paid.c.buyers, paid.c.revenue)
        .join(FlashSlot, FlashSlot.id == FlashItem.slot_id)
        .join(Store, Store.id == FlashItem.store_id)
        .join(Sku, Sku.id == FlashItem.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .outerjoin(paid, paid.c.item_id == FlashItem.id)
        .order_by(FlashSlot.starts_at.desc(), FlashItem.id)
        .limit(limit)
    )
    rows = []
    for item, slot, store, code, name, buyers, revenue in (
        await session.execute(scoped(query, FlashItem.store_id, principal.store_ids))
    ).all():
        status = state(item.starts_at, item.ends_at)
        rows.append(
            {
                "slot_id": slot.id,
                "slot": slot.name_zh,
                "store": store,
                "name": f"{name}（{code}）",
                "price": item.price,
                "pool": item.pool,
                "sold": item.sold,
                "sell_through": item.sold / item.pool if item.pool else 0.0,
                "buyers": buyers or 0,
                "revenue": revenue or 0,
                "returned": item.returned,
                "starts_at": to_local(item.starts_at),
                "ends_at": to_local(item.ends_at),
                "state": status,
                "running": status == "进行中" and principal.is_hq,
            }
        )
    return rows


async def group_rows(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """Every group buy with its groups and paid seats (a franchisee: those taken at their stores)."""
    seats = (
        select(
            GroupSeat.deal_id,
            func.count(distinct(GroupSeat.group_id)).label("groups"),
            func.count(distinct(Group.id)).filter(Group.status == "succeeded").label("succeeded"),
            func.count().filter(GroupSeat.status.in_(PAID_SEATS)).label("paid"),
            func.coalesce(func.sum(GroupSeat.amount).filter(GroupSeat.status.in_(PAID_SEATS)), 0).label(
                "revenue"
            ),
        )
        .join(Group, Group.id == GroupSeat.group_id)
        .group_by(GroupSeat.deal_id)
    )
    stats = {
        deal_id: (groups, succeeded, paid, revenue)
        for deal_id, groups, succeeded, paid, revenue in (
            await session.execute(scoped(seats, GroupSeat.store_id, principal.store_ids))
        ).all()
    }
    query = (
        select(GroupBuyDeal, Sku.code, Sku.base_price)
        .join(Sku, Sku.id == GroupBuyDeal.sku_id)
        .order_by(GroupBuyDeal.starts_at.desc())
    )
    rows = []
    for deal, code, base in (await session.execute(query)).all():
        groups, succeeded, paid, revenue = stats.get(deal.id, (0, 0, 0, 0))
        status = state(deal.starts_at, deal.ends_at, deal.active)
        rows.append(
            {
                "id": deal.id,
                "name": deal.name_zh,
                "sku": code,
                "base_price": base,
                "group_price": deal.group_price,
                "size": deal.group_size,
                "hours": f"{deal.time_limit_minutes / 60:g}",
                "limit": deal.per_member_limit,
                "starts_at": to_local(deal.starts_at),
                "ends_at": to_local(deal.ends_at),
                "state": status,
                "groups": groups,
                "succeeded": succeeded,
                "paid": paid,
                "revenue": revenue,
                "stoppable": status in ("进行中", "未开始") and principal.is_hq,
            }
        )
    return rows


def _forms() -> list[PageForm]:
    window = [
        Input("starts_at", "开始（北京时间）", "datetime-local"),
        Input("ends_at", "结束（北京时间）", "datetime-local"),
    ]
    return [
        PageForm(
            "flash_sale",
            "新建秒杀场次",
            "/hq/campaigns/flash-sales",
            [
                Input("name", "场次名称", placeholder="例如：周五 10 点秒杀"),
                Input("stores", "门店编码（逗号分隔）"),
                Input("sku", "SKU 编码"),
                Input("price", "秒杀价（元）", "number"),
                Input("pool", "每店库存池（件）", "number"),
                Input("limit", "每人限购", "number", value="1"),
                *window,
            ],
            submit="创建",
            note="库存池在创建时从各门店库存划出，场次结束后未售出的退回门店；开始时间在未来即为预约场次。",
        ),
        PageForm(
            "group_buy",
            "新建拼团",
            "/hq/campaigns/group-buys",
            [
                Input("name", "活动名称", placeholder="例如：三人成团"),
                Input("sku", "SKU 编码"),
                Input("price", "拼团价（元）", "number"),
                Input("size", "成团人数", "number", value="3"),
                Input("hours", "成团时限（小时）", "number", value="24"),
                Input("limit", "每人限购", "number", value="1"),
                *window,
            ],
            submit="创建",
        ),
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 50_000 if request.url.path.endswith(".csv") else 300
    flash = Table(
        "flash_sales",
        "秒杀（按场次与门店）",
        [
            Column("slot_id", "场次"),
            Column("slot", "名称"),
            Column("store", "门店"),
            Column("name", "商品"),
            Column("price", "秒杀价", "money"),
            Column("pool", "库存池", "count"),
            Column("sold", "已抢", "count"),
            Column("sell_through", "售罄率", "share"),
            Column("buyers", "付款人数", "count"),
            Column("revenue", "付款金额", "money"),
            Column("returned", "退回门店", "count"),
            Column("starts_at", "开始（北京时间）", "time"),
            Column("ends_at", "结束（北京时间）", "time"),
            Column("state", "状态"),
        ],
        await flash_rows(session, principal, limit),
        actions=[Action("立即结束", "/hq/campaigns/flash-sales/{slot_id}/end", "secondary", when="running")],
        empty="还没有秒杀场次",
    )
    groups = Table(
        "group_buys",
        "拼团",
        [
            Column("id", "编号"),
            Column("name", "名称"),
            Column("sku", "SKU"),
            Column("base_price", "原价", "money"),
            Column("group_price", "拼团价", "money"),
            Column("size", "成团人数", "count"),
            Column("hours", "时限（小时）"),
            Column("limit", "限购", "count"),
            Column("starts_at", "开始（北京时间）", "time"),
            Column("ends_at", "结束（北京时间）", "time"),
            Column("state", "状态"),
            Column("groups", "开团数", "count"),
            Column("succeeded", "成团数", "count"),
            Column("paid", "付款席位", "count"),
            Column("revenue", "付款金额", "money"),
        ],
        await group_rows(session, principal),
        actions=[Action("停止", "/hq/campaigns/group-buys/{id}/stop", "secondary", when="stoppable")],
        empty="还没有拼团活动",
        note=None if principal.is_hq else "开团与付款数据仅统计本加盟商门店。",
    )
    return {"forms": _forms() if principal.is_hq else [], "tables": [flash, groups]}


table_page(router, "/campaigns", "campaigns", TITLE, build)
PAGE = ("campaigns", TITLE, build)


async def _sku_id(session: AsyncSession, code: str) -> int:
    found = (await catalog_repo.sku_ids_by_code(session, [code.strip()])).get(code.strip())
    if found is None:
        raise ValueError(f"找不到 SKU：{code.strip() or '（未填写）'}")
    return found


def _hq(principal: Principal) -> None:
    if not principal.is_hq:
        raise Forbidden("Only HQ runs flash sales and group buys.")


@router.post("/campaigns/flash-sales", response_model=None)
async def create_flash_sale(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=80)] = "",
    stores: Annotated[str, Form(max_length=2000)] = "",
    sku: Annotated[str, Form(max_length=40)] = "",
    price: Annotated[str, Form(max_length=20)] = "",
    pool: Annotated[str, Form(max_length=10)] = "",
    limit: Annotated[str, Form(max_length=3)] = "1",
    starts_at: Annotated[str, Form(max_length=20)] = "",
    ends_at: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(request, csrf)
    _hq(principal)
    try:
        codes = split_codes(stores)
        found = await store_repo.ids_by_code(session, codes)
        missing = [c for c in codes if c not in found]
        if missing or not codes:
            raise ValueError(f"找不到门店：{'、'.join(missing) or '（未填写）'}")
        sku_id = await _sku_id(session, sku)
        unit, units, per = (
            parse_fen(price, "秒杀价"),
            parse_int(pool, "库存池"),
            parse_int(limit, "每人限购", 1, 99),
        )
        body = FlashSlotCreate(
            name_zh=name.strip() or "秒杀",
            name_en=name.strip() or "Flash sale",
            starts_at=parse_local(starts_at, "开始"),
            ends_at=parse_local(ends_at, "结束"),
            items=[
                FlashItemCreate(
                    store_id=found[c], sku_id=sku_id, price=unit, pool=units, per_member_limit=per
                )
                for c in codes
            ],
        )
        async with session.begin_nested():
            slot, _ = await flashsale.create_slot(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "flash_sale", exc)
    return RedirectResponse(f"/hq/campaigns?flash=已创建秒杀场次 {slot.id}", status_code=303)


@router.post("/campaigns/flash-sales/{slot_id}/end")
async def end_flash_sale(
    request: Request, principal: HQUser, session: DbSession, slot_id: int, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    _hq(principal)
    await flashsale.end_slot(session, principal, slot_id)
    return RedirectResponse(
        f"/hq/campaigns?flash=秒杀场次 {slot_id} 已结束，未售库存已退回门店", status_code=303
    )


@router.post("/campaigns/group-buys", response_model=None)
async def create_group_buy(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=80)] = "",
    sku: Annotated[str, Form(max_length=40)] = "",
    price: Annotated[str, Form(max_length=20)] = "",
    size: Annotated[str, Form(max_length=4)] = "3",
    hours: Annotated[str, Form(max_length=6)] = "24",
    limit: Annotated[str, Form(max_length=3)] = "1",
    starts_at: Annotated[str, Form(max_length=20)] = "",
    ends_at: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(request, csrf)
    _hq(principal)
    try:
        try:
            time_limit = float(hours)
        except ValueError as exc:
            raise ValueError("成团时限请填写小时数") from exc
        body = GroupBuyDealCreate(
            sku_id=await _sku_id(session, sku),
            name_zh=name.strip() or "拼团",
            name_en=name.strip() or "Group buy",
            group_price=parse_fen(price, "拼团价"),
            group_size=parse_int(size, "成团人数", 2, 100),
            time_limit_hours=time_limit,
            per_member_limit=parse_int(limit, "每人限购", 1, 99),
            starts_at=parse_local(starts_at, "开始"),
            ends_at=parse_local(ends_at, "结束"),
        )
        deal = await groupbuy.create_deal(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "group_buy", exc)
    return RedirectResponse(f"/hq/campaigns?flash=已创建拼团 {deal.id}：{deal.name_zh}", status_code=303)


@router.post("/campaigns/group-buys/{deal_id}/stop")
async def stop_group_buy(
    request: Request, principal: HQUser, session: DbSession, deal_id: int, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    _hq(principal)
    await groupbuy.stop_deal(session, principal, deal_id)
    return RedirectResponse(f"/hq/campaigns?flash=拼团 {deal_id} 已停止", status_code=303)
