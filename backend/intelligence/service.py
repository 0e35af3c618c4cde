"""Serving precomputed results, order drafts from replenishment suggestions, reactivation campaigns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import BadRequest, NotFound, RetailError
from backend.core.time import utcnow
from backend.intelligence import repository as repo
from backend.intelligence import schemas
from backend.intelligence.models import (
    BehaviourEvent,
    CampaignTarget,
    MemberSegment,
    ReactivationCampaign,
    ReplenishmentSuggestion,
    TransferSuggestion,
)
from backend.intelligence.segments import SEGMENT_NAMES
from backend.inventory import schemas as inventory_schemas
from backend.inventory.models import Transfer
from backend.inventory.service import documents
from backend.marketing import coupons
from backend.marketing.models import Coupon
from backend.members.models import Member
from backend.stores.models import Store


async def _items(
    session: AsyncSession, raw: Sequence[Sequence[Any]], n: int
) -> list[schemas.RecommendedItem]:
    catalog = await repo.sellable_skus(session, [int(r[0]) for r in raw])
    out = []
    for row in raw:
        found = catalog.get(int(row[0]))
        if found is None:
            continue
        sku, product = found
        because = row[2] if len(row) > 2 else None
        out.append(
            schemas.RecommendedItem(
                sku_id=sku.id,
                product_id=product.id,
                name_zh=product.name_zh,
                name_en=product.name_en,
                price=sku.base_price,
                score=float(row[1]),
                because_sku_id=because,
            )
        )
        if len(out) == n:
            break
    return out


async def for_you(
    session: AsyncSession, member_id: int | None, store_id: int | None, n: int = 10
) -> schemas.Recommendations:
    """The member's own list; new members fall back to their store's, then region's, then overall best."""
    keys: list[tuple[str, int]] = []
    if member_id is not None:
        keys.append(("for_you", member_id))
        if store_id is None:
            member = await session.get(Member, member_id)
            store_id = member.home_store_id if member else None
    if store_id is not None:
        keys.append(("popular_store", store_id))
        store = await session.get(Store, store_id)
        if store is not None:
            keys.append(("popular_region", store.region_id))
    keys.append(("popular", 0))
    for kind, key in keys:
        row = await repo.recommendation(session, kind, key)
        if row is not None:
            items = await _items(session, row.items, n)
            if items:
                return schemas.Recommendations(
                    kind="for_you", source=kind, items=items, computed_at=row.computed_at
                )
    return schemas.Recommendations(kind="for_you", source="none", items=[], computed_at=None)


async def bought_together(session: AsyncSession, sku_id: int, n: int = 10) -> schemas.Recommendations:
    row = await repo.recommendation(session, "also_bought", sku_id)
    if row is None:
        return schemas.Recommendations(kind="also_bought", source="none", items=[], computed_at=None)
    items = await _items(session, row.items, n)
    return schemas.Recommendations(
        kind="also_bought", source="also_bought", items=items, computed_at=row.computed_at
    )


async def add_ons(session: AsyncSession, sku_ids: Sequence[int], n: int = 10) -> schemas.Recommendations:
    """Cart add-ons: the bought-together lists of every cart item, summed, cart items left out."""
    scores: dict[int, float] = defaultdict(float)
    computed = None
    for sku_id in set(sku_ids):
        row = await repo.recommendation(session, "also_bought", sku_id)
        if row is None:
            continue
        computed = row.computed_at
        for item in row.items:
            if int(item[0]) not in sku_ids:
                scores[int(item[0])] += float(item[1])
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    items = await _items(session, [[i, s, None] for i, s in ranked], n)
    return schemas.Recommendations(kind="add_ons", source="also_bought", items=items, computed_at=computed)


async def record_behaviour(session: AsyncSession, member_id: int, body: schemas.BehaviourCreate) -> None:
    if not await repo.sellable_skus(session, [body.sku_id]):
        raise NotFound("没有这个商品 / No such SKU on sale.", detail={"sku_id": body.sku_id})
    session.add(BehaviourEvent(member_id=member_id, sku_id=body.sku_id, kind=body.kind))
    await session.flush()


async def create_draft(session: AsyncSession, actor: Principal, body: schemas.DraftCreate) -> schemas.Draft:
    """Turn a store's open replenishment suggestions into one draft receipt (the order to the supplier/DC)."""
    suggestions = [s for s in await repo.replenishment(session, [body.store_id]) if s.document_id is None]
    if not suggestions:
        raise BadRequest(
            "该门店没有待补货建议 / No replenishment to order for this store; run intelligence.plan_stock.",
            detail={"store_id": body.store_id},
        )
    stamp = max(s.computed_at for s in suggestions)
    doc = await documents.create_document(
        session,
        actor,
        inventory_schemas.DocumentCreate(
            kind="receipt",
            store_id=body.store_id,
            supplier=body.supplier or "DC",
            note="智能补货建议 / replenishment suggestion",
            lines=[
                inventory_schemas.DocumentLineIn(sku_id=s.sku_id, quantity=s.quantity) for s in suggestions
            ],
        ),
        f"replenish:{body.store_id}:{stamp:%Y%m%d%H%M%S}",
    )
    for s in suggestions:
        s.document_id = doc.id
    await session.flush()
    return schemas.Draft(document_id=doc.id, store_id=body.store_id, lines=len(suggestions))


async def _audience(session: AsyncSession, audience: str) -> list[int]:
    query = select(MemberSegment.member_id).order_by(MemberSegment.member_id)
    if audience == "sleeping":
        query = query.where(MemberSegment.sleeping.is_(True))
    else:
        segment = audience.split(":", 1)[1]
        if segment not in SEGMENT_NAMES:
            raise BadRequest(f"unknown segment {segment!r}", detail={"segments": sorted(SEGMENT_NAMES)})
        query = query.where(MemberSegment.segment == segment)
    return list(await session.scalars(query))


async def create_campaign(
    session: AsyncSession, actor: Principal, body: schemas.CampaignCreate
) -> schemas.Campaign:
    """Issue the coupon to every member of the audience through the marketing engine, and track them."""
    members = await _audience(session, body.audience)
    if not members:
        raise BadRequest(
            "没有符合条件的会员 / No member is in this audience.", detail={"audience": body.audience}
        )
    campaign = ReactivationCampaign(
        name=body.name, template_id=body.template_id, audience=body.audience, created_by=actor.id
    )
    session.add(campaign)
    await session.flush()
    now = utcnow()
    for member_id in members:
        try:
            async with session.begin_nested():
                coupon = await coupons.claim(session, member_id, body.template_id)
        except RetailError as exc:
            if exc.status_code == 404:
                raise
            coupon = None
        session.add(
            CampaignTarget(
                campaign_id=campaign.id,
                member_id=member_id,
                coupon_id=coupon.id if coupon else None,
                issued_at=now,
            )
        )
    await session.flush()
    audit.record(
        session,
        actor,
        "campaign.create",
        "reactivation_campaign",
        campaign.id,
        after={"targets": len(members)},
    )
    return await campaign_report(session, campaign.id)


async def campaign_report(session: AsyncSession, campaign_id: int) -> schemas.Campaign:
    campaign = await session.get(ReactivationCampaign, campaign_id)
    if campaign is None:
        raise NotFound("没有这个活动 / No such campaign.", detail={"campaign_id": campaign_id})
    rows = await repo.responses(session, campaign_id)
    coupon_ids = [t.coupon_id for t, _, _ in rows if t.coupon_id]
    used = 0
    if coupon_ids:
        used = len(
            list(
                await session.scalars(
                    select(Coupon.id).where(Coupon.id.in_(coupon_ids), Coupon.status == "used")
                )
            )
        )
    responders = sum(1 for _, n, _ in rows if n > 0)
    return schemas.Campaign(
        id=campaign.id,
        name=campaign.name,
        template_id=campaign.template_id,
        audience=campaign.audience,
        created_at=campaign.created_at,
        targets=len(rows),
        coupons_issued=len(coupon_ids),
        coupons_used=used,
        responders=responders,
        response_rate=round(responders / len(rows), 4) if rows else 0.0,
        orders=sum(n for _, n, _ in rows),
        revenue=sum(v for _, _, v in rows),
    )


def segment_out(row: MemberSegment) -> schemas.MemberSegment:
    out = schemas.MemberSegment.model_validate(row)
    out.segment_zh = SEGMENT_NAMES[row.segment][0]
    return out


_ = ReplenishmentSuggestion


async def _transfer_suggestion(session: AsyncSession, suggestion_id: int) -> TransferSuggestion:
    row = await session.get(TransferSuggestion, suggestion_id)
    if row is None:
        raise NotFound(
            "没有这条调拨建议 / No such transfer suggestion.", detail={"suggestion_id": suggestion_id}
        )
    return row


async def approve_transfer_suggestion(
    session: AsyncSession, actor: Principal, suggestion_id: int
) -> Transfer:
    """Turn a smart-transfer suggestion into a real transfer, approved at once by the sending side; the
    suggestion is used up."""
    row = await _transfer_suggestion(session, suggestion_id)
    actor.require_store(row.from_store_id)
    body = inventory_schemas.TransferCreate(
        from_store_id=row.from_store_id,
        to_store_id=row.to_store_id,
        note=f"智能调拨建议 / smart transfer: {row.reason}"[:200],
        lines=[inventory_schemas.TransferLineIn(sku_id=row.sku_id, quantity=row.quantity)],
    )
    transfer = await documents.create_transfer(
        session, actor, body, f"suggestion:{row.id}:{row.computed_at:%Y%m%d%H%M%S}"
    )
    transfer = await documents.transfer_action(session, actor, transfer.id, "approve")
    audit.record(
        session,
        actor,
        "transfer_suggestion.approve",
        "transfer_suggestion",
        row.id,
        after={"transfer_id": transfer.id, "quantity": row.quantity},
        store_id=row.from_store_id,
    )
    await session.delete(row)
    await session.flush()
    return transfer


async def dismiss_transfer_suggestion(session: AsyncSession, actor: Principal, suggestion_id: int) -> None:
    """Drop a smart-transfer suggestion (until the next planning run suggests it again)."""
    row = await _transfer_suggestion(session, suggestion_id)
    actor.require_store(row.from_store_id)
    audit.record(
        session,
        actor,
        "transfer_suggestion.dismiss",
        "transfer_suggestion",
        row.id,
        before={"sku_id": row.sku_id, "quantity": row.quantity, "to_store_id": row.to_store_id},
        store_id=row.from_store_id,
    )
    await session.delete(row)
    await session.flush()
