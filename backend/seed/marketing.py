"""Demo marketing, membership money and franchise books: running promotions (满减, 第二件半价, a
bundle), coupon templates with coupons members claimed, tier thresholds with members in every tier,
a distributor with referred members and their commissions, a merchant's settlement statement for last
week, a scheduled regional price change and near-expiry markdowns.

Everything goes through the domain services and is looked up by its natural key first (names, codes,
phones, till-sale client ids, periods), so a second run adds nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product, Sku
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.distribution import service as distribution
from backend.distribution.models import Distributor
from backend.distribution.schemas import BindRequest
from backend.franchise import service as franchise
from backend.franchise.models import Merchant, Statement
from backend.franchise.schemas import StatementRequest
from backend.inventory.models import Stock
from backend.marketing import coupons, promotions
from backend.marketing.models import Coupon, CouponTemplate, Promotion
from backend.marketing.schemas import CouponTemplateCreate, PromotionCreate
from backend.members import repository as members_repo
from backend.members import wallet
from backend.members.models import Member, MemberSpend, TierRule
from backend.orders import pos
from backend.orders.demo import SYSTEM
from backend.orders.models import Order
from backend.orders.schemas import PosSaleCreate
from backend.pricing import actions as pricing_actions
from backend.pricing.days import BUSINESS_TZ, local_date
from backend.pricing.models import MarkdownRule, PriceChange
from backend.pricing.schemas import MarkdownRuleCreate, PriceChangeCreate, PriceListItemIn
from backend.stores.models import Region, Store

SALE_MARKER = "demo-distribution-sale-"
TIERS = [
    # code, 中文, English, 12-month spend (fen), tier discount (bp), points multiplier (bp)
    ("silver", "银卡", "Silver", 100_000, 0, 10_000),
    ("gold", "金卡", "Gold", 500_000, 200, 12_000),
    ("diamond", "钻石卡", "Diamond", 2_000_000, 500, 15_000),
]
# (phone, name): the distributor, the members they referred, and one referred by a referred member.
DISTRIBUTOR = ("13700009001", "李推广")
REFERRED = [("13700009002", "王小美"), ("13700009003", "赵一鸣")]
SECOND_LEVEL = ("13700009004", "孙晓晓")
MARKDOWN_RULES = [(3, 3000), (1, 5000)]
PRICE_CHANGE_NAME = "华东区 周末调价"


async def _goods(session: AsyncSession, limit: int = 6) -> list[tuple[int, int, int, int | None]]:
    """(store id, SKU id, base price, cost) for on-sale goods in good stock at one open store."""
    rows = await session.execute(
        select(Stock.store_id, Sku.id, Sku.base_price, Sku.cost_price)
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Stock.store_id)
        .where(
            Stock.on_hand - Stock.reserved >= 20,
            Product.status == "on_sale",
            Sku.status == "active",
            Product.kind == "goods",
            Store.kind == "store",
            Store.status == "open",
        )
        .order_by(Stock.store_id, Sku.id)
        .limit(200)
    )
    by_store: dict[int, list[tuple[int, int, int, int | None]]] = {}
    for store_id, sku_id, price, cost in rows.all():
        by_store.setdefault(store_id, []).append((store_id, sku_id, price, cost))
    best = max(by_store.values(), key=len, default=[])
    return best[:limit]


async def _promotions(session: AsyncSession, goods: list[tuple[int, int, int, int | None]]) -> int:
    existing = set(await session.scalars(select(Promotion.name_zh)))
    start = datetime.combine(local_date(utcnow()), time.min, BUSINESS_TZ) - timedelta(days=1)
    end = start + timedelta(days=365)
    wanted = [
        PromotionCreate(
            name_zh="全场满199减30，满399减80",
            name_en="30 off 199, 80 off 399",
            rule={
                "type": "threshold",
                "tiers": [{"threshold": 19_900, "off": 3_000}, {"threshold": 39_900, "off": 8_000}],
            },
            group="order",
            starts_at=start,
            ends_at=end,
        ),
        PromotionCreate(
            name_zh="第二件半价",
            name_en="Second item half price",
            rule={"type": "nth_discount", "n": 2, "rate_bp": 5_000},
            scope="skus",
            scope_ids=[g[1] for g in goods[:2]],
            starts_at=start,
            ends_at=end,
        ),
        PromotionCreate(
            name_zh="早餐组合价",
            name_en="Breakfast bundle",
            rule={
                "type": "bundle",
                "sku_ids": [g[1] for g in goods[2:4]],
                "price": max(100, (goods[2][2] + goods[3][2]) * 85 // 100),
            },
            scope="skus",
            scope_ids=[g[1] for g in goods[2:4]],
            starts_at=start,
            ends_at=end,
        ),
    ]
    added = 0
    for body in wanted:
        if body.name_zh not in existing:
            await promotions.create(session, SYSTEM, body)
            added += 1
    return added


async def _coupons(session: AsyncSession, members: list[Member]) -> int:
    existing = {t.name_zh: t for t in await session.scalars(select(CouponTemplate))}
    wanted = [
        CouponTemplateCreate(
            name_zh="新人券 满50减10",
            name_en="10 off 50 for newcomers",
            kind="threshold",
            amount=1_000,
            threshold=5_000,
            valid_days=30,
            total_quantity=10_000,
        ),
        CouponTemplateCreate(
            name_zh="会员9折券",
            name_en="10% off for members",
            kind="percent",
            percent_bp=1_000,
            valid_days=14,
            total_quantity=5_000,
        ),
        CouponTemplateCreate(
            name_zh="到家免运费券",
            name_en="Free delivery",
            kind="free_shipping",
            valid_days=7,
            total_quantity=5_000,
            channels=["online"],
        ),
    ]
    added = 0
    for i, body in enumerate(wanted):
        template = existing.get(body.name_zh)
        if template is None:
            template = await coupons.create_template(session, SYSTEM, body)
            added += 1
        claimed = await session.scalar(
            select(func.count()).select_from(Coupon).where(Coupon.template_id == template.id)
        )
        if claimed:
            continue
        for member in members[i : i + 4]:
            await coupons.claim(session, member.id, template.id)
            added += 1
    return added


async def _tiers(session: AsyncSession, members: list[Member]) -> int:
    existing = set(await session.scalars(select(TierRule.code)))
    added = 0
    for code, zh, en, spend, discount, multiplier in TIERS:
        if code not in existing:
            session.add(
                TierRule(
                    code=code,
                    name_zh=zh,
                    name_en=en,
                    min_spend_12m=spend,
                    discount_bp=discount,
                    points_multiplier_bp=multiplier,
                )
            )
            added += 1
    await session.flush()
    # Members spread over the tiers by their spend in the last months (before this system).
    spends = [(members[0], 2_350_000), (members[1], 620_000), (members[2], 180_000), (members[3], 45_000)]
    when = utcnow() - timedelta(days=30)
    for member, amount in spends:
        ref = f"demo-tier-{member.id}"
        found = await session.scalar(
            select(MemberSpend.id).where(
                MemberSpend.member_id == member.id,
                MemberSpend.ref_type == "import",
                MemberSpend.ref_id == ref,
            )
        )
        if found is None:
            await wallet.record_spend(session, member.id, amount, "import", ref, when)
            added += 1
    return added


async def _member(session: AsyncSession, phone: str, name: str) -> tuple[Member, bool]:
    member = await members_repo.by_phone(session, phone)
    if member is not None:
        return member, False
    return await members_repo.create(session, phone, name=name), True


async def _distribution(session: AsyncSession, goods: list[tuple[int, int, int, int | None]]) -> int:
    top, created = await _member(session, *DISTRIBUTOR)
    if not created and await session.scalar(select(Distributor.id).where(Distributor.member_id == top.id)):
        return 0
    added = 1
    top_d, _ = await distribution.join(session, top.id)
    buyers = []
    for phone, name in REFERRED:
        member, _ = await _member(session, phone, name)
        await distribution.bind(session, member.id, BindRequest(code=top_d.code, via="link"))
        buyers.append(member)
        added += 2
    middle_d, _ = await distribution.join(session, buyers[0].id)
    second, _ = await _member(session, *SECOND_LEVEL)
    await distribution.bind(session, second.id, BindRequest(code=middle_d.code))
    buyers.append(second)
    added += 3
    store_id = goods[0][0]
    for i, buyer in enumerate(buyers):
        sku_id = goods[i % len(goods)][1]
        client_id = f"{SALE_MARKER}{i}"
        if await session.scalar(select(Order.id).where(Order.client_id == client_id)) is None:
            sale = PosSaleCreate(
                client_id=client_id,
                store_id=store_id,
                member_id=buyer.id,
                lines=[{"sku_id": sku_id, "quantity": 2}],
                tenders=[{"method": "cash", "amount": 100_000}],
            )
            await pos.create_sale(session, SYSTEM, sale)
            added += 1
    await session.flush()
    await distribution.sync(session)
    return added


async def _statement(session: AsyncSession) -> int:
    merchant = await session.scalar(select(Merchant).order_by(Merchant.id).limit(1))
    if merchant is None:
        return 0
    today = local_date(utcnow())
    start, end = today - timedelta(days=7), today - timedelta(days=1)
    if await session.scalar(
        select(Statement.id).where(
            Statement.merchant_id == merchant.id, Statement.period_start == start, Statement.period_end == end
        )
    ):
        return 0
    await franchise.generate(
        session, SYSTEM, StatementRequest(merchant_id=merchant.id, period_start=start, period_end=end)
    )
    return 1


async def _price_actions(session: AsyncSession, goods: list[tuple[int, int, int, int | None]]) -> int:
    added = 0
    existing_rules = {(r.scope, r.days_left) for r in await session.scalars(select(MarkdownRule))}
    for days_left, percent in MARKDOWN_RULES:
        if ("default", days_left) not in existing_rules:
            await pricing_actions.set_rule(
                session, SYSTEM, MarkdownRuleCreate(days_left=days_left, percent_bp=percent)
            )
            added += 1
    if await session.scalar(select(PriceChange.id).where(PriceChange.name == PRICE_CHANGE_NAME)):
        return added
    store = await session.get(Store, goods[0][0])
    region = await session.get(Region, store.region_id) if store else None
    if region is None:
        return added
    margin = (await pricing_actions.pricing_settings(session)).min_margin_bp
    items = []
    for _, sku_id, price, cost in goods[4:6]:
        new = price * 95 // 100
        floor = pricing_actions.floor_price(cost, margin)
        if floor is None or new >= floor:
            items.append(PriceListItemIn(sku_id=sku_id, price=new))
    if items:
        saturday = local_date(utcnow()) + timedelta(days=(5 - local_date(utcnow()).weekday()) % 7 or 7)
        effective = datetime.combine(saturday, time.min, BUSINESS_TZ)
        await pricing_actions.schedule_change(
            session,
            SYSTEM,
            PriceChangeCreate(
                name=PRICE_CHANGE_NAME,
                scope="region",
                scope_value=region.id,
                effective_at=effective,
                items=items,
            ),
        )
        added += 1
    return added


async def seed_marketing(session: AsyncSession, settings: Settings) -> int:
    """Add whatever of the demo marketing is missing; returns how many things were added."""
    goods = await _goods(session)
    members = list(
        await session.scalars(select(Member).where(Member.phone.like("139%")).order_by(Member.id).limit(12))
    )
    if len(goods) < 6 or len(members) < 8:
        return 0
    added: Counter[str] = Counter()
    added["promotions"] = await _promotions(session, goods)
    added["coupons"] = await _coupons(session, members)
    added["tiers"] = await _tiers(session, members)
    added["distribution"] = await _distribution(session, goods)
    added["statement"] = await _statement(session)
    added["pricing"] = await _price_actions(session, goods)
    await session.flush()
    return sum(added.values())
