"""Price actions: HQ's scheduled price changes (with the cost-plus-margin floor) and automatic
near-expiry markdowns (临期折扣) per store and batch.

A scheduled change becomes a price list of its scope that starts at ``effective_at``, so every price
lookup (``price_for``, carts, tills, the catalog) resolves it by time; the ``pricing.price_actions``
job marks due changes effective and announces them. Markdowns are kept in step with the batches by the
same job (and at once whenever a rule changes); ``price_for`` applies one only while its batch still
has units at that store.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog.models import Category, Product, Sku
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.money import percent_of
from backend.core.time import as_utc, utcnow
from backend.inventory.models import StockBatch
from backend.pricing import service
from backend.pricing.days import local_date
from backend.pricing.errors import (
    MarkdownRuleNotFound,
    PriceBelowFloor,
    PriceChangeLocked,
    PriceChangeNotFound,
    UnknownCategory,
)
from backend.pricing.models import (
    Markdown,
    MarkdownRule,
    PriceChange,
    PriceChangeStatus,
    PriceList,
    PriceListItem,
    PricingSettings,
)
from backend.pricing.schemas import (
    MarkdownRuleCreate,
    MarkdownRun,
    PriceChangeCreate,
    PriceChangeItem,
    PricingSettingsUpdate,
)
from backend.pricing.schemas import PriceChange as PriceChangeOut

# A change may be scheduled a little in the past (clock skew between HQ browsers and the server).
SKEW = timedelta(minutes=5)


async def pricing_settings(session: AsyncSession, *, create: bool = False) -> PricingSettings:
    """HQ's guard rails; the defaults (not stored) until HQ first changes them."""
    row = await session.get(PricingSettings, 1)
    if row is None:
        row = PricingSettings(id=1, min_margin_bp=500)
        if create:
            session.add(row)
            await session.flush()
    return row


async def update_settings(
    session: AsyncSession, actor: Principal, body: PricingSettingsUpdate
) -> PricingSettings:
    row = await pricing_settings(session, create=True)
    before = row.min_margin_bp
    row.min_margin_bp, row.updated_by = body.min_margin_bp, actor.id
    audit.record(
        session,
        actor,
        "pricing.settings",
        "pricing_settings",
        1,
        before={"min_margin_bp": before},
        after={"min_margin_bp": body.min_margin_bp},
    )
    await session.flush()
    return row


def floor_price(cost: int | None, margin_bp: int) -> int | None:
    """The lowest allowed price: cost plus the minimum margin (half up); None when the cost is unknown."""
    return None if cost is None else cost + percent_of(cost, margin_bp)


async def check_floor(session: AsyncSession, items: list[tuple[int, int]]) -> list[PriceChangeItem]:
    """Every item with its cost and floor; raise ``PriceBelowFloor`` naming each price under its floor."""
    margin = (await pricing_settings(session)).min_margin_bp
    costs = dict(
        (await session.execute(select(Sku.id, Sku.cost_price).where(Sku.id.in_([s for s, _ in items])))).all()
    )
    checked = [
        PriceChangeItem(sku_id=s, price=p, cost_price=costs.get(s), floor=floor_price(costs.get(s), margin))
        for s, p in items
    ]
    low = [i for i in checked if i.floor is not None and i.price < i.floor]
    if low:
        raise PriceBelowFloor(
            "价格低于成本加最低毛利 {:.2f}% / Below cost plus the minimum margin of {:.2f}%: SKU {}.".format(
                margin / 100, margin / 100, ", ".join(str(i.sku_id) for i in low)
            ),
            detail={"min_margin_bp": margin, "items": [i.model_dump() for i in low]},
        )
    return checked


def change_out(change: PriceChange) -> PriceChangeOut:
    return PriceChangeOut(
        id=change.id,
        name=change.name,
        scope=change.scope,  # type: ignore[arg-type]
        scope_value=change.scope_value,
        effective_at=change.effective_at,
        price_list_id=change.price_list_id,
        items=[PriceChangeItem(**i) for i in change.items],
        status=change.status,  # type: ignore[arg-type]
        created_at=change.created_at,
    )


async def schedule_change(session: AsyncSession, actor: Principal, body: PriceChangeCreate) -> PriceChange:
    """Schedule new prices for a scope; refused when a price is under its floor or the time has passed."""
    effective_at = as_utc(body.effective_at)
    if effective_at < utcnow() - SKEW:
        raise ValidationFailed(
            "生效时间已过 / The effective time is in the past.",
            detail={"effective_at": effective_at.isoformat()},
        )
    await service._check_scope(session, body.scope, body.scope_value)
    await service._check_skus(session, body.items)
    checked = await check_floor(session, [(i.sku_id, i.price) for i in body.items])
    top = await session.scalar(
        select(func.max(PriceList.priority)).where(
            PriceList.scope == body.scope,
            PriceList.scope_value == body.scope_value,
            PriceList.active.is_(True),
        )
    )
    price_list = PriceList(
        name=body.name,
        scope=body.scope,
        scope_value=body.scope_value,
        priority=max(0, int(top or 0)),
        valid_from=effective_at,
        valid_to=None,
        active=True,
    )
    session.add(price_list)
    await session.flush()
    session.add_all(
        PriceListItem(price_list_id=price_list.id, sku_id=i.sku_id, price=i.price) for i in body.items
    )
    change = PriceChange(
        name=body.name,
        scope=body.scope,
        scope_value=body.scope_value,
        effective_at=effective_at,
        price_list_id=price_list.id,
        items=[i.model_dump() for i in checked],
        created_by=actor.id,
    )
    session.add(change)
    await session.flush()
    audit.record(
        session,
        actor,
        "price_change.schedule",
        "price_change",
        change.id,
        after=body.model_dump(mode="json"),
        store_id=body.scope_value if body.scope == "store" else None,
    )
    emit(
        session,
        "hq",
        "pricing.change_scheduled",
        {"price_change_id": change.id, "effective_at": effective_at.isoformat()},
    )
    return change


async def get_change(session: AsyncSession, change_id: int) -> PriceChange:
    change = await session.get(PriceChange, change_id)
    if change is None:
        raise PriceChangeNotFound(detail={"price_change_id": change_id})
    return change


async def list_changes(session: AsyncSession, status: str | None = None) -> list[PriceChange]:
    query = select(PriceChange).order_by(PriceChange.effective_at.desc(), PriceChange.id.desc()).limit(500)
    if status:
        query = query.where(PriceChange.status == status)
    return list(await session.scalars(query))


async def cancel_change(session: AsyncSession, actor: Principal, change_id: int) -> PriceChange:
    change = await get_change(session, change_id)
    if change.status != PriceChangeStatus.SCHEDULED or as_utc(change.effective_at) <= utcnow():
        raise PriceChangeLocked(detail={"price_change_id": change_id, "status": change.status})
    price_list = await session.get(PriceList, change.price_list_id)
    if price_list is not None:
        price_list.active = False
    change.status = PriceChangeStatus.CANCELLED
    audit.record(
        session,
        actor,
        "price_change.cancel",
        "price_change",
        change.id,
        before={"status": "scheduled"},
        after={"status": "cancelled"},
    )
    await session.flush()
    return change


async def make_due_effective(session: AsyncSession) -> int:
    """Mark scheduled changes whose time has come effective and tell tills and shoppers; returns how many."""
    due = list(
        await session.scalars(
            select(PriceChange).where(
                PriceChange.status == PriceChangeStatus.SCHEDULED, PriceChange.effective_at <= utcnow()
            )
        )
    )
    for change in due:
        change.status = PriceChangeStatus.EFFECTIVE
        audit.record(
            session, None, "price_change.effective", "price_change", change.id, after={"status": "effective"}
        )
        emit(
            session,
            "hq",
            "pricing.price_list_changed",
            {
                "price_list_id": change.price_list_id,
                "scope": change.scope,
                "scope_value": change.scope_value,
                "sku_ids": sorted(i["sku_id"] for i in change.items),
            },
        )
    await session.flush()
    return len(due)


# --- near-expiry markdowns


def _scope(category_id: int | None) -> str:
    return "default" if category_id is None else f"category:{category_id}"


async def list_rules(session: AsyncSession) -> list[MarkdownRule]:
    return list(
        await session.scalars(select(MarkdownRule).order_by(MarkdownRule.scope, MarkdownRule.days_left))
    )


async def set_rule(session: AsyncSession, actor: Principal, body: MarkdownRuleCreate) -> MarkdownRule:
    """Create or change the rule for (category, days left); markdowns follow at once."""
    if body.category_id is not None and await session.get(Category, body.category_id) is None:
        raise UnknownCategory(detail={"category_id": body.category_id})
    scope = _scope(body.category_id)
    rule = await session.scalar(
        select(MarkdownRule).where(MarkdownRule.scope == scope, MarkdownRule.days_left == body.days_left)
    )
    before = None
    if rule is None:
        rule = MarkdownRule(
            scope=scope,
            category_id=body.category_id,
            days_left=body.days_left,
            percent_bp=body.percent_bp,
            active=True,
        )
        session.add(rule)
    else:
        before = {"percent_bp": rule.percent_bp, "active": rule.active}
        rule.percent_bp, rule.active = body.percent_bp, True
    await session.flush()
    audit.record(
        session, actor, "markdown_rule.set", "markdown_rule", rule.id, before=before, after=body.model_dump()
    )
    await apply_markdowns(session)
    return rule


async def delete_rule(session: AsyncSession, actor: Principal, rule_id: int) -> None:
    rule = await session.get(MarkdownRule, rule_id)
    if rule is None:
        raise MarkdownRuleNotFound(detail={"markdown_rule_id": rule_id})
    audit.record(
        session,
        actor,
        "markdown_rule.delete",
        "markdown_rule",
        rule.id,
        before={"scope": rule.scope, "days_left": rule.days_left, "percent_bp": rule.percent_bp},
    )
    for markdown in await session.scalars(select(Markdown).where(Markdown.rule_id == rule.id)):
        await session.delete(markdown)
    await session.delete(rule)
    await session.flush()
    await apply_markdowns(session)


def best_rule(rules: list[MarkdownRule], days_left: int) -> MarkdownRule | None:
    """The deepest rule whose window the batch is inside."""
    inside = [r for r in rules if days_left <= r.days_left]
    return max(inside, key=lambda r: (r.percent_bp, -r.days_left, -r.id)) if inside else None


async def apply_markdowns(session: AsyncSession, today: date | None = None) -> MarkdownRun:
    """Bring markdowns in line with the batches: add or deepen for batches inside a rule's window,
    remove them for batches that are gone, expired or no longer covered."""
    today = today or local_date(utcnow())
    rules = [r for r in await list_rules(session) if r.active]
    by_scope: dict[str, list[MarkdownRule]] = defaultdict(list)
    for rule in rules:
        by_scope[rule.scope].append(rule)
    wanted: dict[int, tuple[StockBatch, MarkdownRule]] = {}
    if rules:
        horizon = today + timedelta(days=max(r.days_left for r in rules))
        rows = await session.execute(
            select(StockBatch, Product.category_id)
            .join(Sku, Sku.id == StockBatch.sku_id)
            .join(Product, Product.id == Sku.product_id)
            .where(
                StockBatch.quantity > 0,
                StockBatch.expires_on.is_not(None),
                StockBatch.expires_on >= today,
                StockBatch.expires_on <= horizon,
            )
        )
        for batch, category_id in rows.all():
            own = by_scope.get(_scope(category_id))
            rule = best_rule(own if own else by_scope.get("default", []), (batch.expires_on - today).days)
            if rule is not None:
                wanted[batch.id] = (batch, rule)
    existing = {m.batch_id: m for m in await session.scalars(select(Markdown))}
    manual = {b for b, m in existing.items() if m.rule_id is None}
    added = changed = removed = 0
    touched: dict[int, set[int]] = defaultdict(set)
    # A markdown set by hand at the store stands until its batch is gone.
    existing = {b: m for b, m in existing.items() if m.rule_id is not None}
    for batch_id in [b for b in wanted if b in manual]:
        del wanted[batch_id]
    for batch_id, markdown in existing.items():
        if batch_id not in wanted:
            touched[markdown.store_id].add(markdown.sku_id)
            await session.delete(markdown)
            removed += 1
    for batch_id, (batch, rule) in wanted.items():
        markdown = existing.get(batch_id)
        if markdown is None:
            session.add(
                Markdown(
                    batch_id=batch_id,
                    store_id=batch.store_id,
                    sku_id=batch.sku_id,
                    rule_id=rule.id,
                    percent_bp=rule.percent_bp,
                    expires_on=batch.expires_on,
                )
            )
            added += 1
        elif markdown.rule_id != rule.id or markdown.percent_bp != rule.percent_bp:
            markdown.rule_id, markdown.percent_bp = rule.id, rule.percent_bp
            changed += 1
        else:
            continue
        touched[batch.store_id].add(batch.sku_id)
    await session.flush()
    for store_id, skus in touched.items():
        emit(
            session,
            f"store:{store_id}:stock",
            "pricing.markdown_changed",
            {"store_id": store_id, "sku_ids": sorted(skus)},
        )
    return MarkdownRun(added=added, changed=changed, removed=removed)


async def list_markdowns(
    session: AsyncSession, store_ids: frozenset[int] | None, store_id: int | None
) -> list[Markdown]:
    query = select(Markdown).order_by(Markdown.store_id, Markdown.sku_id, Markdown.id)
    if store_id is not None:
        query = query.where(Markdown.store_id == store_id)
    if store_ids is not None:
        query = query.where(Markdown.store_id.in_(store_ids))
    return list(await session.scalars(query))
