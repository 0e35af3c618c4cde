"""砍价 bargain: the cut schedule sums exactly (property test over many seeds), one cut per friend, no
self cut, the deadline, and ordering at the price reached."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from backend.campaigns.bargain import cut_schedule
from backend.campaigns.errors import BadCutPlan
from backend.campaigns.models import Bargain
from backend.core.time import utcnow
from tests.backend.campaigns.factories import hq, members, shop, stock_of, window


@settings(max_examples=2000, deadline=None)
@given(
    gap=st.integers(min_value=1, max_value=10_000_000),
    cuts=st.integers(min_value=1, max_value=500),
    seed=st.integers(min_value=0, max_value=2**64 - 1),
)
def test_cut_schedule_sums_exactly_to_the_gap(gap: int, cuts: int, seed: int) -> None:
    if cuts > gap:
        with pytest.raises(BadCutPlan):
            cut_schedule(gap, cuts, random.Random(seed))
        return
    schedule = cut_schedule(gap, cuts, random.Random(seed))
    assert len(schedule) == cuts
    assert sum(schedule) == gap
    assert all(isinstance(c, int) and c >= 1 for c in schedule)
    assert schedule == sorted(schedule, reverse=True)


def test_cut_schedule_edges_and_spread() -> None:
    assert cut_schedule(5, 5, random.Random(1)) == [1, 1, 1, 1, 1]
    assert cut_schedule(999, 1, random.Random(1)) == [999]
    # Different seeds give different schedules (it is random, not a fixed split).
    assert len({tuple(cut_schedule(10_000, 10, random.Random(s))) for s in range(50)}) == 50


async def _deal(client, session, sku, cuts=3, start=9900, floor=100, hours=24):  # type: ignore[no-untyped-def]
    body = {
        "sku_id": sku.id,
        "name_zh": "砍价免费拿",
        "name_en": "Cut it down",
        "start_price": start,
        "floor_price": floor,
        "cuts_needed": cuts,
        "duration_hours": hours,
        **window(),
    }
    response = await client.post(
        "/api/v1/campaigns/bargain-deals", json=body, headers=await hq(client, session)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_friends_cut_once_each_down_to_the_floor_then_the_member_orders(app, client, session, settings):
    store, sku = await shop(session, stock=5, price=9900)
    deal = await _deal(client, session, sku, cuts=3)
    (owner, oh), (f1, h1), (f2, h2), (f3, h3), (f4, h4) = await members(session, settings, 5)
    response = await client.post(
        "/api/v1/campaigns/bargains", json={"deal_id": deal["id"], "store_id": store.id}, headers=oh
    )
    assert response.status_code == 201, response.text
    bargain = response.json()
    code = bargain["code"]
    assert bargain["price"] == 9900 and bargain["cuts_done"] == 0
    # Starting again returns the same running bargain.
    again = await client.post(
        "/api/v1/campaigns/bargains", json={"deal_id": deal["id"], "store_id": store.id}, headers=oh
    )
    assert again.json()["id"] == bargain["id"]

    own = await client.post(f"/api/v1/campaigns/bargains/{code}/cut", headers=oh)
    assert own.status_code == 403 and own.json()["error"] == "bargain_self_cut"
    early = await client.post(f"/api/v1/campaigns/bargains/{bargain['id']}/order", headers=oh)
    assert early.status_code == 409 and early.json()["error"] == "bargain_not_finished"

    amounts = []
    for headers in (h1, h2):
        r = await client.post(f"/api/v1/campaigns/bargains/{code}/cut", headers=headers)
        assert r.status_code == 200, r.text
        amounts.append(r.json()["cut"]["amount"])
    twice = await client.post(f"/api/v1/campaigns/bargains/{code}/cut", headers=h1)
    assert twice.status_code == 409 and twice.json()["error"] == "bargain_already_cut"
    last = await client.post(f"/api/v1/campaigns/bargains/{code}/cut", headers=h3)
    assert last.status_code == 200
    amounts.append(last.json()["cut"]["amount"])
    assert sum(amounts) == 9900 - 100 and min(amounts) >= 1
    assert last.json()["bargain"]["price"] == 100 and last.json()["bargain"]["status"] == "floor_reached"
    late = await client.post(f"/api/v1/campaigns/bargains/{code}/cut", headers=h4)
    assert late.status_code == 409 and late.json()["error"] == "bargain_closed"

    view = (await client.get(f"/api/v1/campaigns/bargains/{code}")).json()
    assert [c["seq"] for c in view["cuts"]] == [1, 2, 3]
    assert [c["member_id"] for c in view["cuts"]] == [f1, f2, f3]

    order = await client.post(f"/api/v1/campaigns/bargains/{bargain['id']}/order", headers=oh)
    assert order.status_code == 201, order.text
    assert order.json()["total"] == 100 and order.json()["status"] == "pending_payment"
    assert order.json()["lines"][0]["price_reason"] == "bargain"
    assert await stock_of(app, store, sku) == (5, 1)
    twice_ordered = await client.post(f"/api/v1/campaigns/bargains/{bargain['id']}/order", headers=oh)
    assert twice_ordered.status_code == 409
    assert owner != f1


async def test_after_the_deadline_no_cuts_but_the_member_buys_at_the_price_reached(
    app, client, session, settings
):
    store, sku = await shop(session, stock=5, price=9900)
    deal = await _deal(client, session, sku, cuts=5, start=5000, floor=1000)
    (owner, oh), (f1, h1), (f2, h2) = await members(session, settings, 3)
    bargain = (
        await client.post(
            "/api/v1/campaigns/bargains", json={"deal_id": deal["id"], "store_id": store.id}, headers=oh
        )
    ).json()
    cut = (await client.post(f"/api/v1/campaigns/bargains/{bargain['code']}/cut", headers=h1)).json()
    reached = cut["bargain"]["price"]
    assert 1000 < reached < 5000 and reached == 5000 - cut["cut"]["amount"]

    async with app.state.db.sessionmaker() as db:
        await db.execute(
            update(Bargain)
            .where(Bargain.id == bargain["id"])
            .values(deadline=utcnow() - timedelta(minutes=1))
        )
        await db.commit()
    after = await client.post(f"/api/v1/campaigns/bargains/{bargain['code']}/cut", headers=h2)
    assert after.status_code == 409 and after.json()["error"] == "bargain_closed"
    order = await client.post(f"/api/v1/campaigns/bargains/{bargain['id']}/order", headers=oh)
    assert order.status_code == 201, order.text
    assert order.json()["total"] == reached
    other = await client.post(f"/api/v1/campaigns/bargains/{bargain['id']}/order", headers=h1)
    assert other.status_code == 404


async def test_a_deal_needs_a_fen_per_cut(client, session):
    store, sku = await shop(session)
    body = {
        "sku_id": sku.id,
        "name_zh": "砍",
        "name_en": "Cut",
        "start_price": 105,
        "floor_price": 100,
        "cuts_needed": 6,
        "duration_hours": 1,
        **window(),
    }
    response = await client.post(
        "/api/v1/campaigns/bargain-deals", json=body, headers=await hq(client, session)
    )
    assert response.status_code == 422 and response.json()["error"] == "bargain_bad_cut_plan"
