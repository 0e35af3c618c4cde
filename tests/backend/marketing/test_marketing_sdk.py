"""The SDK's marketing calls against the real app."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from backend.core.time import utcnow
from shared import sdk
from shared.errors import Conflict, Forbidden
from tests.factories import PASSWORD, create_member, create_staff, create_store


async def test_sdk_hq_rules_and_member_claims(app, session):
    store = await create_store(session)
    staff = await create_staff(session, ["hq_admin"])
    member = await create_member(session)
    await session.commit()
    now = utcnow()

    def http() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async with sdk.AsyncClient(http=http()) as hq, sdk.AsyncClient(http=http()) as shopper:
        await hq.auth.staff_login(staff.username, PASSWORD)
        promotion = await hq.marketing.create_promotion(
            name_zh="满100减10",
            name_en="10 off 100",
            rule={"type": "threshold", "tiers": [{"threshold": 10000, "off": 1000}]},
            group="order",
            store_ids=[store.id],
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
        )
        assert promotion.type == "threshold"
        assert [p.id for p in await hq.marketing.active_promotions(store_id=store.id)] == [promotion.id]
        updated = await hq.marketing.update_promotion(promotion.id, active=False)
        assert updated.active is False
        assert await hq.marketing.active_promotions(store_id=store.id) == []
        template = await hq.marketing.create_coupon_template(
            name_zh="免运费", name_en="Free shipping", kind="free_shipping", valid_days=3, total_quantity=5
        )
        await shopper.auth.request_code(member.phone)
        await shopper.auth.verify_code(member.phone, app.state.sms.last_codes[member.phone])
        coupon = await shopper.marketing.claim_coupon(template.id)
        assert coupon.status == "unused" and coupon.template_id == template.id
        with pytest.raises(Conflict) as caught:
            await shopper.marketing.claim_coupon(template.id)
        assert caught.value.code == "coupon_limit_reached"
        assert [c.id for c in await shopper.marketing.my_coupons()] == [coupon.id]
        with pytest.raises(Forbidden):
            await shopper.marketing.coupon_templates()
        assert (await hq.marketing.coupon_templates())[0].issued == 1
