"""Return and exchange requests through the API: policy, approval, completion at any store, exchanges."""

from __future__ import annotations

from sqlalchemy import select

from backend.inventory.models import Stock, StockMovement
from backend.orders.models import Order, OrderLine, Refund
from tests.backend.aftersales.factories import category, completed_sale, product_with_specs, put_stock
from tests.backend.appointments.factories import pay_ref, png, signed_in_member
from tests.factories import bearer, create_staff, create_store, staff_token

API = "/api/v1/aftersales"


async def _on_hand(session, store, sku) -> int:  # type: ignore[no-untyped-def]
    value = await session.scalar(
        select(Stock.on_hand)
        .where(Stock.store_id == store.id, Stock.sku_id == sku.id)
        .execution_options(populate_existing=True)
    )
    await session.commit()
    return value or 0


async def _line(session, order: Order) -> OrderLine:  # type: ignore[no-untyped-def]
    line = await session.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert line is not None
    return line


async def test_a_small_no_reason_return_approves_itself_and_completes_at_another_store(
    client, session, settings
):
    home, other = await create_store(session), await create_store(session)
    clothes = await category(session, "服饰")
    (shirt,) = await product_with_specs(session, clothes, [("M", 5900)])
    await put_stock(session, home, shirt, 10)
    member_id, token = await signed_in_member(session, settings)
    order = await completed_sale(session, home, member_id, [(shirt, 2)], days_ago=3)
    line = await _line(session, order)
    clerk = await create_staff(session, ["clerk"], [other])
    await session.commit()
    body = {
        "order_id": order.id,
        "reason_code": "no_reason",
        "reason": "不合身",
        "lines": [{"order_line_id": line.id, "quantity": 1}],
        "client_ref": "req-0001-abcdef",
    }
    made = await client.post(f"{API}/requests", json=body, headers=bearer(token))
    assert made.status_code == 201, made.text
    request = made.json()
    assert request["status"] == "approved" and request["auto_approved"] is True
    assert request["amount"] == 5900 and request["store_id"] == home.id
    replay = await client.post(f"{API}/requests", json=body, headers=bearer(token))
    assert replay.json()["id"] == request["id"]
    too_many = await client.post(
        f"{API}/requests",
        json=body | {"client_ref": None, "lines": [{"order_line_id": line.id, "quantity": 2}]},
        headers=bearer(token),
    )
    assert too_many.status_code == 400 and too_many.json()["detail"]["available"] == 1

    staff = bearer(await staff_token(client, clerk))
    elsewhere = await client.post(
        f"{API}/requests/{request['id']}/complete", json={"store_id": other.id}, headers=staff
    )
    assert elsewhere.status_code == 200, elsewhere.text
    assert elsewhere.json()["status"] == "completed" and elsewhere.json()["completed_store_id"] == other.id
    assert await _on_hand(session, other, shirt) == 1
    assert await _on_hand(session, home, shirt) == 8
    refunds = (await session.scalars(select(Refund).where(Refund.order_id == order.id))).all()
    assert [(r.method, r.amount, r.store_id) for r in refunds] == [("cash", 5900, other.id)]
    order_now = await session.get(Order, order.id, populate_existing=True)
    assert order_now is not None and order_now.status == "partially_refunded"
    await session.commit()
    twice = await client.post(
        f"{API}/requests/{request['id']}/complete", json={"store_id": other.id}, headers=staff
    )
    assert twice.status_code == 409
    mine = await client.get(f"{API}/requests/mine", headers=bearer(token))
    assert [r["status"] for r in mine.json()] == ["completed"]


async def test_fresh_food_is_not_returned_without_reason_but_a_quality_claim_goes_to_the_store(
    client, session, settings
):
    home, other = await create_store(session), await create_store(session)
    fresh = await category(session, "生鲜", no_reason=False, quality_days=2)
    fruit = await category(session, "水果", parent=fresh)
    (apples,) = await product_with_specs(session, fruit, [("1kg", 1990)], name="苹果")
    await put_stock(session, home, apples, 10)
    member_id, token = await signed_in_member(session, settings)
    order = await completed_sale(session, home, member_id, [(apples, 1)], days_ago=1)
    stale = await completed_sale(session, home, member_id, [(apples, 1)], days_ago=3)
    line, stale_line = await _line(session, order), await _line(session, stale)
    manager = await create_staff(session, ["store_manager"], [home])
    outsider = await create_staff(session, ["store_manager"], [other])
    await session.commit()

    refused = await client.post(
        f"{API}/requests",
        json={
            "order_id": order.id,
            "reason_code": "no_reason",
            "lines": [{"order_line_id": line.id, "quantity": 1}],
        },
        headers=bearer(token),
    )
    assert refused.status_code == 409 and refused.json()["error"] == "return_policy"
    assert refused.json()["detail"]["problems"][0]["rule"] == "no_reason_refused"
    late = await client.post(
        f"{API}/requests",
        json={
            "order_id": stale.id,
            "reason_code": "quality",
            "lines": [{"order_line_id": stale_line.id, "quantity": 1}],
        },
        headers=bearer(token),
    )
    assert late.status_code == 409 and late.json()["detail"]["problems"][0]["window_days"] == 2

    claim = await client.post(
        f"{API}/requests",
        json={
            "order_id": order.id,
            "reason_code": "quality",
            "reason": "苹果有腐烂",
            "lines": [{"order_line_id": line.id, "quantity": 1}],
        },
        headers=bearer(token),
    )
    assert claim.status_code == 201 and claim.json()["status"] == "pending", claim.text
    request_id = claim.json()["id"]
    photo = await client.post(
        f"{API}/requests/{request_id}/photos",
        files={"file": ("rot.png", png(), "image/png")},
        headers=bearer(token),
    )
    assert photo.status_code == 201, photo.text
    fake = await client.post(
        f"{API}/requests/{request_id}/photos",
        files={"file": ("rot.jpg", b"GIF89a but not really", "image/jpeg")},
        headers=bearer(token),
    )
    assert fake.status_code in (400, 422) and fake.json()["error"] == "invalid_image"

    boss, stranger = bearer(await staff_token(client, manager)), bearer(await staff_token(client, outsider))
    assert (
        await client.post(f"{API}/requests/{request_id}/approve", json={}, headers=stranger)
    ).status_code == 404
    queue = await client.get(f"{API}/requests", params={"status": "pending"}, headers=boss)
    assert [r["id"] for r in queue.json()] == [request_id]
    assert len(queue.json()[0]["photos"]) == 1
    seen = await client.get(f"{API}/requests/{request_id}/photos/{photo.json()['id']}", headers=boss)
    assert seen.status_code == 200 and seen.content == png()
    approved = await client.post(
        f"{API}/requests/{request_id}/approve", json={"note": "照片确认"}, headers=boss
    )
    assert approved.json()["status"] == "approved" and approved.json()["auto_approved"] is False
    done = await client.post(
        f"{API}/requests/{request_id}/complete", json={"store_id": home.id}, headers=boss
    )
    assert done.status_code == 200, done.text
    assert done.json()["amount"] == 1990 and done.json()["order_return_id"] is not None


async def test_a_big_return_waits_for_staff_who_may_reject_it_and_old_orders_are_refused(
    client, session, settings
):
    home = await create_store(session)
    appliances = await category(session, "家电")
    (kettle,) = await product_with_specs(session, appliances, [("1.5L", 29900)], name="电水壶")
    await put_stock(session, home, kettle, 5)
    member_id, token = await signed_in_member(session, settings)
    order = await completed_sale(session, home, member_id, [(kettle, 1)], days_ago=2)
    old = await completed_sale(session, home, member_id, [(kettle, 1)], days_ago=9)
    line, old_line = await _line(session, order), await _line(session, old)
    clerk = await create_staff(session, ["clerk"], [home])
    await session.commit()
    big = await client.post(
        f"{API}/requests",
        json={
            "order_id": order.id,
            "reason_code": "no_reason",
            "lines": [{"order_line_id": line.id, "quantity": 1}],
        },
        headers=bearer(token),
    )
    assert big.json()["status"] == "pending" and big.json()["auto_approved"] is False
    staff = bearer(await staff_token(client, clerk))
    early = await client.post(
        f"{API}/requests/{big.json()['id']}/complete", json={"store_id": home.id}, headers=staff
    )
    assert early.status_code == 409
    no_note = await client.post(f"{API}/requests/{big.json()['id']}/reject", json={}, headers=staff)
    assert no_note.status_code == 422
    rejected = await client.post(
        f"{API}/requests/{big.json()['id']}/reject", json={"note": "商品已使用，影响二次销售"}, headers=staff
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["decision_note"].startswith("商品")
    too_old = await client.post(
        f"{API}/requests",
        json={
            "order_id": old.id,
            "reason_code": "no_reason",
            "lines": [{"order_line_id": old_line.id, "quantity": 1}],
        },
        headers=bearer(token),
    )
    assert too_old.status_code == 409 and too_old.json()["detail"]["problems"][0]["rule"] == "window_closed"
    _, stranger = await signed_in_member(session, settings)
    await session.commit()
    not_theirs = await client.post(
        f"{API}/requests",
        json={
            "order_id": order.id,
            "reason_code": "quality",
            "lines": [{"order_line_id": line.id, "quantity": 1}],
        },
        headers=bearer(stranger),
    )
    assert not_theirs.status_code == 404


async def test_exchanges_settle_the_price_difference_both_ways(client, session, settings):
    home, other = await create_store(session), await create_store(session)
    clothes = await category(session, "服饰")
    small, large, xl = await product_with_specs(session, clothes, [("S", 9900), ("L", 12900), ("XL", 8900)])
    (socks,) = await product_with_specs(session, clothes, [("均码", 1500)], name="袜子")
    await put_stock(session, home, small, 5)
    await put_stock(session, home, large, 5)
    await put_stock(session, other, xl, 5)
    member_id, token = await signed_in_member(session, settings)
    order = await completed_sale(session, home, member_id, [(small, 2)], days_ago=1)
    line = await _line(session, order)
    cashier = await create_staff(session, ["cashier"], [home, other])
    await session.commit()

    def exchange(sku_id: int) -> dict:
        return {
            "order_id": order.id,
            "kind": "exchange",
            "reason_code": "no_reason",
            "reason": "尺码不合适",
            "lines": [{"order_line_id": line.id, "quantity": 1, "exchange_sku_id": sku_id}],
        }

    not_same = await client.post(f"{API}/requests", json=exchange(socks.id), headers=bearer(token))
    assert not_same.status_code == 400
    up = await client.post(f"{API}/requests", json=exchange(large.id), headers=bearer(token))
    assert up.status_code == 201, up.text
    assert (
        up.json()["status"] == "pending" and up.json()["difference"] == 3000
    )  # exchanges are checked by staff
    staff = bearer(await staff_token(client, cashier))
    await client.post(f"{API}/requests/{up.json()['id']}/approve", json={}, headers=staff)
    unpaid = await client.post(
        f"{API}/requests/{up.json()['id']}/complete", json={"store_id": home.id}, headers=staff
    )
    assert unpaid.status_code == 409 and unpaid.json()["error"] == "difference_unpaid"
    await pay_ref(client, bearer(token), "aftersales_exchange", up.json()["id"])
    swapped = await client.post(
        f"{API}/requests/{up.json()['id']}/complete", json={"store_id": home.id}, headers=staff
    )
    assert swapped.status_code == 200, swapped.text
    assert (await _on_hand(session, home, small), await _on_hand(session, home, large)) == (4, 4)
    moves = (
        await session.scalars(
            select(StockMovement.sku_id, StockMovement.on_hand_delta).where(
                StockMovement.ref_type == "aftersales_exchange"
            )
        )
    ).all()
    await session.commit()
    assert len(moves) == 2

    down = await client.post(f"{API}/requests", json=exchange(xl.id), headers=bearer(token))
    assert down.json()["difference"] == -1000
    await client.post(f"{API}/requests/{down.json()['id']}/approve", json={}, headers=staff)
    cheaper = await client.post(
        f"{API}/requests/{down.json()['id']}/complete", json={"store_id": other.id}, headers=staff
    )
    assert cheaper.status_code == 200, cheaper.text
    refunds = (await session.scalars(select(Refund).where(Refund.order_id == order.id))).all()
    assert [(r.amount, r.store_id) for r in refunds] == [(1000, other.id)]
    line_now = await session.get(OrderLine, line.id, populate_existing=True)
    assert line_now is not None and line_now.returned_qty == 2
    await session.commit()
    nothing_left = await client.post(f"{API}/requests", json=exchange(large.id), headers=bearer(token))
    assert nothing_left.status_code == 400
