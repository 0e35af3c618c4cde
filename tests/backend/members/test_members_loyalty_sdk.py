"""The SDK's loyalty calls against the real app: HQ rules, the points mall, wallet tenders at checkout and
at the till, and a merge."""

from __future__ import annotations

import httpx
import pytest

from backend.catalog.models import Product
from shared import sdk
from shared.errors import Conflict, Forbidden
from tests.backend.members.factories import give_points
from tests.backend.orders.factories import put_stock, slot
from tests.factories import PASSWORD, create_member, create_sku, create_staff, create_store


async def test_sdk_loyalty_rules_mall_wallet_tenders_and_merge(app, session):
    store = await create_store(session)
    sku = await create_sku(session, price=4000)
    await put_stock(session, store, sku, 10)
    admin = await create_staff(session, ["hq_admin"])
    cashier = await create_staff(session, ["cashier"], [store])
    member = await create_member(session)
    twin = await create_member(session)
    category_id = (await session.get(Product, sku.product_id)).category_id
    await give_points(session, member.id, 3000)
    await give_points(session, twin.id, 40)
    await session.commit()

    def http() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async with (
        sdk.AsyncClient(http=http()) as hq,
        sdk.AsyncClient(http=http()) as till,
        sdk.AsyncClient(http=http()) as shopper,
    ):
        await hq.auth.staff_login(admin.username, PASSWORD)
        await till.auth.staff_login(cashier.username, PASSWORD)
        await shopper.auth.request_code(member.phone)
        await shopper.auth.verify_code(member.phone, app.state.sms.last_codes[member.phone])

        config = await hq.members.set_loyalty(
            earn_points_per_yuan=2, points_valid_days=180, redeem_points_per_yuan=100, redeem_max_bp=3000
        )
        assert (await shopper.members.loyalty()) == config
        rules = await hq.members.set_earn_rules(
            [{"kind": "category", "name": "双倍", "category_id": category_id, "multiplier_bp": 20000}]
        )
        assert [r.multiplier_bp for r in await shopper.members.earn_rules()] == [
            r.multiplier_bp for r in rules
        ]
        with pytest.raises(Forbidden):
            await shopper.members.set_loyalty(**config.model_dump())

        item = await hq.members.create_mall_item(
            name_zh="保温杯", name_en="Flask", kind="sku", sku_id=sku.id, points=1000, stock=1
        )
        exchanged = await shopper.members.redeem(item.id, key="mall-key-0001")
        assert exchanged.status == "to_collect"
        assert (await shopper.members.redeem(item.id, key="mall-key-0001")).id == exchanged.id
        with pytest.raises(Conflict):
            await shopper.members.redeem(item.id)
        collected = await till.members.collect(exchanged.id, store.id)
        assert collected.status == "collected" and collected.collected_store_id == store.id

        # 2000 points left: 12 yuan of a 40-yuan order (30% cap), the rest at the till in cash.
        sale = await till.orders.sell(
            [{"method": "points", "amount": 1200}, {"method": "cash", "amount": 3000}],
            lines=[(sku.id, 1)],
            store_id=store.id,
            member_id=member.id,
            member_code=(await shopper.members.my_code()).code,
        )
        assert sale.total == 4000 and {t.method for t in sale.tenders} == {"points", "cash"}
        wallet = await shopper.members.wallet()
        # 3000 - 1000 (mall) - 1200 (tender) + 28 yuan x 2 points x 2 (the category's double points).
        assert wallet.points == 3000 - 1000 - 1200 + 112
        online = await shopper.orders.place(
            "pickup", store_id=store.id, pickup_slot_start=slot(), lines=[(sku.id, 1)], points_amount=800
        )
        assert [(t.method, t.amount) for t in online.tenders] == [("points", 800)]

        merged = await hq.members.merge(member.id, twin.id)
        assert merged.moved["points"] == 40
        assert (await shopper.members.wallet()).points == 112 + 40
