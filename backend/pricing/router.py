from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from backend.auth.deps import CurrentHQ, CurrentStaff
from backend.core.db import DbSession
from backend.pricing import actions, service, store_markdowns
from backend.pricing import repository as repo
from backend.pricing.schemas import (
    Markdown,
    MarkdownRule,
    MarkdownRuleCreate,
    MarkdownRun,
    PriceChange,
    PriceChangeCreate,
    PriceList,
    PriceListCreate,
    PriceListDetail,
    PriceListItem,
    PriceListItemsSet,
    PriceListUpdate,
    PricingSettings,
    PricingSettingsUpdate,
    Quote,
    QuoteRequest,
    ResolvedPriceOut,
    ScopeName,
    StoreMarkdownCreate,
)

router = APIRouter(prefix="/pricing", tags=["pricing"])


async def _detail(session: DbSession, price_list_id: int) -> PriceListDetail:
    price_list = await service.get_list(session, price_list_id)
    items = await repo.items_of(session, price_list_id)
    return PriceListDetail(
        **PriceList.model_validate(price_list).model_dump(),
        items=[PriceListItem.model_validate(i) for i in items],
    )


@router.get("/price", response_model=ResolvedPriceOut)
async def get_price(
    session: DbSession,
    sku_id: Annotated[int, Query(gt=0)],
    store_id: Annotated[int, Query(gt=0)],
    at: datetime | None = None,
) -> ResolvedPriceOut:
    """The price of a SKU at a store (now, or at ``at``), and which price list set it."""
    return await service.price_one(session, sku_id, store_id, at)


@router.post("/quote", response_model=Quote)
async def quote(body: QuoteRequest, session: DbSession) -> Quote:
    """Unit prices, line totals and the total of a cart at a store."""
    return await service.quote(session, body)


@router.get("/price-lists", response_model=list[PriceList])
async def list_price_lists(
    principal: CurrentHQ,
    session: DbSession,
    scope: ScopeName | None = None,
    scope_value: int | None = None,
    active: bool | None = None,
) -> list[PriceList]:
    """Price lists, optionally by scope and whether active (HQ)."""
    lists = await repo.list_lists(session, scope=scope, scope_value=scope_value, active=active)
    return [PriceList.model_validate(p) for p in lists]


@router.post("/price-lists", response_model=PriceListDetail, status_code=status.HTTP_201_CREATED)
async def create_price_list(
    body: PriceListCreate, principal: CurrentHQ, session: DbSession
) -> PriceListDetail:
    """Create a region, city-tier or store price list with its prices (HQ)."""
    price_list = await service.create_list(session, principal, body)
    return await _detail(session, price_list.id)


@router.get("/price-lists/{price_list_id}", response_model=PriceListDetail)
async def get_price_list(price_list_id: int, principal: CurrentHQ, session: DbSession) -> PriceListDetail:
    """One price list with its prices (HQ)."""
    return await _detail(session, price_list_id)


@router.patch("/price-lists/{price_list_id}", response_model=PriceList)
async def update_price_list(
    price_list_id: int, body: PriceListUpdate, principal: CurrentHQ, session: DbSession
) -> PriceList:
    """Rename, reprioritise, reschedule or (de)activate a price list (HQ)."""
    return PriceList.model_validate(await service.update_list(session, principal, price_list_id, body))


@router.put("/price-lists/{price_list_id}/items", response_model=PriceListDetail)
async def set_price_list_items(
    price_list_id: int, body: PriceListItemsSet, principal: CurrentHQ, session: DbSession
) -> PriceListDetail:
    """Set the prices of some SKUs in a price list; SKUs not named keep theirs (HQ)."""
    await service.set_items(session, principal, price_list_id, body.items)
    return await _detail(session, price_list_id)


@router.delete("/price-lists/{price_list_id}/items/{sku_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_price_list_item(
    price_list_id: int, sku_id: int, principal: CurrentHQ, session: DbSession
) -> Response:
    """Take a SKU out of a price list, so it falls back to the next level (HQ)."""
    await service.remove_item(session, principal, price_list_id, sku_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/settings", response_model=PricingSettings)
async def get_pricing_settings(principal: CurrentHQ, session: DbSession) -> PricingSettings:
    """The guard rails of price actions: the minimum margin over cost (HQ)."""
    return PricingSettings.model_validate(await actions.pricing_settings(session))


@router.put("/settings", response_model=PricingSettings)
async def put_pricing_settings(
    body: PricingSettingsUpdate, principal: CurrentHQ, session: DbSession
) -> PricingSettings:
    """Change the minimum margin over cost (HQ, audited)."""
    return PricingSettings.model_validate(await actions.update_settings(session, principal, body))


@router.post("/changes", response_model=PriceChange, status_code=status.HTTP_201_CREATED)
async def schedule_price_change(
    body: PriceChangeCreate, principal: CurrentHQ, session: DbSession
) -> PriceChange:
    """Schedule new prices for a region, city tier or store at a moment; refused under cost + margin (HQ)."""
    return actions.change_out(await actions.schedule_change(session, principal, body))


@router.get("/changes", response_model=list[PriceChange])
async def list_price_changes(
    principal: CurrentHQ,
    session: DbSession,
    status: Literal["scheduled", "effective", "cancelled"] | None = None,
) -> list[PriceChange]:
    """Scheduled, effective and cancelled price changes, latest first (HQ)."""
    return [actions.change_out(c) for c in await actions.list_changes(session, status)]


@router.post("/changes/{change_id}/cancel", response_model=PriceChange)
async def cancel_price_change(change_id: int, principal: CurrentHQ, session: DbSession) -> PriceChange:
    """Cancel a price change that has not taken effect yet (HQ, audited)."""
    return actions.change_out(await actions.cancel_change(session, principal, change_id))


@router.get("/markdown-rules", response_model=list[MarkdownRule])
async def list_markdown_rules(principal: CurrentHQ, session: DbSession) -> list[MarkdownRule]:
    """Near-expiry markdown rules per category and days left (HQ)."""
    return [MarkdownRule.model_validate(r) for r in await actions.list_rules(session)]


@router.put("/markdown-rules", response_model=MarkdownRule)
async def set_markdown_rule(
    body: MarkdownRuleCreate, principal: CurrentHQ, session: DbSession
) -> MarkdownRule:
    """Set the markdown for a category (or all) at N days left; shelves and tills follow at once (HQ)."""
    return MarkdownRule.model_validate(await actions.set_rule(session, principal, body))


@router.delete("/markdown-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_markdown_rule(rule_id: int, principal: CurrentHQ, session: DbSession) -> Response:
    """Remove a markdown rule and the markdowns it set (HQ)."""
    await actions.delete_rule(session, principal, rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/markdowns", response_model=list[Markdown])
async def list_markdowns(
    principal: CurrentStaff, session: DbSession, store_id: int | None = None
) -> list[Markdown]:
    """Markdowns in force, for the caller's stores (HQ: all, or one store)."""
    if store_id is not None:
        principal.require_store(store_id)
    rows = await actions.list_markdowns(session, principal.store_ids, store_id)
    return [Markdown.model_validate(m) for m in rows]


@router.post("/markdowns/apply", response_model=MarkdownRun)
async def apply_markdowns(principal: CurrentHQ, session: DbSession) -> MarkdownRun:
    """Recompute near-expiry markdowns now (the scheduled job does it hourly) (HQ)."""
    return await actions.apply_markdowns(session)


@router.post("/stores/{store_id}/markdowns", response_model=Markdown)
async def mark_down_batch(
    store_id: int, body: StoreMarkdownCreate, principal: CurrentStaff, session: DbSession
) -> Markdown:
    """Mark down a near-expiry batch at one of the caller's stores (clerk or manager; audit-logged)."""
    return Markdown.model_validate(await store_markdowns.mark_down(session, principal, store_id, body))
