"""Sales figures for the HQ dashboard: KPIs for a period against the previous one, trends and breakdowns.

Sales are net of refunds and counted when the money came in (the till's sale time, else the payment
time); cancelled and unpaid orders do not count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Category, Product, Sku
from backend.hq.queries import scoped
from backend.inventory.models import Stock
from backend.members.models import Member
from backend.orders.models import Order, OrderLine, OrderStatus
from backend.stores.models import Region, Store

PERIODS = {"day": 1, "week": 7, "month": 30}
# How many buckets of the period the trend chart shows.
TREND_BUCKETS = {"day": 14, "week": 8, "month": 6}
COUNTED = (OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT)


def _sold_at():  # type: ignore[no-untyped-def]
    return func.coalesce(Order.sold_at, Order.paid_at)


@dataclass(frozen=True, slots=True)
class Sale:
    at: datetime
    store_id: int | None
    channel: str
    fulfilment: str
    member_id: int | None
    net: int


@dataclass(slots=True)
class Figures:
    sales: int = 0
    orders: int = 0
    online_sales: int = 0
    online_orders: int = 0
    pickup_orders: int = 0
    members: set[int] = field(default_factory=set)

    @property
    def average_order(self) -> int:
        return round(self.sales / self.orders) if self.orders else 0

    @property
    def online_share(self) -> float:
        return self.online_sales / self.sales if self.sales else 0.0

    @property
    def pickup_share(self) -> float:
        return self.pickup_orders / self.online_orders if self.online_orders else 0.0

    def add(self, sale: Sale) -> None:
        self.sales += sale.net
        self.orders += 1
        if sale.channel == "online":
            self.online_sales += sale.net
            self.online_orders += 1
            if sale.fulfilment == "pickup":
                self.pickup_orders += 1
        if sale.member_id is not None:
            self.members.add(sale.member_id)


@dataclass(frozen=True, slots=True)
class Kpi:
    key: str
    label: str
    value: float
    previous: float
    kind: str  # money | count | share

    @property
    def change(self) -> float | None:
        """Relative change against the previous period (None when there is nothing to compare)."""
        if not self.previous:
            return None
        return (self.value - self.previous) / abs(self.previous)


@dataclass(frozen=True, slots=True)
class Ranked:
    key: str
    label: str
    sales: int
    orders: int
    previous_sales: int


@dataclass(frozen=True, slots=True)
class Window:
    period: str
    start: datetime
    end: datetime

    @property
    def previous(self) -> Window:
        length = self.end - self.start
        return Window(self.period, self.start - length, self.start)


def window(period: str, now: datetime) -> Window:
    return Window(period, now - timedelta(days=PERIODS[period]), now)


async def sales_between(
    session: AsyncSession, store_ids: frozenset[int] | None, start: datetime, end: datetime
) -> list[Sale]:
    at = _sold_at()
    query = select(
        at,
        Order.store_id,
        Order.channel,
        Order.fulfilment,
        Order.member_id,
        Order.total - Order.refunded_amount,
    ).where(Order.paid_at.is_not(None), Order.status.not_in(COUNTED), at >= start, at < end)
    query = scoped(query, Order.store_id, store_ids)
    return [Sale(*row) for row in (await session.execute(query)).all()]


def figures(sales: list[Sale]) -> Figures:
    result = Figures()
    for sale in sales:
        result.add(sale)
    return result


async def new_members(session: AsyncSession, start: datetime, end: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.deleted_at.is_(None), Member.created_at >= start, Member.created_at < end)
    )
    return int(count or 0)


def within(sales: list[Sale], start: datetime, end: datetime) -> list[Sale]:
    return [sale for sale in sales if start <= sale.at < end]


async def load(
    session: AsyncSession, store_ids: frozenset[int] | None, period: str, now: datetime
) -> tuple[Window, list[Sale]]:
    """The period's window and, in one query, every sale the dashboard needs: the trend's buckets and
    the window before this one."""
    win = window(period, now)
    first = min(_trend_start(now, period), win.previous.start)
    return win, await sales_between(session, store_ids, first, now + timedelta(seconds=1))


async def kpis(session: AsyncSession, win: Window, sales: list[Sale]) -> list[Kpi]:
    prev = win.previous
    now_fig = figures(within(sales, win.start, win.end))
    old_fig = figures(within(sales, prev.start, prev.end))
    return [
        Kpi("sales", "销售额", now_fig.sales, old_fig.sales, "money"),
        Kpi("orders", "订单数", now_fig.orders, old_fig.orders, "count"),
        Kpi("average_order", "客单价", now_fig.average_order, old_fig.average_order, "money"),
        Kpi("online_share", "线上占比（销售额）", now_fig.online_share, old_fig.online_share, "share"),
        Kpi("pickup_share", "自提占比（线上订单）", now_fig.pickup_share, old_fig.pickup_share, "share"),
        Kpi("active_members", "消费会员", len(now_fig.members), len(old_fig.members), "count"),
        Kpi(
            "new_members",
            "新增会员",
            await new_members(session, win.start, win.end),
            await new_members(session, prev.start, prev.end),
            "count",
        ),
    ]


def _bucket_start(at: date, period: str) -> date:
    if period == "week":
        return at - timedelta(days=at.weekday())
    if period == "month":
        return at.replace(day=1)
    return at


def _bucket_starts(today: date, period: str) -> list[date]:
    starts = [_bucket_start(today, period)]
    while len(starts) < TREND_BUCKETS[period]:
        before = starts[-1] - timedelta(days=1)
        starts.append(_bucket_start(before, period))
    return starts[::-1]


def _trend_start(now: datetime, period: str) -> datetime:
    first = _bucket_starts(now.date(), period)[0]
    return datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)


def trend(sales: list[Sale], period: str, now: datetime) -> tuple[list[str], list[int], list[int]]:
    """(bucket labels, online sales, in-store sales) for the last few days, weeks or months."""
    starts = _bucket_starts(now.date(), period)
    online: dict[date, int] = defaultdict(int)
    offline: dict[date, int] = defaultdict(int)
    for sale in within(sales, _trend_start(now, period), now + timedelta(seconds=1)):
        bucket = _bucket_start(sale.at.date(), period)
        (online if sale.channel == "online" else offline)[bucket] += sale.net
    labels = [s.strftime("%m-%d") if period != "month" else s.strftime("%Y-%m") for s in starts]
    return labels, [online[s] for s in starts], [offline[s] for s in starts]


async def ranking(
    session: AsyncSession, store_ids: frozenset[int] | None, win: Window, by: str, sales: list[Sale]
) -> list[Ranked]:
    """Sales by store, region or category in the window, with the previous window's sales."""
    if by == "category":
        return await _by_category(session, store_ids, win)
    stores = {
        s.id: (s, r)
        for s, r in (
            await session.execute(select(Store, Region).join(Region, Region.id == Store.region_id))
        ).all()
    }

    def key_of(store_id: int | None) -> tuple[str, str]:
        if store_id is None or store_id not in stores:
            return "online", "线上（未分配门店）"
        store, region = stores[store_id]
        return (store.code, store.name_zh) if by == "store" else (region.code, region.name_zh)

    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for sale in within(sales, win.start, win.end):
        cell = totals[key_of(sale.store_id)]
        cell[0] += sale.net
        cell[1] += 1
    prev = win.previous
    for sale in within(sales, prev.start, prev.end):
        totals[key_of(sale.store_id)][2] += sale.net
    rows = [Ranked(k, label, s, o, p) for (k, label), (s, o, p) in totals.items()]
    return sorted(rows, key=lambda r: (-r.sales, r.key))


async def _category_sales(
    session: AsyncSession, store_ids: frozenset[int] | None, start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    at = _sold_at()
    net = OrderLine.unit_price * OrderLine.quantity - OrderLine.discount_total - OrderLine.refunded_amount
    query = (
        select(Product.category_id, func.sum(net), func.count(func.distinct(Order.id)))
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Sku, Sku.id == OrderLine.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .where(Order.paid_at.is_not(None), Order.status.not_in(COUNTED), at >= start, at < end)
        .group_by(Product.category_id)
    )
    query = scoped(query, OrderLine.store_id, store_ids)
    return {cid: (int(s or 0), int(o)) for cid, s, o in (await session.execute(query)).all()}


async def _by_category(session: AsyncSession, store_ids: frozenset[int] | None, win: Window) -> list[Ranked]:
    categories = {c.id: c for c in await session.scalars(select(Category))}

    def top(category_id: int) -> Category:
        category = categories[category_id]
        while category.parent_id is not None and category.parent_id in categories:
            category = categories[category.parent_id]
        return category

    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cid, (amount, orders) in (await _category_sales(session, store_ids, win.start, win.end)).items():
        totals[top(cid).id][0] += amount
        totals[top(cid).id][1] += orders
    prev = win.previous
    for cid, (amount, _) in (await _category_sales(session, store_ids, prev.start, prev.end)).items():
        totals[top(cid).id][2] += amount
    rows = [Ranked(categories[c].code, categories[c].name_zh, s, o, p) for c, (s, o, p) in totals.items()]
    return sorted(rows, key=lambda r: (-r.sales, r.key))


@dataclass(frozen=True, slots=True)
class StockHealth:
    cost_of_sales: int
    stock_value: int
    stockouts: int

    @property
    def turnover(self) -> float:
        """Times the stock turned over in the period (cost of goods sold / stock value at cost)."""
        return self.cost_of_sales / self.stock_value if self.stock_value else 0.0

    def days_of_stock(self, days: int) -> float | None:
        """Days the current stock lasts at the period's rate of sale (None when nothing sold)."""
        per_day = self.cost_of_sales / days
        return self.stock_value / per_day if per_day else None


async def stock_health(session: AsyncSession, store_ids: frozenset[int] | None, win: Window) -> StockHealth:
    at = _sold_at()
    sold_units = OrderLine.quantity - OrderLine.returned_qty
    cogs_query = (
        select(func.coalesce(func.sum(sold_units * func.coalesce(Sku.cost_price, 0)), 0))
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Sku, Sku.id == OrderLine.sku_id)
        .where(Order.paid_at.is_not(None), Order.status.not_in(COUNTED), at >= win.start, at < win.end)
    )
    value_query = select(func.coalesce(func.sum(Stock.on_hand * func.coalesce(Sku.cost_price, 0)), 0)).join(
        Sku, Sku.id == Stock.sku_id
    )
    out_query = (
        select(func.count())
        .select_from(Stock)
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Stock.store_id)
        .where(
            and_(Stock.on_hand - Stock.reserved <= 0, Product.status == "on_sale", Product.kind == "goods"),
            Store.kind == "store",
        )
    )
    cogs_query = scoped(cogs_query, OrderLine.store_id, store_ids)
    value_query = scoped(value_query, Stock.store_id, store_ids)
    out_query = scoped(out_query, Stock.store_id, store_ids)
    return StockHealth(
        int(await session.scalar(cogs_query) or 0),
        int(await session.scalar(value_query) or 0),
        int(await session.scalar(out_query) or 0),
    )
