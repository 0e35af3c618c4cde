"""商品与价格: products with their SKUs, barcodes and images; price lists by store, region and city tier."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog import repository as catalog_repo
from backend.catalog.models import Barcode, Category, Product, ProductImage, Sku
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError
from backend.core.money import yuan
from backend.core.time import as_utc, utcnow
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
from backend.pricing import actions as price_actions
from backend.pricing.models import PriceChangeStatus, PriceList, PriceListItem
from backend.pricing.schemas import MarkdownRuleCreate, PriceChangeCreate, PriceListItemIn
from backend.stores import repository as store_repo
from backend.stores.models import Region, Store

router = APIRouter()
nav("catalog", "商品与价格", "/hq/catalog")

STATUS_ZH = {"on_sale": "在售", "draft": "草稿", "off_sale": "下架"}
SCOPE_ZH = {"store": "门店", "region": "区域", "city_tier": "城市等级"}
CHANGE_ZH = {"scheduled": "待生效", "effective": "已生效", "cancelled": "已取消"}


async def products(session: AsyncSession, limit: int) -> list[dict[str, Any]]:
    skus = (
        select(
            Sku.product_id,
            func.count(Sku.id).label("skus"),
            func.min(Sku.base_price).label("low"),
            func.max(Sku.base_price).label("high"),
        )
        .group_by(Sku.product_id)
        .subquery()
    )
    barcodes = (
        select(Sku.product_id, func.count(Barcode.id).label("n"))
        .join(Barcode, Barcode.sku_id == Sku.id)
        .group_by(Sku.product_id)
        .subquery()
    )
    images = (
        select(ProductImage.product_id, func.count().label("n")).group_by(ProductImage.product_id).subquery()
    )
    query = (
        select(
            Product.code,
            Product.name_zh,
            Product.name_en,
            Category.name_zh,
            Product.kind,
            Product.status,
            func.coalesce(skus.c.skus, 0),
            skus.c.low,
            skus.c.high,
            func.coalesce(barcodes.c.n, 0),
            func.coalesce(images.c.n, 0),
            Product.sales_count,
        )
        .join(Category, Category.id == Product.category_id)
        .outerjoin(skus, skus.c.product_id == Product.id)
        .outerjoin(barcodes, barcodes.c.product_id == Product.id)
        .outerjoin(images, images.c.product_id == Product.id)
        .order_by(Product.code)
        .limit(limit)
    )
    return [
        {
            "code": code,
            "name": name_zh,
            "name_en": name_en,
            "category": category,
            "kind": "服务" if kind == "service" else "商品",
            "status": STATUS_ZH.get(status, status),
            "skus": n_skus,
            "price_from": low,
            "price_to": high,
            "barcodes": n_barcodes,
            "images": n_images,
            "sold": sold,
        }
        for code, name_zh, name_en, category, kind, status, n_skus, low, high, n_barcodes, n_images, sold in (
            await session.execute(query)
        ).all()
    ]


async def price_lists(session: AsyncSession) -> list[dict[str, Any]]:
    query = (
        select(PriceList, func.count(PriceListItem.id))
        .outerjoin(PriceListItem, PriceListItem.price_list_id == PriceList.id)
        .group_by(PriceList.id)
        .order_by(PriceList.scope, PriceList.scope_value, PriceList.priority.desc())
    )
    return [
        {
            "name": pl.name,
            "scope": f"{SCOPE_ZH.get(pl.scope, pl.scope)} {pl.scope_value}",
            "priority": pl.priority,
            "valid_from": pl.valid_from,
            "valid_to": pl.valid_to,
            "active": "启用" if pl.active else "停用",
            "items": items,
        }
        for pl, items in (await session.execute(query)).all()
    ]


async def _scope_names(session: AsyncSession) -> dict[tuple[str, int], str]:
    stores = (await session.execute(select(Store.id, Store.code, Store.name_zh))).all()
    regions = (await session.execute(select(Region.id, Region.name_zh))).all()
    names = {("store", i): f"门店 {code} {name}" for i, code, name in stores}
    names.update({("region", i): f"区域 {name}" for i, name in regions})
    return names


async def _visible_scopes(session: AsyncSession, principal: Principal) -> set[tuple[str, int]] | None:
    """The price scopes that reach the user's stores (None: HQ, every scope)."""
    if principal.store_ids is None:
        return None
    rows = (
        await session.execute(
            select(Store.id, Store.region_id, Store.city_tier).where(Store.id.in_(principal.store_ids))
        )
    ).all()
    scopes = {("store", i) for i, _, _ in rows}
    scopes |= {("region", r) for _, r, _ in rows} | {("city_tier", t) for _, _, t in rows}
    return scopes


async def price_changes(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """Scheduled price changes (latest first) that reach the user's stores."""
    now = utcnow()
    visible = await _visible_scopes(session, principal)
    names = await _scope_names(session)
    changes = [
        c
        for c in await price_actions.list_changes(session)
        if visible is None or (c.scope, c.scope_value) in visible
    ]
    skus = dict(
        (
            await session.execute(
                select(Sku.id, Sku.code).where(Sku.id.in_({i["sku_id"] for c in changes for i in c.items}))
            )
        ).all()
    )
    rows = []
    for c in changes:
        effective_at = c.effective_at
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "scope": names.get(
                    (c.scope, c.scope_value), f"{SCOPE_ZH.get(c.scope, c.scope)} {c.scope_value}"
                )
                if c.scope != "city_tier"
                else f"{c.scope_value} 线城市",
                "effective_at": to_local(effective_at),
                "items": "，".join(
                    f"{skus.get(i['sku_id'], i['sku_id'])} ¥{yuan(i['price'])}" for i in c.items[:6]
                )
                + (f" 等 {len(c.items)} 个" if len(c.items) > 6 else ""),
                "status": CHANGE_ZH.get(c.status, c.status),
                "cancellable": c.status == PriceChangeStatus.SCHEDULED
                and as_utc(effective_at) > now
                and principal.is_hq,
            }
        )
    return rows


async def markdown_rules(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    categories = dict((await session.execute(select(Category.id, Category.name_zh))).all())
    return [
        {
            "id": r.id,
            "category": "全部品类" if r.category_id is None else categories.get(r.category_id, r.category_id),
            "days_left": r.days_left,
            "off": f"{r.percent_bp / 100:g}%",
            "active": "启用" if r.active else "停用",
            "removable": principal.is_hq,
        }
        for r in await price_actions.list_rules(session)
    ]


def _forms() -> list[PageForm]:
    return [
        PageForm(
            "price_change",
            "新建计划调价",
            "/hq/catalog/price-changes",
            [
                Input("name", "名称", placeholder="例如：春季调价"),
                Input(
                    "scope",
                    "范围",
                    "select",
                    [("region", "区域（编码）"), ("store", "门店（编码）"), ("city_tier", "城市等级（1-5）")],
                ),
                Input("scope_code", "区域 / 门店编码或城市等级"),
                Input("effective_at", "生效（北京时间）", "datetime-local"),
                Input("items", "SKU 编码=新价（元），逗号分隔", placeholder="SKU-1=12.90, SKU-2=8.5"),
            ],
            submit="计划",
            note="到点自动生效，价格低于成本加最低毛利时会被拒绝；生效前可取消。",
        ),
        PageForm(
            "markdown_rule",
            "新建 / 修改临期折扣规则",
            "/hq/catalog/markdown-rules",
            [
                Input("category", "品类编码（留空为全部品类）", required=False),
                Input("days_left", "距到期天数 ≤", "number"),
                Input("percent_off", "折扣力度（减 %）", "number", placeholder="例如 30"),
            ],
            note="同一品类、同一天数的规则再次提交即为修改；门店货架与收银立即按新规则计价。",
        ),
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    limit = 100_000 if request.url.path.endswith(".csv") else 300
    product_rows = await products(session, limit)
    changes = Table(
        "price_changes",
        "计划调价",
        [
            Column("id", "编号"),
            Column("name", "名称"),
            Column("scope", "范围"),
            Column("effective_at", "生效（北京时间）", "time"),
            Column("items", "新价格"),
            Column("status", "状态"),
        ],
        await price_changes(session, principal),
        actions=[Action("取消", "/hq/catalog/price-changes/{id}/cancel", "secondary", when="cancellable")],
        empty="没有计划中的调价",
    )
    rules = Table(
        "markdown_rules",
        "临期折扣规则",
        [
            Column("id", "编号"),
            Column("category", "品类"),
            Column("days_left", "距到期天数 ≤", "count"),
            Column("off", "折扣力度"),
            Column("active", "状态"),
        ],
        await markdown_rules(session, principal),
        actions=[Action("删除", "/hq/catalog/markdown-rules/{id}/delete", "secondary", when="removable")],
        empty="还没有临期折扣规则",
    )
    return {
        "forms": _forms() if principal.is_hq else [],
        "tables": [
            changes,
            rules,
            Table(
                "products",
                "商品",
                [
                    Column("code", "编码"),
                    Column("name", "名称"),
                    Column("name_en", "英文名", "muted"),
                    Column("category", "品类"),
                    Column("kind", "类型"),
                    Column("status", "状态"),
                    Column("skus", "SKU", "count"),
                    Column("price_from", "最低价", "money"),
                    Column("price_to", "最高价", "money"),
                    Column("barcodes", "条码", "count"),
                    Column("images", "图片", "count"),
                    Column("sold", "销量", "count"),
                ],
                product_rows,
                note=None if len(product_rows) < limit else f"仅显示前 {limit} 个商品，导出 CSV 查看全部。",
            ),
            Table(
                "price_lists",
                "价格表（门店 / 区域 / 城市等级）",
                [
                    Column("name", "名称"),
                    Column("scope", "适用范围"),
                    Column("priority", "优先级", "count"),
                    Column("valid_from", "生效", "time"),
                    Column("valid_to", "失效", "time"),
                    Column("active", "状态"),
                    Column("items", "SKU 数", "count"),
                ],
                await price_lists(session),
            ),
        ],
    }


table_page(router, "/catalog", "catalog", "商品与价格", build)

PAGE = ("catalog", "商品与价格", build)


def _items(text: str, skus: dict[str, int]) -> list[PriceListItemIn]:
    pairs = split_codes(text)
    if not pairs:
        raise ValueError("请填写 SKU 编码=新价")
    items = []
    for pair in pairs:
        code, sep, price = pair.partition("=")
        if not sep:
            raise ValueError(f"格式应为 SKU 编码=新价：{pair}")
        if code.strip() not in skus:
            raise ValueError(f"找不到 SKU：{code.strip()}")
        items.append(PriceListItemIn(sku_id=skus[code.strip()], price=parse_fen(price, code.strip())))
    return items


async def _scope_value(session: AsyncSession, scope: str, code: str) -> int:
    code = code.strip()
    if scope == "city_tier":
        return parse_int(code, "城市等级", 1, 5)
    found: Store | Region | None
    if scope == "store":
        found = await store_repo.by_code(session, code)
    else:
        found = await store_repo.region_by_code(session, code)
    if found is None:
        raise ValueError(f"找不到{SCOPE_ZH.get(scope, scope)}：{code or '（未填写）'}")
    return found.id


@router.post("/catalog/price-changes", response_model=None)
async def schedule_price_change(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=120)] = "",
    scope: Annotated[str, Form(pattern="^(store|region|city_tier)$")] = "region",
    scope_code: Annotated[str, Form(max_length=40)] = "",
    effective_at: Annotated[str, Form(max_length=20)] = "",
    items: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ schedules price changes.")
    try:
        codes = [p.partition("=")[0].strip() for p in items.replace("，", ",").split(",")]
        skus = await catalog_repo.sku_ids_by_code(session, codes)
        body = PriceChangeCreate(
            name=name.strip() or "调价",
            scope=scope,  # type: ignore[arg-type]
            scope_value=await _scope_value(session, scope, scope_code),
            effective_at=parse_local(effective_at, "生效"),
            items=_items(items, skus),
        )
        change = await price_actions.schedule_change(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "price_change", exc)
    return RedirectResponse(f"/hq/catalog?flash=已计划调价 {change.id}：{change.name}", status_code=303)


@router.post("/catalog/price-changes/{change_id}/cancel")
async def cancel_price_change(
    request: Request, principal: HQUser, session: DbSession, change_id: int, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ cancels price changes.")
    await price_actions.cancel_change(session, principal, change_id)
    return RedirectResponse(f"/hq/catalog?flash=已取消调价 {change_id}", status_code=303)


@router.post("/catalog/markdown-rules", response_model=None)
async def set_markdown_rule(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    category: Annotated[str, Form(max_length=40)] = "",
    days_left: Annotated[str, Form(max_length=5)] = "",
    percent_off: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ sets markdown rules.")
    try:
        category_id = None
        if category.strip():
            found = await catalog_repo.category_by_code(session, category.strip())
            if found is None:
                raise ValueError(f"找不到品类：{category.strip()}")
            category_id = found.id
        try:
            off = float(percent_off)
        except ValueError as exc:
            raise ValueError("折扣力度请填写 1 到 99 之间的数") from exc
        if not 0 < off < 100:
            raise ValueError("折扣力度请填写 1 到 99 之间的数")
        body = MarkdownRuleCreate(
            category_id=category_id,
            days_left=parse_int(days_left, "距到期天数", 0, 365),
            percent_bp=round(off * 100),
        )
        rule = await price_actions.set_rule(session, principal, body)
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "markdown_rule", exc)
    return RedirectResponse(f"/hq/catalog?flash=已保存临期折扣规则 {rule.id}", status_code=303)


@router.post("/catalog/markdown-rules/{rule_id}/delete")
async def delete_markdown_rule(
    request: Request, principal: HQUser, session: DbSession, rule_id: int, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ removes markdown rules.")
    await price_actions.delete_rule(session, principal, rule_id)
    return RedirectResponse(f"/hq/catalog?flash=已删除临期折扣规则 {rule_id}", status_code=303)
