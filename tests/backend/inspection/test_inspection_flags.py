"""Store audit through the API: planted anomalies are flagged with evidence, scoped by who asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.stores.models import Store
from tests.backend.inspection.factories import add_sales
from tests.factories import bearer, create_merchant, create_staff, create_store, staff_token

API = "/api/v1/inspection"
END = datetime(2026, 6, 1, tzinfo=UTC)
START = END - timedelta(days=30)
SHANGHAI_HOURS = {d: ["09:00", "21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def _chain(session):
    """Eight stores of two franchisees, one cashier each, sales in both the period and the one before."""
    merchants = [await create_merchant(session), await create_merchant(session)]
    stores: list[Store] = []
    cashiers = []
    for i in range(8):
        store = await create_store(session, merchant_id=merchants[i % 2].id, opening_hours=SHANGHAI_HOURS)
        stores.append(store)
        cashiers.append(await create_staff(session, roles=["cashier"], stores=[store]))
    plans = {i: {} for i in range(8)}
    plans[1] = {"refund_share": 0.3}  # refunds to pocket the money
    plans[2] = {"cash_share": 0.02}  # customers paying a private QR code instead of the till
    plans[5] = {"local_hour": (21, 23)}  # sales rung up after closing
    for i, (store, cashier) in enumerate(zip(stores, cashiers, strict=True)):
        await add_sales(session, store.id, cashier.id, START - timedelta(days=30), seed=100 + i)
        await add_sales(session, store.id, cashier.id, START, seed=i, **plans[i])
    await session.commit()
    return merchants, stores, cashiers


async def _hq(client, session):
    hq = await create_staff(session, roles=["hq_admin"])
    await session.commit()
    return bearer(await staff_token(client, hq))


async def test_planted_anomalies_are_flagged_with_their_evidence(client, session):
    merchants, stores, cashiers = await _chain(session)
    hq = await _hq(client, session)
    run = await client.post(f"{API}/runs", json={"days": 30, "end": END.isoformat()}, headers=hq)
    assert run.status_code == 200, run.text
    assert run.json()["stores"] == 8 and run.json()["cashiers"] == 8
    body = (await client.get(f"{API}/flags", headers=hq)).json()
    assert datetime.fromisoformat(body["period_end"]) == END
    store_flags = {(f["store_id"], f["metric"]) for f in body["flags"] if f["subject_kind"] == "store"}
    assert (stores[1].id, "refund_rate") in store_flags
    assert (stores[2].id, "cash_share") in store_flags
    assert (stores[5].id, "after_hours_share") in store_flags
    planted = {stores[1].id, stores[2].id, stores[5].id}
    assert {store_id for store_id, _ in store_flags} <= planted
    refund = next(f for f in body["flags"] if f["metric"] == "refund_rate" and f["subject_kind"] == "store")
    assert refund["value"] > refund["peer_median"] and refund["robust_z"] >= 3.5
    assert refund["evidence"]["refunded"] > 0 and refund["evidence"]["peers"] == 7
    cash = next(f for f in body["flags"] if f["metric"] == "cash_share" and f["subject_kind"] == "store")
    assert cash["value"] < cash["peer_median"]
    cashier_flags = {(f["subject_id"], f["metric"]) for f in body["flags"] if f["subject_kind"] == "cashier"}
    assert (cashiers[1].id, "refund_rate") in cashier_flags


async def test_a_rerun_replaces_the_period_and_franchisees_see_only_their_stores(client, session):
    merchants, stores, cashiers = await _chain(session)
    hq = await _hq(client, session)
    for _ in range(2):
        assert (
            await client.post(f"{API}/runs", json={"end": END.isoformat()}, headers=hq)
        ).status_code == 200
    everything = (await client.get(f"{API}/flags", headers=hq)).json()["flags"]
    assert len({(f["subject_kind"], f["subject_id"], f["metric"]) for f in everything}) == len(everything)
    owner = await create_staff(session, roles=["franchisee_admin"], merchant_id=merchants[0].id)
    await session.commit()
    theirs = (await client.get(f"{API}/flags", headers=bearer(await staff_token(client, owner)))).json()
    own_stores = {s.id for s in stores if s.merchant_id == merchants[0].id}
    assert theirs["flags"] and {f["store_id"] for f in theirs["flags"]} <= own_stores
    assert {f["store_id"] for f in everything} - own_stores


async def test_flags_need_hq_or_a_franchisee_admin(client, session):
    store = await create_store(session)
    cashier = await create_staff(session, roles=["cashier"], stores=[store])
    await session.commit()
    token = bearer(await staff_token(client, cashier))
    assert (await client.get(f"{API}/flags", headers=token)).status_code == 403
    assert (await client.post(f"{API}/runs", json={}, headers=token)).status_code == 403
    assert (await client.get(f"{API}/flags")).status_code == 401
    hq = await _hq(client, session)
    empty = await client.get(f"{API}/flags", headers=hq)
    assert empty.json() == {"period_end": None, "flags": []}
    bad = await client.post(f"{API}/runs", json={"days": 2}, headers=hq)
    assert bad.status_code == 422
    quiet = await client.post(f"{API}/runs", json={"end": END.isoformat()}, headers=hq)
    assert quiet.json()["flags"] == 0
    ran = (await client.get(f"{API}/flags", headers=hq)).json()
    assert ran["flags"] == [] and datetime.fromisoformat(ran["period_end"]) == END
