"""Merchants, who funds which discount, and period settlement statements that tie to the orders.

A statement covers whole local days ``[period_start, period_end]`` of one merchant:

- sales are the lines sold at the merchant's stores by orders paid in the period: gross (quantity ×
  unit price), their discounts split by funder (a ``DiscountFunding`` row per promotion or coupon
  template; HQ when there is none), and the shipping of the merchant's orders (order total less its
  lines), so ``collected`` is exactly what shoppers paid for them;
- refunds are the money given back in the period: a return is charged to the stores that sold the
  returned lines, any other refund to the store that gave it back; a refund of a duplicate payment is
  no sale's and is left out;
- ``net_sales`` = collected + HQ-funded discounts (HQ makes them good) − refunds;
- HQ commission = net sales × the merchant's rate (half up); distribution commissions are the
  commission accrued less reversed in the period on lines of the merchant's stores;
- ``payable`` = net sales − HQ commission − distribution commissions.

Statements are generated once per (merchant, period): asking again returns the same statement.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core import audit
from backend.core.errors import Conflict, Forbidden
from backend.core.events import emit
from backend.core.money import allocate, percent_of
from backend.core.time import utcnow
from backend.distribution import repository as distribution_repo
from backend.franchise import repository as repo
from backend.franchise.errors import (
    MerchantNotFound,
    NotYourMerchant,
    PeriodNotClosed,
    StatementNotFound,
    UnknownDiscountSource,
)
from backend.franchise.models import DiscountFunding, Merchant, Statement
from backend.franchise.schemas import (
    Figures,
    FundingSet,
    MerchantCreate,
    MerchantUpdate,
    StatementRequest,
    StoreFigures,
)
from backend.franchise.schemas import Merchant as MerchantOut
from backend.franchise.schemas import Statement as StatementOut
from backend.marketing.models import CouponTemplate, Promotion
from backend.pricing.days import day_start, local_date

FIGURES = (
    "orders",
    "gross_sales",
    "discounts_hq",
    "discounts_merchant",
    "shipping",
    "collected",
    "refunds",
    "net_sales",
)


def scope_of(principal: Principal) -> int | None:
    """The merchant a caller is limited to (None: HQ, every merchant); others may not look."""
    if principal.is_hq:
        return None
    if principal.is_staff and StaffRole.FRANCHISEE_ADMIN in principal.roles and principal.merchant_id:
        return int(principal.merchant_id)
    raise Forbidden("This is for HQ and franchisee admins.")


async def get_merchant(session: AsyncSession, merchant_id: int) -> Merchant:
    merchant = await repo.merchant(session, merchant_id)
    if merchant is None:
        raise MerchantNotFound(detail={"merchant_id": merchant_id})
    return merchant


async def merchant_out(session: AsyncSession, merchant: Merchant) -> MerchantOut:
    stores = await repo.stores_of(session, merchant.id)
    return MerchantOut(
        id=merchant.id,
        code=merchant.code,
        name=merchant.name,
        contact_phone=merchant.contact_phone,
        commission_bp=merchant.commission_bp,
        store_ids=[s.id for s in stores],
        created_at=merchant.created_at,
    )


async def create_merchant(session: AsyncSession, actor: Principal, body: MerchantCreate) -> Merchant:
    if await repo.merchant_by_code(session, body.code) is not None:
        raise Conflict("加盟商编码已存在 / A merchant with this code exists.", detail={"code": body.code})
    merchant = Merchant(**body.model_dump())
    session.add(merchant)
    await session.flush()
    audit.record(session, actor, "merchant.create", "merchant", merchant.id, after=body.model_dump())
    return merchant


async def update_merchant(
    session: AsyncSession, actor: Principal, merchant_id: int, body: MerchantUpdate
) -> Merchant:
    merchant = await get_merchant(session, merchant_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    before = {k: getattr(merchant, k) for k in changes}
    for key, value in changes.items():
        setattr(merchant, key, value)
    audit.record(session, actor, "merchant.update", "merchant", merchant.id, before=before, after=changes)
    await session.flush()
    return merchant


async def set_funding(session: AsyncSession, actor: Principal, body: FundingSet) -> DiscountFunding:
    """Say who funds a promotion's or coupon template's discounts (HQ, audited)."""
    model = Promotion if body.kind == "promotion" else CouponTemplate
    if await session.get(model, body.ref_id) is None:
        raise UnknownDiscountSource(detail={"kind": body.kind, "ref_id": body.ref_id})
    row = await repo.funding_row(session, body.kind, body.ref_id)
    before = None
    if row is None:
        row = DiscountFunding(kind=body.kind, ref_id=body.ref_id, funder=body.funder, updated_by=actor.id)
        session.add(row)
    else:
        before = {"funder": row.funder}
        row.funder, row.updated_by = body.funder, actor.id
    await session.flush()
    audit.record(
        session,
        actor,
        "discount_funding.set",
        "discount_funding",
        row.id,
        before=before,
        after=body.model_dump(),
    )
    return row


class _Tally:
    def __init__(self) -> None:
        self.values: dict[str, int] = dict.fromkeys(FIGURES, 0)
        self.order_ids: set[int] = set()

    def add(self, key: str, amount: int) -> None:
        self.values[key] += amount

    def figures(self) -> dict[str, int]:
        out = dict(self.values)
        out["orders"] = len(self.order_ids)
        out["collected"] = (
            out["gross_sales"] - out["discounts_hq"] - out["discounts_merchant"] + out["shipping"]
        )
        out["net_sales"] = out["collected"] + out["discounts_hq"] - out["refunds"]
        return out


async def compute(session: AsyncSession, merchant: Merchant, body: StatementRequest) -> dict[str, Any]:
    """Every figure of the statement, per store and in total, from the order ledger."""
    start, end = day_start(body.period_start), day_start(body.period_end + timedelta(days=1))
    stores = await repo.stores_of(session, merchant.id)
    store_ids = [s.id for s in stores]
    tallies: dict[int, _Tally] = {s.id: _Tally() for s in stores}
    funders = {(f.kind, f.ref_id): f.funder for f in await repo.funding(session)}
    lines = await repo.sold_lines(session, store_ids, start, end) if store_ids else []
    coupon_ids = {int(d["coupon_id"]) for ln in lines for d in ln.discounts or [] if d.get("coupon_id")}
    templates = await repo.coupon_templates(session, coupon_ids)
    for line in lines:
        tally = tallies[line.store_id]
        tally.order_ids.add(line.order_id)
        tally.add("gross_sales", line.quantity * line.unit_price)
        merchant_part = 0
        for discount in line.discounts or []:
            if discount.get("promotion_id"):
                key = ("promotion", int(discount["promotion_id"]))
            elif discount.get("coupon_id"):
                key = ("coupon_template", templates.get(int(discount["coupon_id"]), 0))
            else:
                continue
            if funders.get(key) == "merchant":
                merchant_part += int(discount["amount"])
        tally.add("discounts_merchant", merchant_part)
        tally.add("discounts_hq", line.discount_total - merchant_part)
    for order_id, store_id, total, lines_total in (
        await repo.shipped_orders(session, store_ids, start, end) if store_ids else []
    ):
        tallies[store_id].order_ids.add(order_id)
        tallies[store_id].add("shipping", int(total) - int(lines_total))
    refunds = await repo.refunds_in(session, start, end)
    returned = await repo.return_line_stores(session, [r.return_id for r in refunds if r.return_id])
    for refund in refunds:
        parts = returned.get(refund.return_id or 0)
        if parts:
            for (store_id, _), amount in zip(
                parts, allocate(refund.amount, [a for _, a in parts]), strict=True
            ):
                if store_id in tallies:
                    tallies[store_id].add("refunds", amount)
        elif refund.store_id in tallies:
            tallies[refund.store_id].add("refunds", refund.amount)
    per_store = []
    totals: dict[str, int] = dict.fromkeys(FIGURES, 0)
    all_orders: set[int] = set()
    for store in stores:
        figures = tallies[store.id].figures()
        all_orders |= tallies[store.id].order_ids
        for key in FIGURES:
            totals[key] += figures[key]
        per_store.append(StoreFigures(store_id=store.id, code=store.code, name=store.name_zh, **figures))
    totals["orders"] = len(all_orders)
    commissions = await distribution_repo.commission_totals_by_store(session, store_ids, start, end)
    distribution = sum(commissions.values())
    hq_commission = percent_of(totals["net_sales"], merchant.commission_bp)
    return {
        **totals,
        "commission_bp": merchant.commission_bp,
        "hq_commission": hq_commission,
        "distribution_commissions": distribution,
        "payable": totals["net_sales"] - hq_commission - distribution,
        "stores": [s.model_dump() for s in per_store],
    }


async def generate(session: AsyncSession, actor: Principal, body: StatementRequest) -> tuple[Statement, bool]:
    """The merchant's statement for the period: the existing one, or a new one from the ledger."""
    scope = scope_of(actor)
    if scope is not None and scope != body.merchant_id:
        raise NotYourMerchant(detail={"merchant_id": body.merchant_id})
    merchant = await get_merchant(session, body.merchant_id)
    existing = await repo.statement_for(session, merchant.id, body.period_start, body.period_end)
    if existing is not None:
        return existing, False
    today = local_date(utcnow())
    if body.period_end >= today:
        raise PeriodNotClosed(detail={"period_end": body.period_end.isoformat(), "today": today.isoformat()})
    figures = await compute(session, merchant, body)
    statement = Statement(
        merchant_id=merchant.id,
        period_start=body.period_start,
        period_end=body.period_end,
        generated_by=actor.id,
        generated_at=utcnow(),
        **figures,
    )
    try:
        async with session.begin_nested():
            session.add(statement)
            await session.flush()
    except IntegrityError:
        again = await repo.statement_for(session, merchant.id, body.period_start, body.period_end)
        if again is None:
            raise
        return again, False
    audit.record(
        session,
        actor,
        "franchise.statement",
        "franchise_statement",
        statement.id,
        after={
            "merchant_id": merchant.id,
            "period_start": body.period_start.isoformat(),
            "period_end": body.period_end.isoformat(),
            "payable": statement.payable,
        },
    )
    emit(
        session, "hq", "franchise.statement_ready", {"statement_id": statement.id, "merchant_id": merchant.id}
    )
    return statement, True


async def get_statement(session: AsyncSession, principal: Principal, statement_id: int) -> Statement:
    scope = scope_of(principal)
    statement = await repo.statement(session, statement_id)
    # A franchisee asking for another merchant's statement learns nothing about it.
    if statement is None or (scope is not None and statement.merchant_id != scope):
        raise StatementNotFound(detail={"statement_id": statement_id})
    return statement


async def statement_out(session: AsyncSession, statement: Statement) -> StatementOut:
    merchant = await get_merchant(session, statement.merchant_id)
    return StatementOut(
        id=statement.id,
        merchant_id=statement.merchant_id,
        merchant_name=merchant.name,
        period_start=statement.period_start,
        period_end=statement.period_end,
        commission_bp=statement.commission_bp,
        hq_commission=statement.hq_commission,
        distribution_commissions=statement.distribution_commissions,
        payable=statement.payable,
        stores=[StoreFigures(**s) for s in statement.stores],
        generated_at=statement.generated_at,
        **{k: getattr(statement, k) for k in Figures.model_fields},
    )
