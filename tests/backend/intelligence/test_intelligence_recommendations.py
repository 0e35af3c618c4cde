"""Recommendations end to end: history in, the job trains, the API serves (member, product, cart, guests)."""

from __future__ import annotations

from datetime import timedelta

from backend.core.time import utcnow
from backend.intelligence.tasks import train_recommendations
from tests.backend.intelligence.factories import basket
from tests.factories import bearer, create_member, create_region, create_sku, create_store, member_token


async def test_for_you_bought_together_add_ons_and_fallbacks(client, app, session) -> None:  # type: ignore[no-untyped-def]
    region = await create_region(session)
    store_a, store_b = await create_store(session, region), await create_store(session, region)
    milk, bread, eggs, jam, soap = [
        await create_sku(session, name=n) for n in ("牛奶", "面包", "鸡蛋", "果酱", "肥皂")
    ]
    regular, newcomer = await create_member(session), await create_member(session, home_store_id=store_b.id)
    others = [await create_member(session) for _ in range(4)]
    now = utcnow()
    # breakfast baskets: bread goes with jam; the regular always buys milk and bread
    for day in range(1, 5):
        await basket(
            session, [milk, bread], now - timedelta(days=day * 3), member_id=regular.id, store=store_a
        )
    for i, other in enumerate(others):
        for week in (0, 1):
            at = now - timedelta(days=i + 1 + 7 * week)
            await basket(session, [bread, jam], at, member_id=other.id, store=store_b)
        await basket(session, [soap], now - timedelta(days=i + 2), member_id=other.id, store=store_b)
    await basket(session, [eggs], now - timedelta(days=2), store=store_a)
    await session.commit()

    summary = await train_recommendations(session)
    await session.commit()
    assert summary["members"] == 5

    headers = bearer(await member_token(client, app, regular.phone))
    response = await client.get("/api/v1/intelligence/recommendations/for-you", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source"] == "for_you"
    ranked = [i["sku_id"] for i in body["items"]]
    # buy-again first, then what people who buy bread also buy; each carries its reason
    assert ranked[:2] == [bread.id, milk.id] or ranked[:2] == [milk.id, bread.id]
    assert ranked.index(jam.id) < ranked.index(eggs.id) if eggs.id in ranked else jam.id in ranked
    jam_item = next(i for i in body["items"] if i["sku_id"] == jam.id)
    assert jam_item["because_sku_id"] == bread.id

    together = (await client.get(f"/api/v1/intelligence/recommendations/bought-together/{bread.id}")).json()
    assert together["items"][0]["sku_id"] == jam.id
    assert milk.id in [i["sku_id"] for i in together["items"]] and soap.id not in [
        i["sku_id"] for i in together["items"]
    ]

    add_ons = await client.get("/api/v1/intelligence/recommendations/add-ons", params={"sku_ids": [jam.id]})
    assert [i["sku_id"] for i in add_ons.json()["items"]][0] == bread.id

    # a new member with no purchases gets their home store's best sellers
    fresh = bearer(await member_token(client, app, newcomer.phone))
    body = (await client.get("/api/v1/intelligence/recommendations/for-you", headers=fresh)).json()
    assert body["source"] == "popular_store"
    assert {i["sku_id"] for i in body["items"]} == {bread.id, jam.id, soap.id}
    # a guest at a store of the region without its own sales gets the region's best sellers
    store_c = await create_store(session, region)
    await session.commit()
    body = (
        await client.get("/api/v1/intelligence/recommendations/for-you", params={"store_id": store_c.id})
    ).json()
    assert body["source"] == "popular_region" and body["items"][0]["sku_id"] == bread.id


async def test_behaviour_events_feed_the_profile(client, app, session) -> None:  # type: ignore[no-untyped-def]
    tea, cup = await create_sku(session, name="茶"), await create_sku(session, name="杯")
    viewer, buyer = await create_member(session), await create_member(session)
    await basket(session, [tea, cup], utcnow() - timedelta(days=1), member_id=buyer.id)
    await session.commit()
    headers = bearer(await member_token(client, app, viewer.phone))
    response = await client.post(
        "/api/v1/intelligence/behaviour", json={"sku_id": tea.id, "kind": "view"}, headers=headers
    )
    assert response.status_code == 204, response.text
    bad = await client.post(
        "/api/v1/intelligence/behaviour", json={"sku_id": 999999, "kind": "cart"}, headers=headers
    )
    assert bad.status_code == 404
    await train_recommendations(session)
    await session.commit()
    body = (await client.get("/api/v1/intelligence/recommendations/for-you", headers=headers)).json()
    assert body["source"] == "for_you"
    assert [i["sku_id"] for i in body["items"]][:2] == [tea.id, cup.id]
