"""Promotions and coupons: HQ rules, member claims, and what is running at a store."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status

from backend.auth.deps import CurrentHQ, CurrentMember, OptionalPrincipal
from backend.core.db import DbSession
from backend.marketing import coupons, promotions
from backend.marketing import repository as repo
from backend.marketing.schemas import (
    Coupon,
    CouponClaim,
    CouponTemplate,
    CouponTemplateCreate,
    CouponTemplateUpdate,
    Promotion,
    PromotionCreate,
    PromotionUpdate,
    Quote,
    QuoteRequest,
)
from backend.orders.pricer import set_pricer

router = APIRouter(prefix="/marketing", tags=["marketing"])

set_pricer(promotions.get_promotion_pricer())


@router.post("/promotions", response_model=Promotion, status_code=status.HTTP_201_CREATED)
async def create_promotion(body: PromotionCreate, principal: CurrentHQ, session: DbSession) -> Promotion:
    """Create a promotion (HQ)."""
    return Promotion.model_validate(await promotions.create(session, principal, body))


@router.get("/promotions", response_model=list[Promotion])
async def list_promotions(
    principal: CurrentHQ, session: DbSession, active: bool | None = None
) -> list[Promotion]:
    """All promotions (HQ)."""
    return [Promotion.model_validate(p) for p in await repo.list_promotions(session, active=active)]


@router.get("/promotions/active", response_model=list[Promotion])
async def active_promotions(
    session: DbSession,
    store_id: Annotated[int | None, Query(gt=0)] = None,
    channel: Literal["online", "in_store"] = "online",
) -> list[Promotion]:
    """Promotions running now on a channel, at a store."""
    return [Promotion.model_validate(p) for p in await promotions.active(session, channel, store_id)]


@router.patch("/promotions/{promotion_id}", response_model=Promotion)
async def update_promotion(
    promotion_id: int, body: PromotionUpdate, principal: CurrentHQ, session: DbSession
) -> Promotion:
    """Change a promotion (HQ)."""
    return Promotion.model_validate(await promotions.update(session, principal, promotion_id, body))


@router.post("/coupon-templates", response_model=CouponTemplate, status_code=status.HTTP_201_CREATED)
async def create_template(
    body: CouponTemplateCreate, principal: CurrentHQ, session: DbSession
) -> CouponTemplate:
    """Create a coupon template (HQ)."""
    return CouponTemplate.model_validate(await coupons.create_template(session, principal, body))


@router.get("/coupon-templates", response_model=list[CouponTemplate])
async def list_templates(principal: CurrentHQ, session: DbSession) -> list[CouponTemplate]:
    """All coupon templates with how many were issued (HQ)."""
    return [CouponTemplate.model_validate(t) for t in await repo.list_templates(session)]


@router.patch("/coupon-templates/{template_id}", response_model=CouponTemplate)
async def update_template(
    template_id: int, body: CouponTemplateUpdate, principal: CurrentHQ, session: DbSession
) -> CouponTemplate:
    """Change a coupon template (HQ)."""
    return CouponTemplate.model_validate(await coupons.update_template(session, principal, template_id, body))


@router.post("/coupons/claim", response_model=Coupon, status_code=status.HTTP_201_CREATED)
async def claim_coupon(
    body: CouponClaim, principal: CurrentMember, session: DbSession, request: Request
) -> Coupon:
    """Claim a coupon from a template (member)."""
    from backend.intelligence import risk

    await risk.guard_claim(request, session, principal)
    return Coupon.model_validate(await coupons.claim(session, principal.id, body.template_id))


@router.get("/coupons/mine", response_model=list[Coupon])
async def my_coupons(
    principal: CurrentMember,
    session: DbSession,
    status_: Annotated[Literal["unused", "used", "expired"] | None, Query(alias="status")] = None,
) -> list[Coupon]:
    """The signed-in member's coupons, each with its template's name and terms."""
    return [
        Coupon.model_validate(c).model_copy(
            update={
                "name_zh": t.name_zh,
                "name_en": t.name_en,
                "kind": t.kind,
                "amount": t.amount,
                "percent_bp": t.percent_bp,
                "threshold": t.threshold,
            }
        )
        for c, t in await repo.member_coupons(session, principal.id, status_)
    ]


@router.post("/quote", response_model=Quote)
async def quote(body: QuoteRequest, principal: OptionalPrincipal, session: DbSession) -> Quote:
    """Lines priced at a store with promotions (and a signed-in member's coupons), with 凑单 hints."""
    member_id = principal.id if principal is not None and principal.kind == "member" else None
    return await promotions.quote(session, member_id, body)
