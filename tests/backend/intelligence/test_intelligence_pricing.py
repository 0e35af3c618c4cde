"""Pricing suggestions: guard rails of the rules, the job through the API (scoped to the caller's stores),
HQ approval applying the price through the pricing domain (audit-logged), rejection, and the HQ page."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.core.time import utcnow
from backend.intelligence import pricing
from backend.intelligence.tasks import suggest_prices
from backend.pricing import actions
from backend.pricing.days import day_start, local_date
from backend.pricing.models import PriceChange, PriceList
from backend.pricing.schemas import PriceChangeCreate, PriceListItemIn
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.intelligence.factories import sale
from tests.backend.inventory.factories import put_stock
from tests.backend.marketing.factories import create_promotion
from tests.backend.orders.factories import staff
from tests.e2e.browser import ARTIFACTS, chromium_available, open_browser
from tests.factories import PASSWORD, create_merchant, create_region, create_sku, create_staff, create_store

API = "/api/v1/intelligence/pricing/suggestions"


def test_regional_rules_keep_inside_the_guard_rails() -> None:
    common = {"margin_bp": 500, "per_store_rate": 1.0, "chain_per_store_rate": 1.0, "in_promotion": False}
    far = pricing.regional(current_price=1000, cost=600, stock=500, daily_demand=2.0, **common)
    assert far is not None and far.suggested_price == 900 and far.change_bp == -1000  # the 10 % step cap
    near = pricing.regional(current_price=1000, cost=600, stock=120, daily_demand=2.0, **common)
    assert near is not None and near.suggested_price == 950  # 60 days of cover: half a step
    floored = pricing.regional(current_price=1000, cost=900, stock=500, daily_demand=2.0, **common)
    assert floored is not None and floored.suggested_price == 950 >= 945  # cost + 5 %, rounded up
    at_floor = pricing.regional(current_price=950, cost=900, stock=500, daily_demand=2.0, **common)
    assert at_floor is None  # already at the floor: nothing lower is allowed
    odd = pricing.regional(current_price=410, cost=200, stock=500, daily_demand=2.0, **common)
    assert odd is not None and odd.suggested_price == 370 and odd.change_bp >= -1000  # rounded towards today
    promoted = {**common, "in_promotion": True}
    assert pricing.regional(current_price=1000, cost=600, stock=500, daily_demand=2.0, **promoted) is None
    fine = pricing.regional(current_price=1000, cost=600, stock=40, daily_demand=2.0, **common)
    assert fine is None  # 20 days of cover, demand like the chain's
    hot = pricing.regional(
        current_price=1000,
        cost=600,
        stock=10,
        daily_demand=4.0,
        margin_bp=500,
        per_store_rate=4.0,
        chain_per_store_rate=2.0,
        in_promotion=False,
    )
    assert hot is not None and hot.suggested_price == 1050 and "2.0 倍" in hot.explanation


def test_markdown_ladder_goes_one_rung_at_a_time_and_never_below_the_floor() -> None:
    base = {"cost": 500, "margin_bp": 500, "in_promotion": False}
    sells = pricing.markdown(
        current_price=1000, reference_price=1000, units=10, days_left=4, daily_demand=3.0, **base
    )
    assert sells is None  # 15 expected sales cover 10 units
    first = pricing.markdown(
        current_price=1000, reference_price=1000, units=12, days_left=3, daily_demand=2.5, **base
    )
    # 10 expected; a 10 % cut lifts that to 12: the shallowest rung that clears the units
    assert first is not None and first.suggested_price == 900 and first.evidence["rung_bp"] == 1000
    stuck = pricing.markdown(
        current_price=1000, reference_price=1000, units=40, days_left=2, daily_demand=2.0, **base
    )
    assert stuck is not None and stuck.suggested_price == 700  # the deepest rung allowed 2 days out
    deeper = pricing.markdown(
        current_price=900, reference_price=1000, units=40, days_left=1, daily_demand=2.0, **base
    )
    assert deeper is not None and deeper.suggested_price == 800  # running at 10 %: next rung only
    last_day = pricing.markdown(
        current_price=700, reference_price=1000, units=40, days_left=1, daily_demand=2.0, **base
    )
    assert last_day is not None and last_day.suggested_price == 530  # 50 % would be 500 < floor 525
    assert "底价" in last_day.explanation
    assert (
        pricing.markdown(
            current_price=1000,
            reference_price=1000,
            units=40,
            days_left=2,
            daily_demand=2.0,
            cost=500,
            margin_bp=500,
            in_promotion=True,
        )
        is None
    )


async def _chain(session):  # type: ignore[no-untyped-def]
    merchant = await create_merchant(session)
    east, west = await create_region(session), await create_region(session)
    franchised = await create_store(session, east, merchant_id=merchant.id)
    own = await create_store(session, east)
    far = await create_store(session, west)
    slow = await create_sku(session, price=1000, cost_price=600, name="慢销")
    thin = await create_sku(session, price=1000, cost_price=900, name="薄利")
    promoted = await create_sku(session, price=1000, cost_price=600, name="促销")
    milk = await create_sku(session, price=1000, cost_price=500, name="鲜奶")
    now = utcnow()
    for store in (franchised, own):
        for sku in (slow, thin, promoted):
            await put_stock(session, store, sku, 300)
    for day in range(1, 29):
        for store in (franchised, own):
            for sku in (slow, thin, promoted):
                await sale(session, sku, now - timedelta(days=day), store=store)
        await sale(session, milk, now - timedelta(days=day), store=franchised, quantity=2)
        await sale(session, slow, now - timedelta(days=day), store=far, quantity=3)
    await put_stock(session, far, slow, 60)
    expiry = local_date(now) + timedelta(days=2)
    await put_stock(session, franchised, milk, 40, batch_no="M1", expires_on=expiry)
    await create_promotion(
        session, {"type": "percent", "percent_bp": 1000}, scope="skus", scope_ids=[promoted.id]
    )
    await session.commit()
    return merchant, east, west, franchised, own, far, slow, thin, promoted, milk, expiry


async def test_suggestions_approved_apply_through_pricing_and_respect_scope(client, session) -> None:  # type: ignore[no-untyped-def]
    merchant, east, west, franchised, own, far, slow, thin, promoted, milk, expiry = await _chain(session)
    hq = await staff(client, session, ["hq_admin"], [])
    made = await client.post(f"{API}/run", headers=hq)
    assert made.status_code == 200, made.text
    assert made.json()["regional"] == 2 and made.json()["markdown"] == 1

    rows = (await client.get(API, headers=hq)).json()
    by = {(r["kind"], r["sku_id"]): r for r in rows}
    assert set(by) == {("regional", slow.id), ("regional", thin.id), ("markdown", milk.id)}
    cut = by[("regional", slow.id)]
    assert (cut["scope"], cut["scope_value"], cut["store_id"]) == ("region", east.id, None)
    assert (cut["current_price"], cut["suggested_price"], cut["change_bp"]) == (1000, 900, -1000)
    assert "300" in cut["explanation"] or "600" in cut["explanation"]
    assert by[("regional", thin.id)]["suggested_price"] == 950 == by[("regional", thin.id)]["floor_price"] + 5
    mark = by[("markdown", milk.id)]
    assert (mark["scope"], mark["store_id"], mark["suggested_price"]) == ("store", franchised.id, 700)
    assert mark["until"] == expiry.isoformat() and mark["evidence"]["units"] == 40
    assert all(r["status"] == "pending" for r in rows)

    franchisee = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    manager = await staff(client, session, ["store_manager"], [own])
    await session.commit()
    from tests.factories import bearer, staff_token

    fr = bearer(await staff_token(client, franchisee))
    assert [r["id"] for r in (await client.get(API, headers=fr)).json()] == [mark["id"]]
    assert (await client.get(API, headers=manager)).json() == []
    assert (await client.get(f"{API}/{cut['id']}", headers=fr)).status_code == 404
    clerk = await staff(client, session, ["clerk"], [franchised])
    assert (await client.get(API, headers=clerk)).status_code == 403
    assert (await client.post(f"{API}/{mark['id']}/approve", json={}, headers=fr)).status_code == 403

    approved = await client.post(f"{API}/{mark['id']}/approve", json={"note": "清库存"}, headers=hq)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["price_change_id"]
    price = await client.get("/api/v1/pricing/price", params={"sku_id": milk.id, "store_id": franchised.id})
    assert price.json()["price"] == 700
    other = await client.get("/api/v1/pricing/price", params={"sku_id": milk.id, "store_id": own.id})
    assert other.json()["price"] == 1000
    change = await session.get(PriceChange, approved.json()["price_change_id"])
    assert change is not None and (change.scope, change.scope_value) == ("store", franchised.id)
    price_list = await session.get(PriceList, change.price_list_id)
    assert price_list is not None and price_list.valid_to == day_start(expiry + timedelta(days=1))
    await session.commit()
    again = await client.post(f"{API}/{mark['id']}/approve", json={}, headers=hq)
    assert again.status_code == 409 and again.json()["error"] == "price_suggestion_decided"

    regional = await client.post(f"{API}/{cut['id']}/approve", json={}, headers=hq)
    assert regional.status_code == 200, regional.text
    for store in (franchised, own):
        resolved = await client.get("/api/v1/pricing/price", params={"sku_id": slow.id, "store_id": store.id})
        assert resolved.json()["price"] == 900
    untouched = await client.get("/api/v1/pricing/price", params={"sku_id": slow.id, "store_id": far.id})
    assert untouched.json()["price"] == 1000

    rejected = await client.post(
        f"{API}/{by[('regional', thin.id)]['id']}/reject", json={"note": "毛利太薄"}, headers=hq
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    actions_logged = set(
        await session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.action.in_(
                    ["price_suggestion.approve", "price_suggestion.reject", "price_change.schedule"]
                )
            )
        )
    )
    assert actions_logged == {"price_suggestion.approve", "price_suggestion.reject", "price_change.schedule"}
    await session.commit()

    # the job again: decided suggestions stay, the rejected one is not made again, the running markdown
    # is already on the deepest rung allowed two days before expiry
    rerun = (await client.post(f"{API}/run", headers=hq)).json()
    assert rerun["markdown"] == 0
    statuses = sorted(
        (r["kind"], r["sku_id"], r["status"]) for r in (await client.get(API, headers=hq)).json()
    )
    assert ("regional", thin.id, "rejected") in statuses and ("markdown", milk.id, "approved") in statuses
    assert not any(s == "pending" and k == thin.id for _, k, s in statuses)


async def test_a_suggestion_whose_price_moved_is_refused_as_stale(client, session) -> None:  # type: ignore[no-untyped-def]
    *_, franchised, own, far, slow, thin, promoted, milk, expiry = await _chain(session)
    hq_user = await create_staff(session, ["hq_admin"])
    await session.commit()
    made = await suggest_prices(session)
    await session.commit()
    assert made["regional"] == 2
    hq = await staff(client, session, ["hq_admin"], [])
    rows = {r["sku_id"]: r for r in (await client.get(API, headers=hq, params={"kind": "regional"})).json()}
    from backend.auth.principal import Principal

    actor = Principal("staff", hq_user.id, frozenset({"hq_admin"}), None)
    await actions.schedule_change(
        session,
        actor,
        PriceChangeCreate(
            name="手工调价",
            scope="region",
            scope_value=rows[slow.id]["scope_value"],
            effective_at=utcnow(),
            items=[PriceListItemIn(sku_id=slow.id, price=1200)],
        ),
    )
    await session.commit()
    stale = await client.post(f"{API}/{rows[slow.id]['id']}/approve", json={}, headers=hq)
    assert stale.status_code == 409 and stale.json()["error"] == "price_suggestion_stale"
    assert (await client.get(f"{API}/{rows[slow.id]['id']}", headers=hq)).json()["status"] == "pending"


async def test_hq_page_lists_approves_and_hides_other_stores_from_a_franchisee(client, session) -> None:  # type: ignore[no-untyped-def]
    merchant, east, west, franchised, own, far, slow, thin, promoted, milk, expiry = await _chain(session)
    hq = await create_staff(session, ["hq_admin"])
    franchisee = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/pricing-suggestions")
    ran = await client.post("/hq/pricing-suggestions/run", data={"csrf": token})
    assert ran.status_code == 303 and "flash=" in ran.headers["location"]
    page = await client.get("/hq/pricing-suggestions")
    assert page.status_code == 200
    assert "临期降价" in page.text and "区域调价" in page.text and "¥7.00" in page.text
    assert page.text.count("批准</button>") == 3
    rows = (await client.get(API, headers=await staff(client, session, ["hq_admin"], []))).json()
    mark = next(r for r in rows if r["kind"] == "markdown")
    done = await client.post(f"/hq/pricing-suggestions/{mark['id']}/approve", data={"csrf": token})
    assert done.status_code == 303
    assert "已批准" in (await client.get(done.headers["location"])).text
    price = await client.get("/api/v1/pricing/price", params={"sku_id": milk.id, "store_id": franchised.id})
    assert price.json()["price"] == 700
    twice = await client.post(f"/hq/pricing-suggestions/{mark['id']}/approve", data={"csrf": token})
    assert twice.status_code == 303 and "flash=" in twice.headers["location"]
    exported = await client.get("/hq/pricing-suggestions.csv?table=suggestions")
    assert exported.status_code == 200 and "鲜奶" in exported.text

    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, franchisee)
    mine = await client.get("/hq/pricing-suggestions")
    assert mine.status_code == 200 and "鲜奶" in mine.text
    assert "慢销" not in mine.text and "批准</button>" not in mine.text and "立即生成" not in mine.text
    token = await csrf_of(client, "/hq/pricing-suggestions")
    other = next(r for r in rows if r["kind"] == "regional")
    refused = await client.post(f"/hq/pricing-suggestions/{other['id']}/approve", data={"csrf": token})
    assert refused.status_code == 403


@pytest.mark.e2e
@pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")
async def test_hq_approves_a_markdown_in_chromium(live_server, session, test_db) -> None:  # type: ignore[no-untyped-def]
    *_, franchised, own, far, slow, thin, promoted, milk, expiry = await _chain(session)
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    made = await suggest_prices(session)
    await session.commit()
    assert made["markdown"] == 1
    shot = ARTIFACTS / f"hq-pricing-suggestions-{test_db.kind}.png"

    def browse() -> str:
        with open_browser(viewport={"width": 1366, "height": 900}) as context:
            page = context.new_page()
            page.goto(live_server.url + "/hq/pricing-suggestions")
            page.get_by_label("用户名").fill(hq.username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.goto(live_server.url + "/hq/pricing-suggestions")
            page.screenshot(path=str(shot), full_page=True)
            row = page.locator("tr", has_text="鲜奶")
            row.get_by_role("button", name="批准").click()
            page.wait_for_load_state()
            page.screenshot(path=str(shot.with_name(shot.stem + "-approved.png")), full_page=True)
            return page.locator("tr", has_text="鲜奶").inner_text()

    after = await asyncio.to_thread(browse)
    assert "已批准" in after and shot.exists()
