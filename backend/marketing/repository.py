"""All SQL of the marketing domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product, Sku
from backend.marketing.models import Coupon, CouponStatus, CouponTemplate, Promotion


async def get_promotion(session: AsyncSession, promotion_id: int) -> Promotion | None:
    return await session.get(Promotion, promotion_id)


async def list_promotions(session: AsyncSession, *, active: bool | None = None) -> list[Promotion]:
    query = select(Promotion).order_by(Promotion.id)
    if active is not None:
        query = query.where(Promotion.active == active)
    return list(await session.scalars(query))


async def running_promotions(session: AsyncSession, at: datetime) -> list[Promotion]:
    """Active promotions whose window holds ``at`` (channel and store are filtered by the caller)."""
    query = (
        select(Promotion)
        .where(Promotion.active.is_(True), Promotion.starts_at <= at, Promotion.ends_at > at)
        .order_by(Promotion.priority.desc(), Promotion.id)
    )
    return list(await session.scalars(query))


async def get_template(session: AsyncSession, template_id: int) -> CouponTemplate | None:
    return await session.get(CouponTemplate, template_id)


async def list_templates(session: AsyncSession) -> list[CouponTemplate]:
    return list(await session.scalars(select(CouponTemplate).order_by(CouponTemplate.id)))


async def take_from_template(session: AsyncSession, template_id: int) -> bool:
    """Count one more coupon issued, only while some are left (one conditional update)."""
    result = await session.execute(
        update(CouponTemplate)
        .where(CouponTemplate.id == template_id, CouponTemplate.issued < CouponTemplate.total_quantity)
        .values(issued=CouponTemplate.issued + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def claims_of(session: AsyncSession, template_id: int, member_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(Coupon.template_id == template_id, Coupon.member_id == member_id)
        )
        or 0
    )


async def member_coupons(
    session: AsyncSession, member_id: int, status: str | None = None
) -> list[tuple[Coupon, CouponTemplate]]:
    query = (
        select(Coupon, CouponTemplate)
        .join(CouponTemplate, CouponTemplate.id == Coupon.template_id)
        .where(Coupon.member_id == member_id)
        .order_by(Coupon.valid_to, Coupon.id)
    )
    if status is not None:
        query = query.where(Coupon.status == status)
    return [(c, t) for c, t in await session.execute(query)]


async def usable_coupons(
    session: AsyncSession, member_id: int, coupon_ids: Iterable[int], at: datetime
) -> list[tuple[Coupon, CouponTemplate]]:
    ids = list(coupon_ids)
    if not ids:
        return []
    query = (
        select(Coupon, CouponTemplate)
        .join(CouponTemplate, CouponTemplate.id == Coupon.template_id)
        .where(
            Coupon.id.in_(ids),
            Coupon.member_id == member_id,
            Coupon.status == CouponStatus.UNUSED,
            Coupon.valid_from <= at,
            Coupon.valid_to > at,
        )
        .order_by(Coupon.id)
    )
    return [(c, t) for c, t in await session.execute(query)]


async def mark_used(session: AsyncSession, coupon_id: int, order_ref: str, at: datetime) -> bool:
    """unused -> used in one conditional update; False if it was not unused and valid."""
    result = await session.execute(
        update(Coupon)
        .where(
            Coupon.id == coupon_id,
            Coupon.status == CouponStatus.UNUSED,
            Coupon.valid_from <= at,
            Coupon.valid_to > at,
        )
        .values(status=CouponStatus.USED, used_order_ref=order_ref, used_at=at, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def mark_unused(session: AsyncSession, coupon_id: int, order_ref: str, at: datetime) -> bool:
    """used (by ``order_ref``) -> unused again, for a cancelled order."""
    result = await session.execute(
        update(Coupon)
        .where(
            and_(
                Coupon.id == coupon_id, Coupon.status == CouponStatus.USED, Coupon.used_order_ref == order_ref
            )
        )
        .values(status=CouponStatus.UNUSED, used_order_ref=None, used_at=None, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def sku_categories(session: AsyncSession, sku_ids: Iterable[int]) -> dict[int, int]:
    ids = list(set(sku_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Sku.id, Product.category_id).join(Product, Product.id == Sku.product_id).where(Sku.id.in_(ids))
    )
    return {sku_id: category_id for sku_id, category_id in rows}


async def skus_in_categories(session: AsyncSession, category_ids: Iterable[int], limit: int) -> list[int]:
    ids = [int(i) for i in category_ids]
    rows = await session.scalars(
        select(Sku.id)
        .join(Product, Product.id == Sku.product_id)
        .where(Product.category_id.in_(ids))
        .order_by(Sku.id)
        .limit(limit)
    )
    return list(rows)


async def on_sale(session: AsyncSession, sku_ids: Iterable[int]) -> list[int]:
    ids = list(sku_ids)
    query = (
        select(Sku.id)
        .join(Product, Product.id == Sku.product_id)
        .where(Sku.id.in_(ids), Sku.status == "active", Product.status == "on_sale")
    )
    return list(await session.scalars(query))


async def coupon_owner(session: AsyncSession, coupon_id: int) -> int | None:
    return await session.scalar(select(Coupon.member_id).where(Coupon.id == coupon_id))


async def expire_lapsed(session: AsyncSession, at: datetime) -> int:
    """unused coupons past their window -> expired; the number changed."""
    result = await session.execute(
        update(Coupon)
        .where(Coupon.status == CouponStatus.UNUSED, Coupon.valid_to <= at)
        .values(status=CouponStatus.EXPIRED, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
