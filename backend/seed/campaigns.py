"""Demo campaigns: a running 拼团 group buy with a group two of three members have joined (the leader
has paid through the sandbox gateway), a 砍价 bargain deal with one member's bargain cut once, and a
秒杀 flash-sale slot on now with its pool moved out of a store's stock.

Everything goes through the campaign services and is looked up by name first, so a second run adds
nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.campaigns import bargain, flashsale, groupbuy
from backend.campaigns.models import BargainDeal, FlashSlot, GroupBuyDeal
from backend.campaigns.schemas import BargainDealCreate, FlashItemCreate, FlashSlotCreate, GroupBuyDealCreate
from backend.catalog.models import Product, Sku
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.inventory.models import Stock
from backend.members.models import Member
from backend.orders.demo import SYSTEM
from backend.payments import service as payments
from backend.payments.config import runtime
from backend.payments.simulators import sandbox
from backend.pricing.days import BUSINESS_TZ, local_date
from backend.stores.models import Store

GROUP_NAME = "三人拼团 8折"
BARGAIN_NAME = "好友砍价 低至1元"
FLASH_NAME = "今日秒杀"


async def _goods(session: AsyncSession) -> list[tuple[int, int, int]]:
    """(store id, SKU id, base price) of on-sale goods with plenty of stock at one open pickup store."""
    rows = await session.execute(
        select(Stock.store_id, Sku.id, Sku.base_price)
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Stock.store_id)
        .where(
            Stock.on_hand - Stock.reserved >= 40,
            Product.status == "on_sale",
            Product.kind == "goods",
            Sku.status == "active",
            Sku.base_price >= 500,
            Store.kind == "store",
            Store.status == "open",
            Store.pickup_enabled.is_(True),
        )
        .order_by(Stock.store_id, Sku.id.desc())
        .limit(200)
    )
    by_store: dict[int, list[tuple[int, int, int]]] = {}
    for store_id, sku_id, price in rows.all():
        by_store.setdefault(store_id, []).append((store_id, sku_id, price))
    return max(by_store.values(), key=len, default=[])[:3]


def _member(member: Member) -> Principal:
    return Principal(kind="member", id=member.id)


async def _pay_in_sandbox(session: AsyncSession, settings: Settings, payment_id: int) -> None:
    """Pay an open sandbox payment as the payer would on the pay page, then settle it."""
    runtime(settings)
    payment = await payments.get_payment(session, payment_id)
    txn = await sandbox.transaction(session, payment.no)
    assert txn is not None
    await sandbox.confirm(session, txn.token)
    await payments.sync_payment(session, payment_id)


async def seed_campaigns(session: AsyncSession, settings: Settings) -> int:
    """Add the demo campaigns; returns how many campaigns were added."""
    goods = await _goods(session)
    members = list(await session.scalars(select(Member).order_by(Member.id).limit(5)))
    if len(goods) < 3 or len(members) < 5:
        return 0
    start = datetime.combine(local_date(utcnow()), time.min, BUSINESS_TZ) - timedelta(days=1)
    added = 0
    if await session.scalar(select(GroupBuyDeal.id).where(GroupBuyDeal.name_zh == GROUP_NAME)) is None:
        store_id, sku_id, price = goods[0]
        deal = await groupbuy.create_deal(
            session,
            SYSTEM,
            GroupBuyDealCreate(
                sku_id=sku_id,
                name_zh=GROUP_NAME,
                name_en="Team of three, 20% off",
                group_price=price * 80 // 100,
                group_size=3,
                time_limit_hours=24,
                per_member_limit=1,
                starts_at=start,
                ends_at=start + timedelta(days=30),
            ),
        )
        group, seat = await groupbuy.open_group(session, _member(members[0]), deal.id, store_id, 1)
        started = await groupbuy.start_payment(session, _member(members[0]), seat.id, "sandbox")
        await _pay_in_sandbox(session, settings, started.payment_id)
        await groupbuy.join_group(session, _member(members[1]), group.code, store_id, 1)
        added += 1
    if await session.scalar(select(BargainDeal.id).where(BargainDeal.name_zh == BARGAIN_NAME)) is None:
        store_id, sku_id, price = goods[1]
        deal = await bargain.create_deal(
            session,
            SYSTEM,
            BargainDealCreate(
                sku_id=sku_id,
                name_zh=BARGAIN_NAME,
                name_en="Friends cut it down to 1 yuan",
                start_price=price,
                floor_price=100,
                cuts_needed=min(5, price - 100),
                duration_hours=48,
                starts_at=start,
                ends_at=start + timedelta(days=30),
            ),
        )
        running = await bargain.start(session, _member(members[2]), deal.id, store_id)
        await bargain.cut(session, _member(members[3]), running.code)
        added += 1
    if await session.scalar(select(FlashSlot.id).where(FlashSlot.name_zh == FLASH_NAME)) is None:
        store_id, sku_id, price = goods[2]
        await flashsale.create_slot(
            session,
            SYSTEM,
            FlashSlotCreate(
                name_zh=FLASH_NAME,
                name_en="Today's flash sale",
                starts_at=start,
                ends_at=start + timedelta(days=7),
                items=[
                    FlashItemCreate(
                        store_id=store_id,
                        sku_id=sku_id,
                        price=max(1, price // 2),
                        pool=20,
                        per_member_limit=1,
                    )
                ],
            ),
        )
        added += 1
    await session.flush()
    return added
