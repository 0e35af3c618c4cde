"""Pricing suggestions: the job that computes them (``intelligence.pricing``), HQ's approval, which applies
a suggestion as a scheduled price change through the pricing domain (floor-checked and audit-logged
there), and rejection. The rules themselves are in ``pricing``."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import Forbidden
from backend.core.time import utcnow
from backend.intelligence import pricing
from backend.intelligence import repository as repo
from backend.intelligence.errors import (
    PriceSuggestionDecided,
    PriceSuggestionInPromotion,
    PriceSuggestionNotFound,
    PriceSuggestionStale,
)
from backend.intelligence.models import PriceSuggestion
from backend.pricing import actions
from backend.pricing.days import day_start, local_date
from backend.pricing.models import PriceList
from backend.pricing.schemas import PriceChangeCreate, PriceListItemIn
from backend.pricing.service import ResolvedPrice, price_for

# A rejected suggestion is not made again for the same scope and SKU for this long.
REJECTION_QUIET = timedelta(days=7)
# Prices a regional price counts from: not a store's own override, not a markdown.
REGIONAL_REASONS = ("region", "city_tier", "base")
RECENT_DAYS = 28


class Promotions:
    """Which store × SKU pairs an active promotion or flash sale covers now."""

    def __init__(
        self,
        running: list[tuple[str, list, list | None]],
        flash: set[tuple[int, int]],
        categories: dict[int, int | None],
    ) -> None:
        self.running = [(scope, {int(i) for i in ids}, stores) for scope, ids, stores in running]
        self.flash = flash
        self.categories = categories

    def covers(self, store_id: int, sku_id: int) -> bool:
        if (store_id, sku_id) in self.flash:
            return True
        for scope, ids, stores in self.running:
            if stores is not None and store_id not in {int(s) for s in stores}:
                continue
            if scope == "skus" and sku_id in ids:
                return True
            if scope == "categories" and self.categories.get(sku_id) in ids:
                return True
        return False


async def _promotions(session: AsyncSession, sku_ids: list[int]) -> Promotions:
    now = utcnow()
    costs = await repo.sku_cost_category(session, sku_ids)
    return Promotions(
        await repo.promotions_running(session, now),
        await repo.flash_sales_running(session, now),
        {sku: cat for sku, (_, cat) in costs.items()},
    )


async def _demand(session: AsyncSession, now: datetime) -> dict[tuple[int, int], float]:
    """Daily demand per store × SKU: the forecast where the plan_stock job made one, else the mean of the
    last ``RECENT_DAYS`` days' sales."""
    recent: dict[tuple[int, int], float] = defaultdict(float)
    for line in await repo.sale_lines(session, now - timedelta(days=RECENT_DAYS)):
        if line.store_id is not None:
            recent[(line.store_id, line.sku_id)] += line.quantity / RECENT_DAYS
    return {**recent, **await repo.forecast_means(session)}


async def compute(
    session: AsyncSession, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Replace the pending suggestions with fresh ones; approved and rejected ones stay as history."""
    report = progress or (lambda stage, done, total: None)
    now = utcnow()
    today = local_date(now)
    stores = await repo.stores_of_kind(session)
    levels = await repo.stock_levels(session)
    demand = await _demand(session, now)
    batches = await repo.batches_expiring(
        session, today, today + timedelta(days=pricing.MARKDOWN_HORIZON_DAYS)
    )
    store_ids = {s.id for s in stores}
    sku_ids = sorted(
        {k for (s, k), q in levels.items() if s in store_ids and q > 0}
        | {k for (s, k) in demand if s in store_ids}
    )
    report("load", 1, 4)
    await repo.clear_pending_price_suggestions(session)
    if not sku_ids:
        report("save", 4, 4)
        return {"regional": 0, "markdown": 0, "skus": 0}
    costs = await repo.sku_cost_category(session, sku_ids)
    promotions = await _promotions(session, sku_ids)
    margin = (await actions.pricing_settings(session)).min_margin_bp
    rejected = await repo.recently_rejected(session, now - REJECTION_QUIET)
    prices: dict[int, dict[int, ResolvedPrice]] = {}
    for n, store in enumerate(stores, start=1):
        prices[store.id] = await price_for(session, store.id, sku_ids, now)
        report("prices", n, len(stores))
    made = Counter[str]()

    # regional prices
    by_region: dict[int, list[int]] = defaultdict(list)
    for store in stores:
        by_region[store.region_id].append(store.id)
    chain_rate = {
        sku: sum(demand.get((s, sku), 0.0) for s in store_ids) / max(len(store_ids), 1) for sku in sku_ids
    }
    for region_id, members in sorted(by_region.items()):
        for sku in sku_ids:
            cost = costs.get(sku, (None, None))[0]
            if cost is None or ("regional", "region", region_id, sku) in rejected:
                continue
            regular = Counter(
                prices[s][sku].price for s in members if prices[s][sku].reason in REGIONAL_REASONS
            )
            if not regular:
                continue
            current = regular.most_common(1)[0][0]
            stock = sum(max(levels.get((s, sku), 0), 0) for s in members)
            daily = sum(demand.get((s, sku), 0.0) for s in members)
            found = pricing.regional(
                current_price=current,
                cost=cost,
                margin_bp=margin,
                stock=stock,
                daily_demand=daily,
                per_store_rate=daily / len(members),
                chain_per_store_rate=chain_rate[sku],
                in_promotion=any(promotions.covers(s, sku) for s in members),
            )
            if found is not None:
                _add(session, found, "region", region_id, region_id, None, sku, cost, margin, None, now)
                made["regional"] += 1
    report("regional", 3, 4)

    # near-expiry markdown ladders
    running = await repo.live_markdowns(session, today)
    expiring: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    for store_id, sku, on, qty in batches:
        if store_id in store_ids:
            expiring[(store_id, sku)].append((on, qty))
    region_of = {s.id: s.region_id for s in stores}
    for (store_id, sku), lots in sorted(expiring.items()):
        resolved = prices[store_id].get(sku)
        cost = costs.get(sku, (None, None))[0]
        if resolved is None or cost is None or resolved.reason == "markdown":
            continue
        if ("markdown", "store", store_id, sku) in rejected:
            continue
        reference = running.get((store_id, sku), resolved.price)
        best: tuple[pricing.Suggestion, date] | None = None
        units = 0
        for on, qty in sorted(lots):
            units += qty
            found = pricing.markdown(
                current_price=resolved.price,
                reference_price=reference,
                cost=cost,
                margin_bp=margin,
                units=min(units, max(levels.get((store_id, sku), units), 0)),
                days_left=(on - today).days,
                daily_demand=demand.get((store_id, sku), 0.0),
                in_promotion=promotions.covers(store_id, sku),
            )
            if found is not None and (best is None or found.suggested_price < best[0].suggested_price):
                best = (found, on)
        if best is not None:
            _add(
                session,
                best[0],
                "store",
                store_id,
                region_of[store_id],
                store_id,
                sku,
                cost,
                margin,
                best[1],
                now,
            )
            made["markdown"] += 1
    await session.flush()
    report("save", 4, 4)
    return {"regional": made["regional"], "markdown": made["markdown"], "skus": len(sku_ids)}


def _add(
    session: AsyncSession,
    found: pricing.Suggestion,
    scope: str,
    scope_value: int,
    region_id: int,
    store_id: int | None,
    sku_id: int,
    cost: int | None,
    margin: int,
    until: date | None,
    now: datetime,
) -> None:
    session.add(
        PriceSuggestion(
            kind=found.kind,
            scope=scope,
            scope_value=scope_value,
            region_id=region_id,
            store_id=store_id,
            sku_id=sku_id,
            current_price=found.current_price,
            reference_price=found.reference_price,
            suggested_price=found.suggested_price,
            change_bp=found.change_bp,
            cost_price=cost,
            floor_price=pricing.floor_of(cost, margin),
            until=until,
            explanation=found.explanation[:400],
            evidence=found.evidence,
            status="pending",
            computed_at=now,
        )
    )


async def get(session: AsyncSession, principal: Principal, suggestion_id: int) -> PriceSuggestion:
    found = await repo.price_suggestion(session, suggestion_id, principal.store_ids)
    if found is None:
        raise PriceSuggestionNotFound(detail={"suggestion_id": suggestion_id})
    return found


async def _pending(session: AsyncSession, principal: Principal, suggestion_id: int) -> PriceSuggestion:
    if not principal.is_hq:
        raise Forbidden("只有总部可以审批调价建议 / Only HQ approves or rejects price suggestions.")
    suggestion = await get(session, principal, suggestion_id)
    if suggestion.status != "pending":
        raise PriceSuggestionDecided(detail={"suggestion_id": suggestion_id, "status": suggestion.status})
    return suggestion


async def _price_now(session: AsyncSession, suggestion: PriceSuggestion) -> list[ResolvedPrice]:
    """The SKU's price now at the stores the suggestion would apply to."""
    if suggestion.scope == "store":
        return [(await price_for(session, suggestion.scope_value, [suggestion.sku_id]))[suggestion.sku_id]]
    stores = [s.id for s in await repo.stores_of_kind(session) if s.region_id == suggestion.scope_value]
    return [(await price_for(session, s, [suggestion.sku_id]))[suggestion.sku_id] for s in stores]


async def approve(
    session: AsyncSession, principal: Principal, suggestion_id: int, note: str | None = None
) -> PriceSuggestion:
    """Apply the suggestion now as a price change of its scope (a markdown until its batch's expiry day)."""
    suggestion = await _pending(session, principal, suggestion_id)
    now_prices = await _price_now(session, suggestion)
    regular = [p.price for p in now_prices if p.reason in (*REGIONAL_REASONS, "store")]
    if suggestion.current_price not in regular:
        raise PriceSuggestionStale(
            detail={
                "suggestion_id": suggestion.id,
                "suggested_from": suggestion.current_price,
                "now": regular,
            }
        )
    stores = [suggestion.scope_value] if suggestion.scope == "store" else []
    if suggestion.scope == "region":
        stores = [s.id for s in await repo.stores_of_kind(session) if s.region_id == suggestion.scope_value]
    promotions = await _promotions(session, [suggestion.sku_id])
    if any(promotions.covers(s, suggestion.sku_id) for s in stores):
        raise PriceSuggestionInPromotion(detail={"suggestion_id": suggestion.id, "sku_id": suggestion.sku_id})
    name = (
        f"临期降价建议 #{suggestion.id}"
        if suggestion.kind == "markdown"
        else f"区域调价建议 #{suggestion.id}"
    )
    change = await actions.schedule_change(
        session,
        principal,
        PriceChangeCreate(
            name=name,
            scope=suggestion.scope,  # type: ignore[arg-type]
            scope_value=suggestion.scope_value,
            effective_at=utcnow(),
            items=[PriceListItemIn(sku_id=suggestion.sku_id, price=suggestion.suggested_price)],
        ),
    )
    if suggestion.until is not None:
        price_list = await session.get(PriceList, change.price_list_id)
        assert price_list is not None
        price_list.valid_to = day_start(suggestion.until + timedelta(days=1))
    suggestion.status = "approved"
    suggestion.price_change_id = change.id
    suggestion.decided_by, suggestion.decided_at, suggestion.note = principal.id, utcnow(), note
    audit.record(
        session,
        principal,
        "price_suggestion.approve",
        "price_suggestion",
        suggestion.id,
        before={"status": "pending", "price": suggestion.current_price},
        after={"status": "approved", "price": suggestion.suggested_price, "price_change_id": change.id},
        store_id=suggestion.store_id,
    )
    await session.flush()
    return suggestion


async def reject(
    session: AsyncSession, principal: Principal, suggestion_id: int, note: str | None = None
) -> PriceSuggestion:
    suggestion = await _pending(session, principal, suggestion_id)
    suggestion.status = "rejected"
    suggestion.decided_by, suggestion.decided_at, suggestion.note = principal.id, utcnow(), note
    audit.record(
        session,
        principal,
        "price_suggestion.reject",
        "price_suggestion",
        suggestion.id,
        before={"status": "pending"},
        after={"status": "rejected", "note": note},
        store_id=suggestion.store_id,
    )
    await session.flush()
    return suggestion
