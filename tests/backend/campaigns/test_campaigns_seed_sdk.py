"""The demo campaigns seed (a running group buy and flash sale, re-runnable) and the SDK's campaign calls."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from backend.auth.service import issue_tokens, member_principal
from backend.core.time import utcnow
from backend.seed.campaigns import seed_campaigns
from shared import sdk
from shared.errors import Conflict
from tests.backend.campaigns.factories import members, shop, stock_of
from tests.backend.orders.factories import put_stock
from tests.factories import PASSWORD, create_member, create_sku, create_staff


async def test_demo_seed_shows_a_running_group_buy_bargain_and_flash_sale(app, client, session, settings):
    store, first = await shop(session, stock=100)
    for _ in range(2):
        await put_stock(session, store, await create_sku(session, price=2000), 100)
    for _ in range(5):
        await create_member(session)
    await session.commit()
    async with app.state.db.sessionmaker() as db:
        assert await seed_campaigns(db, settings) == 3
        await db.commit()
    async with app.state.db.sessionmaker() as db:
        assert await seed_campaigns(db, settings) == 0
        await db.commit()

    deals = (await client.get("/api/v1/campaigns/group-buys")).json()
    assert len(deals) == 1 and deals[0]["group_size"] == 3
    groups = (await client.get(f"/api/v1/campaigns/group-buys/{deals[0]['id']}/groups")).json()
    assert len(groups) == 1 and groups[0]["seats"] == 2 and groups[0]["paid"] == 1
    slots = (await client.get("/api/v1/campaigns/flash-sales")).json()
    assert len(slots) == 1 and slots[0]["items"][0]["pool"] == 20 and slots[0]["items"][0]["sold"] == 0
    bargains = (await client.get("/api/v1/campaigns/bargain-deals")).json()
    assert len(bargains) == 1


async def test_sdk_covers_group_buy_bargain_and_flash_sale(app, session, settings):
    store, sku = await shop(session, stock=40, price=3000)
    staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    (m1, _), (m2, _) = await members(session, settings, 2)
    now = utcnow()

    def http() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async with (
        sdk.AsyncClient(http=http()) as hq,
        sdk.AsyncClient(http=http()) as a,
        sdk.AsyncClient(http=http()) as b,
    ):
        await hq.auth.staff_login(staff.username, PASSWORD)
        for shopper, member_id in ((a, m1), (b, m2)):
            async with app.state.db.sessionmaker() as db:
                pair = await issue_tokens(db, settings, member_principal(member_id))
                await db.commit()
            shopper.tokens.set(pair.access_token, pair.refresh_token)

        deal = await hq.campaigns.create_group_buy(
            sku_id=sku.id,
            name_zh="两人团",
            name_en="Pair",
            group_price=2500,
            group_size=2,
            time_limit_hours=2,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
        )
        assert [d.id for d in await a.campaigns.group_buys()] == [deal.id]
        group = await a.campaigns.open_group(deal.id, store.id)
        joined = await b.campaigns.join_group(group.code, store.id)
        assert joined.seats == 2
        payment = await a.campaigns.pay_seat(group.members[0].id)
        assert payment.amount == 2500 and payment.pay_url

        bargain_deal = await hq.campaigns.create_bargain_deal(
            sku_id=sku.id,
            name_zh="砍一刀",
            name_en="One cut",
            start_price=3000,
            floor_price=1000,
            cuts_needed=1,
            duration_hours=1,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
        )
        started = await a.campaigns.start_bargain(bargain_deal.id, store.id)
        result = await b.campaigns.cut(started.code)
        assert result.bargain.price == 1000 and result.cut.amount == 2000
        order = await a.campaigns.order_bargain(started.id)
        assert order.total == 1000

        slot = await hq.campaigns.create_flash_sale(
            name_zh="秒杀",
            name_en="Flash",
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=1),
            items=[{"store_id": store.id, "sku_id": sku.id, "price": 990, "pool": 1, "per_member_limit": 1}],
        )
        item = slot.items[0]
        claim = await a.campaigns.buy_flash(item.id)
        assert claim.amount == 990 and not claim.repeat
        assert (await a.campaigns.buy_flash(item.id)).repeat
        with pytest.raises(Conflict) as refused:
            await b.campaigns.buy_flash(item.id)
        assert refused.value.code == "flash_sold_out"
        assert [c.id for c in await a.campaigns.my_flash_claims()] == [claim.id]
        ended = await hq.campaigns.end_flash_sale(slot.id)
        assert ended.items[0].status == "closed" and ended.items[0].returned == 0
    # 40 − 2 group seats − 1 bargain order − 1 flash unit (still claimed) on hand; 3 held.
    assert await stock_of(app, store, sku) == (39, 3)
