"""The SDK's after-sales calls against the real app: a quality return with a photo, decided and completed."""

from __future__ import annotations

import httpx
import pytest

from shared import sdk
from tests.backend.aftersales.factories import category, completed_sale, product_with_specs, put_stock
from tests.backend.appointments.factories import png
from tests.factories import PASSWORD, create_member, create_staff, create_store


async def _member(app, phone: str) -> sdk.AsyncClient:  # type: ignore[no-untyped-def]
    client = sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )
    await client.auth.request_code(phone)
    await client.auth.verify_code(phone, app.state.sms.last_codes[phone])
    return client


async def _staff(app, username: str) -> sdk.AsyncClient:  # type: ignore[no-untyped-def]
    client = sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )
    await client.auth.staff_login(username, PASSWORD)
    return client


async def test_sdk_quality_return_and_exchange(app, session):
    home, other = await create_store(session), await create_store(session)
    clothes = await category(session, "服饰")
    hq = await create_staff(session, ["hq_admin"], [])
    small, large = await product_with_specs(session, clothes, [("S", 15900), ("M", 15900)])
    await put_stock(session, home, small, 5)
    await put_stock(session, other, large, 5)
    member = await create_member(session, phone="13700000321")
    order = await completed_sale(session, home, member.id, [(small, 2)], days_ago=10)
    manager = await create_staff(session, ["store_manager"], [home])
    clerk = await create_staff(session, ["clerk"], [other])
    await session.commit()
    from sqlalchemy import select

    from backend.orders.models import OrderLine

    line_id = await session.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id))
    await session.commit()

    shopper = await _member(app, "13700000321")
    with pytest.raises(sdk.Conflict) as closed:
        await shopper.aftersales.request(order.id, "no_reason", [{"order_line_id": line_id, "quantity": 1}])
    assert closed.value.code == "return_policy"
    claim = await shopper.aftersales.request(
        order.id, "quality", [{"order_line_id": line_id, "quantity": 1}], reason="开线"
    )
    assert claim.status == "pending"
    photo = await shopper.aftersales.add_photo(claim.id, png(), "seam.png", "image/png")
    assert photo.width == 40
    swap = await shopper.aftersales.request(
        order.id,
        "quality",
        [{"order_line_id": line_id, "quantity": 1, "exchange_sku_id": large.id}],
        kind="exchange",
    )
    assert swap.difference == 0

    boss = await _staff(app, manager.username)
    assert [r.id for r in await boss.aftersales.queue("pending")] == [claim.id, swap.id]
    assert (await boss.aftersales.approve(claim.id, "确认质量问题")).status == "approved"
    assert (await boss.aftersales.approve(swap.id)).status == "approved"

    till = await _staff(app, clerk.username)
    done = await till.aftersales.complete(claim.id, other.id)
    assert done.status == "completed" and done.amount == 15900
    exchanged = await till.aftersales.complete(swap.id, other.id)
    assert exchanged.status == "completed" and exchanged.completed_store_id == other.id
    assert [r.status for r in await shopper.aftersales.mine()] == ["completed", "completed"]
    with pytest.raises(sdk.NotFound):
        await till.aftersales.approve(claim.id)

    admin = await _staff(app, hq.username)
    rule = await admin.aftersales.set_rule(clothes.id, no_reason=True, no_reason_days=15, quality_days=30)
    assert (rule.category_id, rule.no_reason_days) == (clothes.id, 15)
    assert [r.category_id for r in await admin.aftersales.rules()] == [clothes.id]
    for client in (shopper, boss, till, admin):
        await client.aclose()
