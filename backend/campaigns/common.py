"""Small pieces the three campaign types share: share codes, catalog checks, opening a payment."""

from __future__ import annotations

import secrets
import string

from sqlalchemy.ext.asyncio import AsyncSession

from backend.campaigns.schemas import CampaignPayment
from backend.orders import repository as order_repo
from backend.orders.cart import on_sale
from backend.orders.errors import CartInvalid, FulfilmentUnavailable
from backend.payments import service as payments
from backend.stores.errors import StoreNotFound

_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1I")


def share_code(length: int = 8) -> str:
    """A code a member shares with friends (no 0/O or 1/I, so it can be read aloud)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


async def check_sku(session: AsyncSession, sku_id: int) -> None:
    found = (await order_repo.skus_with_products(session, [sku_id])).get(sku_id)
    if found is None:
        raise CartInvalid(detail={"sku_id": sku_id, "code": "unknown_sku"})
    if not on_sale(*found):
        raise CartInvalid(detail={"sku_id": sku_id, "code": "off_shelf"})


async def check_store(session: AsyncSession, store_id: int) -> None:
    store = await order_repo.get_store(session, store_id)
    if store is None:
        raise StoreNotFound(detail={"store_id": store_id})
    if store.status != "open" or not store.pickup_enabled:
        raise FulfilmentUnavailable(
            "该门店不提供自提 / This store does not offer pickup.", detail={"store_id": store_id}
        )


async def open_payment(
    session: AsyncSession,
    *,
    ref_type: str,
    ref_id: int,
    amount: int,
    provider: str,
    description: str,
    member_id: int,
    store_id: int,
) -> CampaignPayment:
    paid = await payments.create_payment(
        session,
        ref_type=ref_type,
        ref_id=str(ref_id),
        amount=amount,
        provider=provider,
        description=description,
        payer_member_id=member_id,
        store_id=store_id,
    )
    return CampaignPayment(
        ref_type=ref_type,
        ref_id=str(ref_id),
        amount=paid.amount,
        payment_id=paid.id,
        provider=paid.provider,
        pay_url=paid.pay_url,
        qr_payload=paid.qr_text,
    )


async def refund_payment(session: AsyncSession, payment_id: int, amount: int, reason: str) -> None:
    """Give a campaign payment back in full through its provider (a repeat refunds nothing more)."""
    await payments.refund(
        session, payment_id, amount, reason, idempotency_key=f"campaign-refund-{payment_id}"
    )
