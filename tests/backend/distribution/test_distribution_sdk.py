"""The SDK's distribution, franchise and price-action calls against the real app."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from backend.core.time import utcnow
from backend.pricing.days import local_date
from shared import sdk
from shared.errors import Conflict, NotFound, ValidationFailed
from tests.backend.distribution.factories import till_sale
from tests.backend.orders.factories import put_stock
from tests.factories import (
    PASSWORD,
    bearer,
    create_member,
    create_merchant,
    create_region,
    create_sku,
    create_staff,
    create_store,
    staff_token,
)


async def test_sdk_distribution_franchise_and_price_actions(app, client: httpx.AsyncClient, session) -> None:  # type: ignore[no-untyped-def]
    region = await create_region(session)
    merchant = await create_merchant(session, commission_bp=300)
    store = await create_store(session, region=region, merchant_id=merchant.id)
    sku = await create_sku(session, price=2_000, cost_price=1_000)
    await put_stock(session, store, sku, 10)
    hq_staff = await create_staff(session, ["hq_admin"])
    cashier_staff = await create_staff(session, ["cashier"], [store])
    referrer = await create_member(session)
    buyer = await create_member(session)
    await session.commit()
    cashier = bearer(await staff_token(client, cashier_staff))

    def http() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async with (
        sdk.AsyncClient(http=http()) as hq,
        sdk.AsyncClient(http=http()) as ref,
        sdk.AsyncClient(http=http()) as shopper,
    ):
        await hq.auth.staff_login(hq_staff.username, PASSWORD)
        for api, member in ((ref, referrer), (shopper, buyer)):
            await api.auth.request_code(member.phone)
            await api.auth.verify_code(member.phone, app.state.sms.last_codes[member.phone])

        settings = await hq.distribution.update_settings(levels=1, level1_bp=800)
        assert (settings.levels, settings.level1_bp) == (1, 800)
        mine = await ref.distribution.join()
        assert (await shopper.distribution.code_info(mine.code)).code == mine.code
        bound = await shopper.distribution.bind(mine.code)
        assert bound.distributor_id == mine.id
        with pytest.raises(Conflict):
            await shopper.distribution.bind(mine.code)
        assert (await shopper.distribution.my_referrer()).code == mine.code
        with pytest.raises(NotFound):
            await shopper.distribution.me()
        await till_sale(client, cashier, store, [(sku, 3)], member_id=buyer.id)
        result = await hq.distribution.sync()
        assert result.accrued == 480
        assert [c.amount for c in await ref.distribution.my_commissions(status="frozen")] == [480]
        assert (await ref.distribution.me()).frozen == 480
        assert [d.id for d in await hq.distribution.distributors()] == [mine.id]
        with pytest.raises(Conflict):
            await ref.distribution.request_withdrawal(1_000, "微信零钱")
        assert [e.kind for e in await ref.distribution.my_ledger()] == ["accrue"]

        # Franchise: merchants, funding, statements (yesterday's, empty but reconciled to zero).
        assert [m.id for m in await hq.franchise.merchants()] == [merchant.id]
        updated = await hq.franchise.update_merchant(merchant.id, commission_bp=400)
        assert updated.commission_bp == 400 and updated.store_ids == [store.id]
        yesterday = local_date(utcnow()) - timedelta(days=1)
        statement = await hq.franchise.generate_statement(merchant.id, yesterday, yesterday)
        assert (statement.collected, statement.payable, statement.commission_bp) == (0, 0, 400)
        assert (await hq.franchise.generate_statement(merchant.id, yesterday, yesterday)).id == statement.id
        assert [s.id for s in await hq.franchise.statements(merchant_id=merchant.id)] == [statement.id]
        pdf = await client.get(
            "/api/v1" + hq.franchise.document_path(statement.id, "pdf"),
            headers=bearer(hq.tokens.access_token),
        )
        assert pdf.content.startswith(b"%PDF")

        # Price actions through the SDK.
        assert (await hq.pricing.set_min_margin(1_000)).min_margin_bp == 1_000
        with pytest.raises(ValidationFailed) as caught:
            await hq.pricing.schedule_change(
                "太低", "region", region.id, utcnow() + timedelta(hours=1), {sku.id: 1_099}
            )
        assert caught.value.detail["items"][0]["floor"] == 1_100
        change = await hq.pricing.schedule_change(
            "调价", "region", region.id, utcnow() + timedelta(hours=1), {sku.id: 1_800}
        )
        assert (await hq.pricing.price(sku.id, store.id, utcnow() + timedelta(hours=2))).price == 1_800
        assert [c.id for c in await hq.pricing.price_changes(status="scheduled")] == [change.id]
        assert (await hq.pricing.cancel_change(change.id)).status == "cancelled"
        rule = await hq.pricing.set_markdown_rule(3, 3_000)
        assert [r.id for r in await hq.pricing.markdown_rules()] == [rule.id]
        assert (await hq.pricing.apply_markdowns()).added == 0
        assert await hq.pricing.markdowns() == []
        await hq.pricing.delete_markdown_rule(rule.id)
        assert await hq.pricing.markdown_rules() == []
