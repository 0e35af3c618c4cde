"""Demo services and after-sales: bookable offerings for the service products, technicians with a week of
shifts, a few bookings, return rules for fresh food, a return request awaiting approval and open tickets
(one past its SLA). Made through the domain services; every row is found by its natural key first, so a
second run adds nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales import repository as aftersales_repo
from backend.aftersales import service as aftersales
from backend.aftersales.schemas import CategoryRuleIn, RequestCreate
from backend.appointments import repository as appointments_repo
from backend.appointments import service as appointments
from backend.appointments.models import ServiceOffering, TechnicianProfile
from backend.appointments.schemas import BookingCreate, OfferingCreate, ShiftCreate, TechnicianCreate
from backend.auth.models import StaffStore, StaffUser
from backend.auth.principal import Principal, StaffRole
from backend.catalog.models import Category, Product, Sku
from backend.core.errors import RetailError
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.members.models import Member
from backend.orders import repository as orders_repo
from backend.orders.models import Order
from backend.stores.models import Store
from backend.tickets import repository as tickets_repo
from backend.tickets import service as tickets
from backend.tickets.schemas import Escalation, TicketCreate

SYSTEM = Principal(kind="staff", id=0, roles=frozenset({StaffRole.HQ_ADMIN}), store_ids=None)
SHIFT_DAYS = 7
# Product name → (skill, delivered at home?)
SKILLS = {
    "日常保洁": ("保洁", True),
    "深度保洁": ("保洁", True),
    "空调清洗": ("家电清洗", True),
    "油烟机清洗": ("家电清洗", True),
    "洗衣机清洗": ("家电清洗", True),
    "家电维修检测": ("家电维修", True),
    "上门按摩": ("按摩", True),
    "门店美甲": ("美甲", False),
}
# Deep cleaning is priced by area: (included m², max m²) per spec, plus 3 yuan and 20 minutes per 10 m².
AREA = {"90平米以内": (60, 90), "90-140平米": (90, 140)}
NO_RETURN_CATEGORIES = ("FRESH", "BAKERY")


async def _offerings(session: AsyncSession) -> tuple[int, dict[str, int]]:
    """An offering for every service SKU; returns how many were added and the SKU id by product name."""
    rows = await session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id).where(Product.kind == "service")
    )
    have = set(await session.scalars(select(ServiceOffering.sku_id)))
    added = 0
    first: dict[str, int] = {}
    for sku, product in sorted(rows.all(), key=lambda r: r[0].code):
        first.setdefault(product.name_zh, sku.id)
        if sku.id in have or product.name_zh not in SKILLS:
            continue
        skill, at_home = SKILLS[product.name_zh]
        value = next(iter(sku.specs.values()), "")
        durations = dict(
            part.split("=", 1)
            for part in str(product.attributes.get("durations", "")).split(",")
            if "=" in part
        )
        minutes = int(durations.get(value, product.attributes.get("duration_min", 60)))
        area = AREA.get(value) if product.name_zh == "深度保洁" else None
        body = OfferingCreate(
            sku_id=sku.id,
            duration_min=minutes,
            buffer_min=30,
            travel_min=30 if at_home else 0,
            location_type="at_home" if at_home else "in_store",
            required_skill=skill,
            service_radius_m=15_000 if at_home else None,
            free_cancel_hours=24,
            cancel_fee=2000,
            included_m2=area[0] if area else None,
            max_m2=area[1] if area else None,
            price_per_m2=300 if area else 0,
            minutes_per_10m2=20 if area else 0,
        )
        await appointments.create_offering(session, SYSTEM, body)
        added += 1
    return added, first


async def _technicians(session: AsyncSession, today: datetime) -> tuple[int, list[TechnicianProfile]]:
    rows = await session.execute(
        select(StaffUser, StaffStore.store_id)
        .join(StaffStore, StaffStore.staff_id == StaffUser.id)
        .order_by(StaffUser.username)
    )
    added = 0
    techs: list[TechnicianProfile] = []
    for staff, store_id in rows.all():
        if StaffRole.TECHNICIAN not in (staff.roles or []) or any(t.staff_id == staff.id for t in techs):
            continue
        tech = await appointments_repo.get_technician(session, staff.id)
        if tech is None:
            skills = ["保洁", "家电清洗", "家电维修", "按摩"] + (
                ["美甲"] if staff.username == "sh001.tech" else []
            )
            body = TechnicianCreate(staff_id=staff.id, home_store_id=store_id, skills=skills, capacity=1)
            tech = await appointments.create_technician(session, SYSTEM, body)
            added += 1
        techs.append(tech)
        for ahead in range(SHIFT_DAYS):
            day = today.date() + timedelta(days=ahead)
            if await appointments_repo.shift_on(session, tech.staff_id, day) is not None:
                continue
            shift = ShiftCreate(local_date=day, start="09:00", end="18:00", breaks=[("12:00", "13:00")])
            await appointments.add_shift(session, SYSTEM, tech.staff_id, shift)
            added += 1
    return added, techs


async def _bookings(
    session: AsyncSession, member: Member, store: Store, sku_ids: dict[str, int], today: datetime
) -> int:
    tz = ZoneInfo(store.timezone or "Asia/Shanghai")
    shopper = Principal(kind="member", id=member.id)
    home = {
        "address": "上海市黄浦区南京东路100号",
        "latitude": store.latitude + 0.01,
        "longitude": store.longitude + 0.01,
    }
    wanted = [
        ("demo-booking-cleaning", "日常保洁", 3, "13:30", home),
        ("demo-booking-manicure", "门店美甲", 1, "14:00", {"store_id": store.id}),
        ("demo-booking-aircon", "空调清洗", 2, "15:00", home),
    ]
    added = 0
    for ref, name, days, at, place in wanted:
        if name not in sku_ids or await appointments_repo.booking_by_ref(session, member.id, ref) is not None:
            continue
        start = datetime.combine(today.date() + timedelta(days=days), time.fromisoformat(at), tzinfo=tz)
        body = BookingCreate(sku_id=sku_ids[name], start_at=start, client_ref=ref, **place)
        try:
            async with session.begin_nested():
                await appointments.book(session, shopper, body)
        except RetailError:
            # No technician free then (the demo data changed): leave this booking out.
            continue
        added += 1
    return added


async def _return_rules(session: AsyncSession) -> int:
    added = 0
    for code in NO_RETURN_CATEGORIES:
        category = await session.scalar(select(Category).where(Category.code == code))
        if category is None or await aftersales_repo.rule_for(session, category.id) is not None:
            continue
        rule = CategoryRuleIn(
            no_reason=False, quality_days=2, note="生鲜烘焙不支持无理由退货，质量问题48小时内受理"
        )
        await aftersales.set_rule(session, SYSTEM, category.id, rule)
        added += 1
    return added


async def _return_request(session: AsyncSession) -> int:
    order = await session.scalar(select(Order).where(Order.client_id == "demo-order-completed"))
    if order is None or order.member_id is None:
        return 0
    shopper = Principal(kind="member", id=order.member_id)
    ref = "demo-aftersales-quality"
    if await aftersales_repo.by_client_ref(session, order.member_id, ref) is not None:
        return 0
    line = (await orders_repo.order_lines(session, order.id))[0]
    body = RequestCreate(
        order_id=order.id,
        reason_code="quality",
        reason="包装破损，商品受潮",
        lines=[{"order_line_id": line.id, "quantity": 1}],
        client_ref=ref,
    )
    try:
        async with session.begin_nested():
            await aftersales.create_request(session, shopper, body)
    except RetailError:
        return 0
    return 1


async def _tickets(session: AsyncSession, member: Member, store: Store) -> int:
    shopper = Principal(kind="member", id=member.id)
    added = 0
    if await tickets_repo.by_client_ref(session, member.id, "demo-ticket-complaint") is None:
        await tickets.create(
            session,
            shopper,
            TicketCreate(
                category="complaint",
                subject="自提等待时间过长",
                body="到店自提等了二十分钟才拿到货。",
                store_id=store.id,
                client_ref="demo-ticket-complaint",
            ),
        )
        added += 1
    if await tickets_repo.by_client_ref(session, member.id, "demo-ticket-escalation") is None:
        await tickets.escalate(
            session,
            shopper,
            Escalation(
                category="refund",
                subject="退款什么时候到账",
                transcript=[
                    {"role": "member", "text": "我的退款什么时候到账？"},
                    {"role": "assistant", "text": "原路退回一般1-3个工作日到账。"},
                    {"role": "member", "text": "已经5天了，转人工"},
                ],
                client_ref="demo-ticket-escalation",
            ),
        )
        added += 1
    if await tickets_repo.by_client_ref(session, member.id, "demo-ticket-overdue") is None:
        late = await tickets.create(
            session,
            shopper,
            TicketCreate(
                category="delivery",
                subject="配送超时未送达",
                body="预计一小时送达，现在三个小时了还没到。",
                store_id=store.id,
                client_ref="demo-ticket-overdue",
            ),
        )
        # Opened three hours ago and never answered: past its one-hour first-response deadline.
        shift = timedelta(hours=3)
        late.created_at -= shift
        late.first_response_due -= shift
        late.resolution_due -= shift
        await session.flush()
        await tickets.mark_breaches(session, utcnow())
        added += 1
    return added


async def seed_services(session: AsyncSession, settings: Settings) -> int:
    """Load the demo's services and after-sales data; returns how many things were added."""
    store = await session.scalar(select(Store).where(Store.code == "SH001"))
    member = await session.scalar(
        select(Member).where(Member.deleted_at.is_(None)).order_by(Member.id).limit(1)
    )
    if store is None or member is None:
        return 0
    today = utcnow().astimezone(ZoneInfo(store.timezone or "Asia/Shanghai"))
    added, sku_ids = await _offerings(session)
    more, _techs = await _technicians(session, today)
    added += more
    added += await _bookings(session, member, store, sku_ids, today)
    added += await _return_rules(session)
    added += await _return_request(session)
    added += await _tickets(session, member, store)
    await session.flush()
    return added
