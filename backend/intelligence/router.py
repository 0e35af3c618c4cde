"""Recommendations, forecasts, replenishment, transfers, member segments, campaigns and risk review."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from backend.auth.deps import AppSettings, CurrentHQ, CurrentMember, CurrentStaff, OptionalPrincipal
from backend.core.db import DbSession
from backend.intelligence import pricing_service, risk, schemas, service
from backend.intelligence import repository as repo

router = APIRouter(prefix="/intelligence", tags=["intelligence"])
Limit = Annotated[int, Query(ge=1, le=50)]


@router.get("/recommendations/for-you", response_model=schemas.Recommendations)
async def for_you(
    principal: OptionalPrincipal, session: DbSession, store_id: int | None = None, limit: Limit = 10
) -> schemas.Recommendations:
    """Home-page picks for the signed-in member; new members and guests get their store's or region's best."""
    member_id = principal.id if principal is not None and principal.is_member else None
    return await service.for_you(session, member_id, store_id, limit)


@router.get("/recommendations/bought-together/{sku_id}", response_model=schemas.Recommendations)
async def bought_together(sku_id: int, session: DbSession, limit: Limit = 10) -> schemas.Recommendations:
    """买了又买: what is most often in the same basket as this SKU."""
    return await service.bought_together(session, sku_id, limit)


@router.get("/recommendations/add-ons", response_model=schemas.Recommendations)
async def add_ons(
    session: DbSession, sku_ids: Annotated[list[int], Query(min_length=1, max_length=100)], limit: Limit = 10
) -> schemas.Recommendations:
    """Cart add-ons for the SKUs in a cart."""
    return await service.add_ons(session, sku_ids, limit)


@router.post("/behaviour", status_code=status.HTTP_204_NO_CONTENT)
async def record_behaviour(
    body: schemas.BehaviourCreate, principal: CurrentMember, session: DbSession
) -> None:
    """Record that the member viewed a SKU or added it to the cart (implicit feedback)."""
    await service.record_behaviour(session, principal.id, body)


@router.get("/forecasts", response_model=list[schemas.Forecast])
async def forecasts(principal: CurrentStaff, session: DbSession, store_id: int) -> list[schemas.Forecast]:
    """Daily and weekly demand forecasts for a store's SKUs."""
    principal.require_store(store_id)
    return [schemas.Forecast.model_validate(f) for f in await repo.forecasts(session, store_id)]


@router.get("/replenishment", response_model=list[schemas.Replenishment])
async def replenishment(
    principal: CurrentStaff, session: DbSession, store_id: int | None = None, all_lines: bool = False
) -> list[schemas.Replenishment]:
    """Suggested orders (safety stock, reorder point, order-up-to, quantity) for the caller's stores."""
    if store_id is not None:
        principal.require_store(store_id)
        stores: list[int] | None = [store_id]
    else:
        stores = None if principal.store_ids is None else sorted(principal.store_ids)
    rows = await repo.replenishment(session, stores, only_orders=not all_lines)
    return [schemas.Replenishment.model_validate(r) for r in rows]


@router.post("/replenishment/drafts", response_model=schemas.Draft, status_code=status.HTTP_201_CREATED)
async def create_draft(
    body: schemas.DraftCreate, principal: CurrentStaff, session: DbSession
) -> schemas.Draft:
    """Raise a draft receipt (the order to the supplier or DC) from a store's suggestions."""
    return await service.create_draft(session, principal, body)


@router.get("/transfers", response_model=list[schemas.TransferSuggestion])
async def transfers(principal: CurrentHQ, session: DbSession) -> list[schemas.TransferSuggestion]:
    """Suggested transfers from surplus or near-expiry stock to stores running short (HQ)."""
    return [schemas.TransferSuggestion.model_validate(t) for t in await repo.transfer_suggestions(session)]


@router.get("/segments", response_model=list[schemas.MemberSegment])
async def segments(
    principal: CurrentHQ, session: DbSession, segment: str | None = None, sleeping: bool | None = None
) -> list[schemas.MemberSegment]:
    """Members' RFM scores, segment, usual purchase interval, sleeping flag and churn risk (HQ)."""
    return [service.segment_out(s) for s in await repo.segments(session, segment, sleeping)]


@router.post("/campaigns", response_model=schemas.Campaign, status_code=status.HTTP_201_CREATED)
async def create_campaign(
    body: schemas.CampaignCreate, principal: CurrentHQ, session: DbSession
) -> schemas.Campaign:
    """Start a reactivation campaign: issue the coupon to every member of the audience (HQ)."""
    return await service.create_campaign(session, principal, body)


@router.get("/campaigns/{campaign_id}", response_model=schemas.Campaign)
async def campaign(campaign_id: int, principal: CurrentHQ, session: DbSession) -> schemas.Campaign:
    """A campaign's response: coupons issued and used, members who ordered since, their orders' value."""
    return await service.campaign_report(session, campaign_id)


@router.get("/risk/holds", response_model=list[schemas.RiskHold])
async def holds(
    principal: CurrentHQ, session: DbSession, status: str | None = "held"
) -> list[schemas.RiskHold]:
    """Orders held by the abnormal-order rules (HQ)."""
    return [schemas.RiskHold.model_validate(h) for h in await repo.holds(session, status)]


@router.post("/risk/holds/{order_id}", response_model=schemas.RiskHold)
async def decide_hold(
    order_id: int, body: schemas.HoldDecision, principal: CurrentHQ, session: DbSession, settings: AppSettings
) -> schemas.RiskHold:
    """Release a held order to payment, or reject it (cancelled, stock given back)."""
    hold = await risk.decide(session, principal, order_id, body, settings.unpaid_order_minutes)
    return schemas.RiskHold.model_validate(hold)


@router.get("/pricing/suggestions", response_model=list[schemas.PriceSuggestion])
async def price_suggestions(
    principal: CurrentStaff,
    session: DbSession,
    status: Literal["pending", "approved", "rejected"] | None = None,
    kind: Literal["regional", "markdown"] | None = None,
) -> list[schemas.PriceSuggestion]:
    """Regional price and near-expiry markdown suggestions (a franchisee or manager: their stores' only)."""
    principal.require_role("store_manager", "franchisee_admin")
    rows = await repo.price_suggestions(session, principal.store_ids, status, kind)
    return [schemas.PriceSuggestion.model_validate(r) for r in rows]


@router.post("/pricing/suggestions/run", response_model=schemas.PriceSuggestionRun)
async def run_price_suggestions(principal: CurrentHQ, session: DbSession) -> schemas.PriceSuggestionRun:
    """Compute fresh suggestions now (also the scheduled job intelligence.pricing) (HQ)."""
    return schemas.PriceSuggestionRun(**await pricing_service.compute(session))


@router.get("/pricing/suggestions/{suggestion_id}", response_model=schemas.PriceSuggestion)
async def price_suggestion(
    suggestion_id: int, principal: CurrentStaff, session: DbSession
) -> schemas.PriceSuggestion:
    """One suggestion with its explanation and evidence."""
    principal.require_role("store_manager", "franchisee_admin")
    return schemas.PriceSuggestion.model_validate(
        await pricing_service.get(session, principal, suggestion_id)
    )


@router.post("/pricing/suggestions/{suggestion_id}/approve", response_model=schemas.PriceSuggestion)
async def approve_price_suggestion(
    suggestion_id: int, body: schemas.PriceSuggestionDecision, principal: CurrentHQ, session: DbSession
) -> schemas.PriceSuggestion:
    """Approve: the price applies now through a scheduled price change of its scope (HQ)."""
    found = await pricing_service.approve(session, principal, suggestion_id, body.note)
    return schemas.PriceSuggestion.model_validate(found)


@router.post("/pricing/suggestions/{suggestion_id}/reject", response_model=schemas.PriceSuggestion)
async def reject_price_suggestion(
    suggestion_id: int, body: schemas.PriceSuggestionDecision, principal: CurrentHQ, session: DbSession
) -> schemas.PriceSuggestion:
    """Reject a suggestion; the same one is not made again for a week (HQ)."""
    found = await pricing_service.reject(session, principal, suggestion_id, body.note)
    return schemas.PriceSuggestion.model_validate(found)
