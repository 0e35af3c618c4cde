"""Price actions: scheduled region/tier changes resolved by time with a cost-plus-margin floor and an
audit trail; near-expiry markdowns per category, at one store only, seen at once by price lookups and
the till, and gone when the batch is gone."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from backend.catalog.models import Category, Sku
from backend.core.audit import AuditEntry
from backend.core.events import Event
from backend.core.time import utcnow
from backend.inventory.service import stock
from backend.pricing.days import local_date
from backend.pricing.repository import effective_price, store_context
from backend.pricing.tasks import price_actions
from tests.backend.distribution.factories import till_sale
from tests.backend.pricing.factories import create_price_list
from tests.factories import bearer, create_region, create_sku, create_staff, create_store, staff_token

API = "/api/v1/pricing"


async def _price(client: httpx.AsyncClient, sku_id: int, store_id: int, at=None) -> dict:  # type: ignore[no-untyped-def]
    params = {"sku_id": sku_id, "store_id": store_id}
    if at is not None:
        params["at"] = at.isoformat()
    r = await client.get(f"{API}/price", params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_scheduled_change_has_a_floor_takes_effect_on_time_and_is_audited(
    app, client: httpx.AsyncClient, session, settings
) -> None:  # type: ignore[no-untyped-def]
    region = await create_region(session)
    store = await create_store(session, region=region, city_tier=2)
    elsewhere = await create_store(session)
    sku = await create_sku(session, price=1000, cost_price=600)
    unknown_cost = await create_sku(session, price=1000, cost_price=None)
    # The region already has a high-priority list: the change must still win from its moment on.
    await create_price_list(session, "region", region.id, {sku: 950}, priority=5)
    staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    hq = bearer(await staff_token(client, staff))
    soon = utcnow() + timedelta(hours=1)

    # Default floor: cost 6.00 + 5% = 6.30.
    body = {"name": "华东调价", "scope": "region", "scope_value": region.id, "effective_at": soon.isoformat()}
    r = await client.post(
        f"{API}/changes", json={**body, "items": [{"sku_id": sku.id, "price": 629}]}, headers=hq
    )
    assert r.status_code == 422 and r.json()["error"] == "price_below_floor", r.text
    assert r.json()["detail"]["items"] == [{"sku_id": sku.id, "price": 629, "cost_price": 600, "floor": 630}]
    assert (await client.put(f"{API}/settings", json={"min_margin_bp": 2000}, headers=hq)).json() == {
        "min_margin_bp": 2000
    }
    r = await client.post(
        f"{API}/changes", json={**body, "items": [{"sku_id": sku.id, "price": 700}]}, headers=hq
    )
    assert r.status_code == 422 and r.json()["detail"]["items"][0]["floor"] == 720
    past = {**body, "effective_at": (utcnow() - timedelta(hours=1)).isoformat()}
    r = await client.post(
        f"{API}/changes", json={**past, "items": [{"sku_id": sku.id, "price": 900}]}, headers=hq
    )
    assert r.status_code == 422
    items = [{"sku_id": sku.id, "price": 880}, {"sku_id": unknown_cost.id, "price": 990}]
    r = await client.post(f"{API}/changes", json={**body, "items": items}, headers=hq)
    assert r.status_code == 201, r.text
    change = r.json()
    assert change["status"] == "scheduled" and change["items"][0]["floor"] == 720

    # Resolved by time: before the moment the old price, after it the new one, only in that region.
    assert (await _price(client, sku.id, store.id))["price"] == 950
    later = soon + timedelta(minutes=1)
    assert (await _price(client, sku.id, store.id, later))["price"] == 880
    assert (await _price(client, unknown_cost.id, store.id, later))["price"] == 990
    assert (await _price(client, sku.id, elsewhere.id, later))["price"] == 1000

    # Cancelled before it starts: the old price stays.
    cancelled = (await client.post(f"{API}/changes/{change['id']}/cancel", headers=hq)).json()
    assert cancelled["status"] == "cancelled"
    assert (await _price(client, sku.id, store.id, later))["price"] == 950
    r = await client.post(f"{API}/changes/{change['id']}/cancel", headers=hq)
    assert r.status_code == 409 and r.json()["error"] == "price_change_locked"

    # A city-tier change starting now: the job marks it effective and tells tills.
    now_body = {
        "name": "二线城市",
        "scope": "city_tier",
        "scope_value": 2,
        "effective_at": utcnow().isoformat(),
    }
    tier_change = (
        await client.post(
            f"{API}/changes",
            json={**now_body, "items": [{"sku_id": unknown_cost.id, "price": 888}]},
            headers=hq,
        )
    ).json()
    assert (await _price(client, unknown_cost.id, store.id))["price"] == 888
    result = await price_actions(app.state.db, settings)
    assert result["changes_effective"] == 1
    assert [
        c["status"] for c in (await client.get(f"{API}/changes?status=effective", headers=hq)).json()
    ] == ["effective"]
    assert (await price_actions(app.state.db, settings))["changes_effective"] == 0
    events = list(await session.scalars(select(Event).where(Event.type == "pricing.price_list_changed")))
    assert [e.payload["price_list_id"] for e in events] == [tier_change["price_list_id"]]
    actions = sorted(
        await session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "price_change"))
    )
    assert actions == [
        "price_change.cancel",
        "price_change.effective",
        "price_change.schedule",
        "price_change.schedule",
    ]
    await session.commit()


async def test_near_expiry_markdowns_reach_the_till_and_leave_with_the_batch(
    app, client: httpx.AsyncClient, session, settings
) -> None:  # type: ignore[no-untyped-def]
    fresh = Category(code="FRESH-MD", name_zh="鲜奶", name_en="Fresh milk")
    session.add(fresh)
    await session.flush()
    store = await create_store(session)
    other = await create_store(session)
    milk = await create_sku(session, category=fresh, price=1000)
    bread = await create_sku(session, price=800)
    today = local_date(utcnow())
    await stock.receive(
        session,
        store.id,
        milk.id,
        2,
        ref_type="test",
        ref_id="m1",
        batch_no="B1",
        expires_on=today + timedelta(days=2),
    )
    await stock.receive(
        session,
        store.id,
        milk.id,
        5,
        ref_type="test",
        ref_id="m2",
        batch_no="B2",
        expires_on=today + timedelta(days=20),
    )
    await stock.receive(
        session,
        other.id,
        milk.id,
        5,
        ref_type="test",
        ref_id="m3",
        batch_no="B3",
        expires_on=today + timedelta(days=2),
    )
    await stock.receive(
        session,
        store.id,
        bread.id,
        3,
        ref_type="test",
        ref_id="b1",
        batch_no="BR",
        expires_on=today + timedelta(days=1),
    )
    hq_staff = await create_staff(session, ["hq_admin"])
    cashier_staff = await create_staff(session, ["cashier"], [store])
    await session.commit()
    hq = bearer(await staff_token(client, hq_staff))
    cashier = bearer(await staff_token(client, cashier_staff))

    # General rules: ≤3 days 30% off, ≤1 day 50% off; fresh milk has its own: ≤2 days 40% off.
    for rule in ({"days_left": 3, "percent_bp": 3000}, {"days_left": 1, "percent_bp": 5000}):
        assert (await client.put(f"{API}/markdown-rules", json=rule, headers=hq)).status_code == 200
    r = await client.put(
        f"{API}/markdown-rules", json={"category_id": 999_999, "days_left": 2, "percent_bp": 4000}, headers=hq
    )
    assert r.status_code == 404
    r = await client.put(
        f"{API}/markdown-rules",
        json={"category_id": fresh.id, "days_left": 2, "percent_bp": 4000},
        headers=hq,
    )
    assert r.status_code == 200
    # In force at once, per store: the milk batch of this store has 2 days left.
    price = await _price(client, milk.id, store.id)
    assert (price["price"], price["reason"], price["markdown_bp"], price["base_price"]) == (
        600,
        "markdown",
        4000,
        1000,
    )
    assert (await _price(client, bread.id, store.id))["price"] == 400
    # The catalog's price filters and sorting (one SQL expression) see the same price.
    ctx = await store_context(session, store.id)
    listed = await session.scalar(select(effective_price(ctx, utcnow())).where(Sku.id == milk.id))
    assert listed == 600
    await session.commit()
    assert (await _price(client, milk.id, other.id))["price"] == 600
    assert len((await client.get(f"{API}/markdowns?store_id={store.id}", headers=cashier)).json()) == 2
    assert (await client.get(f"{API}/markdowns?store_id={other.id}", headers=cashier)).status_code == 403
    quote = (
        await client.post(
            f"{API}/quote", json={"store_id": store.id, "lines": [{"sku_id": milk.id, "quantity": 3}]}
        )
    ).json()
    assert quote["total"] == 1800

    # The till sells at the marked-down price; the marked batch goes first (FEFO) and then is gone.
    sale = await till_sale(client, cashier, store, [(milk, 2)])
    assert sale["lines"][0]["unit_price"] == 600 and sale["lines"][0]["price_reason"] == "markdown"
    assert (await _price(client, milk.id, store.id))["price"] == 1000
    run = await price_actions(app.state.db, settings)
    assert run["removed"] == 1 and run["added"] == 0
    assert [
        m["sku_id"]
        for m in (await client.get(f"{API}/markdowns?store_id={store.id}", headers=cashier)).json()
    ] == [bread.id]
    # Removing a rule takes its markdowns away.
    rules = (await client.get(f"{API}/markdown-rules", headers=hq)).json()
    one_day = next(r for r in rules if r["days_left"] == 1 and r["category_id"] is None)
    assert (await client.delete(f"{API}/markdown-rules/{one_day['id']}", headers=hq)).status_code == 204
    assert (await _price(client, bread.id, store.id))["price"] == 560
    events = await session.scalars(select(Event.topic).where(Event.type == "pricing.markdown_changed"))
    assert f"store:{store.id}:stock" in set(events)
    await session.commit()
