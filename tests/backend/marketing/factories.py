"""Marketing factories: promotions and coupon templates straight into the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.time import utcnow
from backend.marketing.models import Coupon, CouponTemplate, Promotion


async def create_promotion(session: AsyncSession, rule: dict[str, Any], **overrides: Any) -> Promotion:
    now = utcnow()
    promotion = Promotion(
        **{
            "name_zh": "促销",
            "name_en": "Promotion",
            "type": rule["type"],
            "rule": rule,
            "scope": "all",
            "scope_ids": [],
            "channels": ["online", "in_store"],
            "store_ids": None,
            "starts_at": now - timedelta(hours=1),
            "ends_at": now + timedelta(days=1),
            **overrides,
        }
    )
    session.add(promotion)
    await session.flush()
    return promotion


async def create_template(session: AsyncSession, **overrides: Any) -> CouponTemplate:
    template = CouponTemplate(
        **{
            "name_zh": "满100减20",
            "name_en": "20 off 100",
            "kind": "threshold",
            "amount": 2000,
            "threshold": 10000,
            "channels": ["online", "in_store"],
            "store_ids": None,
            "valid_days": 7,
            "per_member_limit": 1,
            "total_quantity": 100,
            "issued": 0,
            **overrides,
        }
    )
    session.add(template)
    await session.flush()
    return template


async def create_coupon(
    session: AsyncSession, template: CouponTemplate, member_id: int, **overrides: Any
) -> Coupon:
    now = utcnow()
    coupon = Coupon(
        **{
            "template_id": template.id,
            "member_id": member_id,
            "claim_no": 1,
            "valid_from": now - timedelta(hours=1),
            "valid_to": now + timedelta(days=7),
            **overrides,
        }
    )
    session.add(coupon)
    await session.flush()
    return coupon
