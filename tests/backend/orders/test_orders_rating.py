"""Order ratings: 1–5 stars and a comment on one's own completed order, once; clear refusals otherwise."""

from __future__ import annotations

import httpx
import pytest

from shared.errors import Conflict, NotFound, RetailError
from shared.sdk import AsyncClient
from tests.backend.catalog.factories import add_barcode, create_category, create_product
from tests.backend.orders.factories import pickup_body, put_stock
from tests.factories import PASSWORD, create_member, create_staff, create_store

API = "/api/v1"
HOURS_24H = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def in_process(app) -> AsyncClient:  # type: ignore[no-untyped-def]
    return AsyncClient(http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test"))


async def sign_in(app, client: AsyncClient, phone: str) -> None:  # type: ignore[no-untyped-def]
    await client.auth.request_code(phone)
    await client.auth.verify_code(phone, app.state.sms.last_codes[phone])


async def paid_order(client: AsyncClient, store, sku) -> int:  # type: ignore[no-untyped-def]
    """Place a pickup order and pay it on the sandbox gateway's pay page."""
    body = pickup_body(store, [(sku, 1)])
    order = await client.orders.place(
        "pickup", lines=body["lines"], store_id=store.id, pickup_slot_start=body["pickup_slot_start"]
    )
    started = await client.orders.start_payment(order.id)
    confirm = API + started.pay_url.split("/api/v1", 1)[1] + "/confirm"
    assert (await client.http.post(confirm)).status_code == 200
    await client.payments.sync(int(started.payment_id))
    return order.id


async def hand_over(staff: AsyncClient, store, order_id: int, code: str) -> None:  # type: ignore[no-untyped-def]
    [task] = [t for t in await staff.orders.picking_tasks(store_id=store.id) if t.order_id == order_id]
    task = await staff.orders.start_picking(task.id)
    for line in task.lines:
        await staff.orders.scan(task.id, line.barcodes[0], line.quantity)
    await staff.orders.mark_ready(task.id)
    assert (await staff.orders.hand_over(store.id, code=code)).status == "completed"


async def test_a_shopper_rates_a_completed_order_once(app, session):
    store = await create_store(session, opening_hours=HOURS_24H)
    category = await create_category(session)
    _product, [sku] = await create_product(session, category, prices=[990])
    await add_barcode(session, sku, "6901234569990")
    await put_stock(session, store, sku, 10)
    clerk = await create_staff(session, ["picker", "clerk"], [store])
    other = await create_member(session)
    await session.commit()
    async with in_process(app) as client, in_process(app) as staff, in_process(app) as stranger:
        await sign_in(app, client, "13800000901")
        await sign_in(app, stranger, other.phone)
        await staff.auth.staff_login(clerk.username, PASSWORD)
        order_id = await paid_order(client, store, sku)

        # Not yet received: a paid order cannot be rated.
        with pytest.raises(RetailError) as refused:
            await client.orders.rate(order_id, 5, "还没拿到")
        assert refused.value.code == "order_not_ratable" and refused.value.status_code == 409
        with pytest.raises(NotFound):
            await client.orders.rating(order_id)

        code = (await client.orders.pickup_code(order_id)).code
        await hand_over(staff, store, order_id, code)

        # Someone else's order is as good as missing; staff cannot rate for the shopper.
        with pytest.raises(NotFound):
            await stranger.orders.rate(order_id, 1, "差评")
        with pytest.raises(RetailError) as staff_refused:
            await staff.orders.rate(order_id, 5)
        assert staff_refused.value.status_code == 403

        # Out-of-range stars are refused before anything is written.
        for stars in (0, 6):
            with pytest.raises(RetailError) as bad:
                await client.orders.rate(order_id, stars)
            assert bad.value.status_code == 422

        rated = await client.orders.rate(order_id, 4, "  牛奶很新鲜，取货很快  ")
        assert (rated.order_id, rated.stars, rated.comment, rated.store_id) == (
            order_id,
            4,
            "牛奶很新鲜，取货很快",
            store.id,
        )
        assert (await client.orders.rating(order_id)).id == rated.id
        # The store's staff may read it.
        assert (await staff.orders.rating(order_id)).stars == 4
        with pytest.raises(Conflict) as twice:
            await client.orders.rate(order_id, 5, "再评一次")
        assert twice.value.code == "already_rated"
        assert (await client.orders.rating(order_id)).stars == 4
