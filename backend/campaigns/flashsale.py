"""秒杀 flash sale: slots and their items, each item's stock pool, paying a claim, expiry and slot end.

Setting up an item moves its pool out of the store's stock through the ledger (``transfer_out``, ref
``flash_pool``), so the store's shelves and online orders never sell those units. Buying is the fast
path in ``flashsale_batch``: a claim holds units of the pool until it is paid or expires. A paid claim
brings its units back into the store (``transfer_in``, ref ``flash_claim``) and becomes an ordinary
paid order holding them. An unpaid claim that expires returns its units to the pool; when the slot
ends, the pool's unsold units go back to the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.campaigns import common, ordering
from backend.campaigns import repository as repo
from backend.campaigns.errors import FlashClaimNotFound, FlashItemNotFound, NotPayable
from backend.campaigns.models import ClaimStatus, FlashClaim, FlashItem, FlashSlot
from backend.campaigns.schemas import CampaignPayment, FlashSlotCreate
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.time import as_utc, utcnow
from backend.inventory.models import MovementKind
from backend.inventory.service import stock as inventory
from backend.payments import service as payments

REF_TYPE = "flash_claim"
POOL_REF = "flash_pool"


def topic(item_id: int) -> str:
    return f"flash_sale:{item_id}"


async def create_slot(
    session: AsyncSession, principal: Principal, body: FlashSlotCreate
) -> tuple[FlashSlot, list[FlashItem]]:
    """Create a slot and move every item's pool out of its store's stock (all or nothing)."""
    keys = [(i.store_id, i.sku_id) for i in body.items]
    if len(set(keys)) != len(keys):
        raise ValidationFailed("Each store and SKU appears once in a slot.", detail={"items": keys})
    slot = FlashSlot(
        name_zh=body.name_zh,
        name_en=body.name_en,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        created_by=principal.id,
    )
    session.add(slot)
    await session.flush()
    items = []
    for spec in sorted(body.items, key=lambda i: (i.store_id, i.sku_id)):
        await common.check_sku(session, spec.sku_id)
        principal.require_store(spec.store_id)
        item = FlashItem(
            slot_id=slot.id,
            store_id=spec.store_id,
            sku_id=spec.sku_id,
            price=spec.price,
            pool=spec.pool,
            per_member_limit=spec.per_member_limit,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
        )
        session.add(item)
        await session.flush()
        await inventory.take_lines(
            session,
            spec.store_id,
            [(spec.sku_id, spec.pool)],
            MovementKind.TRANSFER_OUT,
            ref_type=POOL_REF,
            ref_id=str(item.id),
            actor=principal,
            note="秒杀库存池 / moved to the flash-sale pool",
        )
        items.append(item)
    audit.record(
        session,
        principal,
        "flash_sale.create",
        "flash_sale_slot",
        slot.id,
        after=body.model_dump(mode="json"),
    )
    return slot, items


async def close_item(session: AsyncSession, item_id: int, actor: Any = None) -> int:
    """Close an item's pool: its unsold units go back to the store; returns how many (0 if closed)."""
    unsold = await repo.close_item(session, item_id)
    if unsold is None:
        return 0
    item = await repo.get_item(session, item_id)
    assert item is not None
    if unsold > 0:
        await inventory.receive(
            session,
            item.store_id,
            item.sku_id,
            unsold,
            ref_type=POOL_REF,
            ref_id=str(item.id),
            actor=actor,
            kind=MovementKind.TRANSFER_IN,
            note="秒杀结束，未售库存退回 / unsold flash-sale units back from the pool",
        )
    emit(session, topic(item.id), "flash_sale.closed", {"item_id": item.id, "returned": unsold})
    return unsold


async def end_slot(session: AsyncSession, principal: Principal, slot_id: int) -> FlashSlot:
    """End a slot now (HQ): close every item and give the unsold units back."""
    slot = await repo.get_slot(session, slot_id)
    if slot is None:
        raise FlashItemNotFound(detail={"slot_id": slot_id})
    now = utcnow()
    if as_utc(slot.ends_at) > now:
        slot.ends_at = now
    for item in await repo.items_of(session, [slot.id]):
        if as_utc(item.ends_at) > now:
            item.ends_at = now
        await session.flush()
        await close_item(session, item.id, principal)
    audit.record(session, principal, "flash_sale.end", "flash_sale_slot", slot.id)
    return slot


async def _release_claim_units(session: AsyncSession, claim_id: int, item_id: int, units: int) -> None:
    """Units of a claim that will not be sold: back to the pool, or to the store if the pool closed."""
    if await repo.return_to_pool(session, item_id, units):
        return
    item = await repo.get_item(session, item_id)
    assert item is not None
    await inventory.receive(
        session,
        item.store_id,
        item.sku_id,
        units,
        ref_type=REF_TYPE,
        ref_id=str(claim_id),
        kind=MovementKind.TRANSFER_IN,
        note="秒杀未付款，退回门店 / unpaid flash-sale units back to the store",
    )


async def expire_claims(session: AsyncSession, now: datetime | None = None, limit: int = 500) -> int:
    """Unpaid claims past their time give their units back; returns how many."""
    expired = await repo.expire_claims(session, now or utcnow(), limit)
    for claim_id, item_id, units in sorted(expired, key=lambda c: c[1]):
        await _release_claim_units(session, claim_id, item_id, units)
    return len(expired)


async def own_claim(session: AsyncSession, principal: Principal, claim_id: int) -> FlashClaim:
    claim = await repo.get_claim(session, claim_id)
    if claim is None or (principal.is_member and claim.member_id != principal.id):
        raise FlashClaimNotFound(detail={"claim_id": claim_id})
    return claim


async def _payable_claim(
    session: AsyncSession, principal: Principal, claim_id: int
) -> tuple[FlashClaim, FlashItem]:
    claim = await own_claim(session, principal, claim_id)
    if claim.status != ClaimStatus.HELD or as_utc(claim.pay_by) <= utcnow():
        raise NotPayable(detail={"claim_id": claim.id, "status": claim.status})
    item = await repo.get_item(session, claim.item_id)
    assert item is not None
    return claim, item


async def start_payment(
    session: AsyncSession, member: Principal, claim_id: int, provider: str
) -> CampaignPayment:
    claim, item = await _payable_claim(session, member, claim_id)
    return await common.open_payment(
        session,
        ref_type=REF_TYPE,
        ref_id=claim.id,
        amount=claim.amount,
        provider=provider,
        description=f"秒杀 #{claim.id}",
        member_id=claim.member_id,
        store_id=item.store_id,
    )


async def _payable(session: AsyncSession, principal: Principal, ref_id: str) -> payments.PayableRef:
    if not ref_id.isdigit():
        raise FlashClaimNotFound(detail={"claim_id": ref_id})
    claim, item = await _payable_claim(session, principal, int(ref_id))
    return payments.PayableRef(
        amount=claim.amount,
        description=f"秒杀 #{claim.id}",
        store_id=item.store_id,
        payer_member_id=claim.member_id,
    )


async def _on_paid(session: AsyncSession, ref_id: str, payment: Any) -> None:
    """A claim's payment succeeded: its units come back from the pool and become a paid order. A payment
    for a claim that already expired is refunded at once."""
    claim = await repo.get_claim(session, int(ref_id))
    if claim is None:
        return
    now = utcnow()
    if not await repo.move_claim(
        session, claim.id, ClaimStatus.HELD, ClaimStatus.PAID, payment_id=payment.id, paid_at=now
    ):
        await common.refund_payment(
            session, payment.id, payment.amount, "秒杀订单已失效 / the flash-sale claim lapsed"
        )
        return
    item = await repo.get_item(session, claim.item_id)
    assert item is not None
    await inventory.receive(
        session,
        item.store_id,
        item.sku_id,
        claim.quantity,
        ref_type=REF_TYPE,
        ref_id=str(claim.id),
        kind=MovementKind.TRANSFER_IN,
        note="秒杀已付款，出池备货 / paid flash-sale units out of the pool for the order",
    )
    order = await ordering.create_paid_order(
        session,
        payment_id=payment.id,
        payment_no=payment.no,
        member_id=claim.member_id,
        store_id=item.store_id,
        sku_id=item.sku_id,
        quantity=claim.quantity,
        unit_price=item.price,
        reason="flash_sale",
        note=f"秒杀 #{claim.id}",
    )
    await repo.move_claim(session, claim.id, ClaimStatus.PAID, ClaimStatus.PAID, order_id=order.id)


def register_handlers() -> None:
    payments.register_ref_checker(REF_TYPE, _payable)
    payments.register_paid_handler(REF_TYPE, _on_paid)
