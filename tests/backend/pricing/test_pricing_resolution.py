"""Price resolution order, written out case by case, through GET /pricing/price and price_for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from backend.core.time import utcnow
from backend.pricing.service import price_for
from tests.backend.catalog.factories import create_product
from tests.backend.pricing.factories import create_price_list
from tests.factories import create_region, create_store

API = "/api/v1/pricing"
DAY = timedelta(days=1)

# Each case: the lists that exist (scope, price, options) for a SKU whose base price is 1000 at a
# tier-2 store; the price and reason expected now. Scope "store" is the store itself, "other_store" a
# second store in the same region, "region" the store's region, "other_region" another region,
# "tier" the store's city tier (2) and "other_tier" tier 1.
CASES = [
    ("base only", [], 1000, "base"),
    ("city-tier list", [("tier", 950, {})], 950, "city_tier"),
    ("another tier's list is ignored", [("other_tier", 900, {})], 1000, "base"),
    ("region beats tier", [("tier", 950, {}), ("region", 900, {})], 900, "region"),
    ("another region's list is ignored", [("tier", 950, {}), ("other_region", 800, {})], 950, "city_tier"),
    (
        "store override beats region and tier",
        [("tier", 950, {}), ("region", 900, {}), ("store", 1200, {})],
        1200,
        "store",
    ),
    ("another store's override is ignored", [("region", 900, {}), ("other_store", 700, {})], 900, "region"),
    ("expired list ignored", [("tier", 950, {}), ("region", 900, {"valid_to": -DAY})], 950, "city_tier"),
    ("future list ignored", [("tier", 950, {}), ("store", 850, {"valid_from": DAY})], 950, "city_tier"),
    ("inactive list ignored", [("region", 900, {"active": False})], 1000, "base"),
    (
        "higher priority wins within a level",
        [("region", 900, {"priority": 1}), ("region", 880, {"priority": 5, "valid_from": -3 * DAY})],
        880,
        "region",
    ),
    (
        "priority tie: newest valid_from wins",
        [("region", 900, {"valid_from": -3 * DAY}), ("region", 870, {"valid_from": -1 * DAY})],
        870,
        "region",
    ),
    (
        "priority beats a newer list",
        [("store", 860, {"priority": 2, "valid_from": -5 * DAY}), ("store", 840, {"valid_from": -DAY})],
        860,
        "store",
    ),
    (
        "a list without this SKU falls through",
        [("store", 500, {"other_sku": True}), ("tier", 990, {})],
        990,
        "city_tier",
    ),
]


async def _world(session):
    region = await create_region(session)
    other_region = await create_region(session)
    store = await create_store(session, region, city_tier=2)
    other_store = await create_store(session, region, city_tier=2)
    product, skus = await create_product(session, prices=[1000, 2000])
    return {
        "store": store,
        "other_store": other_store,
        "region": region,
        "other_region": other_region,
        "sku": skus[0],
        "other_sku": skus[1],
    }


async def _add_lists(session, world, lists):
    now = utcnow()
    for scope, price, options in lists:
        options = dict(options)
        sku = world["other_sku"] if options.pop("other_sku", False) else world["sku"]
        scope_name, value = {
            "store": ("store", world["store"].id),
            "other_store": ("store", world["other_store"].id),
            "region": ("region", world["region"].id),
            "other_region": ("region", world["other_region"].id),
            "tier": ("city_tier", 2),
            "other_tier": ("city_tier", 1),
        }[scope]
        valid_from = now + options.pop("valid_from", -2 * DAY)
        valid_to = now + options.pop("valid_to") if "valid_to" in options else None
        if valid_to is not None and valid_to <= valid_from:
            valid_from = valid_to - DAY
        await create_price_list(
            session, scope_name, value, {sku: price}, valid_from=valid_from, valid_to=valid_to, **options
        )


@pytest.mark.parametrize(("case", "lists", "expected", "reason"), CASES, ids=[c[0] for c in CASES])
async def test_resolution_order(client, session, case, lists, expected, reason):
    world = await _world(session)
    await _add_lists(session, world, lists)
    await session.commit()
    response = await client.get(
        f"{API}/price", params={"sku_id": world["sku"].id, "store_id": world["store"].id}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["price"], body["reason"]) == (expected, reason), case
    assert body["base_price"] == 1000
    assert (body["price_list"] is None) == (reason == "base")
    if body["price_list"]:
        assert body["price_list"]["scope"] == reason
    # The catalog filters and sorts on the same order computed in SQL: it must agree with price_for.
    product_id = world["sku"].product_id
    detail = (
        await client.get(f"/api/v1/catalog/products/{product_id}", params={"store_id": world["store"].id})
    ).json()
    listed = (await client.get("/api/v1/catalog/products", params={"store_id": world["store"].id})).json()
    assert listed["items"][0]["price"] == min(s["price"] for s in detail["skus"])
    assert {s["id"]: s["price"] for s in detail["skus"]}[world["sku"].id] == expected


async def test_at_picks_the_moment(client, session):
    world = await _world(session)
    now = utcnow()
    await create_price_list(
        session,
        "region",
        world["region"].id,
        {world["sku"]: 900},
        valid_from=now + 2 * DAY,
        valid_to=now + 4 * DAY,
    )
    await session.commit()
    params = {"sku_id": world["sku"].id, "store_id": world["store"].id}
    assert (await client.get(f"{API}/price", params=params)).json()["price"] == 1000
    during = (now + 3 * DAY).isoformat()
    assert (await client.get(f"{API}/price", params={**params, "at": during})).json()["price"] == 900
    # The window is [valid_from, valid_to): the end moment itself is outside.
    end = (now + 4 * DAY).isoformat()
    assert (await client.get(f"{API}/price", params={**params, "at": end})).json()["price"] == 1000


async def test_unknown_sku_or_store_and_bad_params(client, session):
    world = await _world(session)
    await session.commit()
    unknown = await client.get(f"{API}/price", params={"sku_id": 999_999, "store_id": world["store"].id})
    assert unknown.status_code == 404 and unknown.json()["detail"] == {"sku_ids": [999_999]}
    no_store = await client.get(f"{API}/price", params={"sku_id": world["sku"].id, "store_id": 999_999})
    assert no_store.status_code == 404 and no_store.json()["error"] == "store_not_found"
    missing = await client.get(f"{API}/price", params={"sku_id": world["sku"].id})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"][-1] == "store_id"
    bad_at = await client.get(f"{API}/price", params={"sku_id": world["sku"].id, "store_id": 1, "at": "soon"})
    assert bad_at.status_code == 422


async def test_price_for_resolves_many_skus_in_one_query(app, session):
    region = await create_region(session)
    store = await create_store(session, region, city_tier=3)
    _, skus = await create_product(session, prices=[100 + i for i in range(30)])
    await create_price_list(session, "city_tier", 3, {s: 90 for s in skus[:20]})
    await create_price_list(session, "region", region.id, {s: 80 for s in skus[:10]})
    await create_price_list(session, "store", store.id, {s: 70 for s in skus[:5]})
    await session.commit()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with app.state.db.sessionmaker() as fresh:
            prices = await price_for(fresh, store.id, [s.id for s in skus])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects  # the store, then every SKU's prices at once
    assert [prices[s.id].price for s in skus[:5]] == [70] * 5
    assert [prices[s.id].price for s in skus[5:10]] == [80] * 5
    assert [prices[s.id].price for s in skus[10:20]] == [90] * 10
    assert [prices[s.id].price for s in skus[20:]] == [100 + i for i in range(20, 30)]
    assert {prices[s.id].reason for s in skus[20:]} == {"base"}
    async with app.state.db.sessionmaker() as fresh:
        base = await price_for(fresh, None, [skus[0].id])
    assert base[skus[0].id].price == 100 and base[skus[0].id].reason == "base"
