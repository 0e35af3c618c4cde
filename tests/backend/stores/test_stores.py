from __future__ import annotations

from datetime import UTC, datetime

from backend.inventory.models import Stock
from backend.stores.service import delivery_fee, is_open
from tests.factories import (
    HOURS_ALL_WEEK,
    bearer,
    create_region,
    create_sku,
    create_staff,
    create_store,
    staff_token,
)

# Real places in Shanghai.
PEOPLES_SQUARE = (31.2304, 121.4737)
LUJIAZUI = (31.2397, 121.4998)
XUJIAHUI = (31.1955, 121.4378)
HONGQIAO_T2 = (31.1944, 121.3270)


async def test_nearby_orders_by_distance_with_available_stock(client, session):
    region = await create_region(session)
    square = await create_store(session, region, latitude=PEOPLES_SQUARE[0], longitude=PEOPLES_SQUARE[1])
    lujiazui = await create_store(session, region, latitude=LUJIAZUI[0], longitude=LUJIAZUI[1])
    hongqiao = await create_store(session, region, latitude=HONGQIAO_T2[0], longitude=HONGQIAO_T2[1])
    milk = await create_sku(session)
    session.add_all(
        [
            Stock(store_id=square.id, sku_id=milk.id, on_hand=5, reserved=5),
            Stock(store_id=lujiazui.id, sku_id=milk.id, on_hand=12, reserved=2),
        ]
    )
    await session.commit()

    response = await client.get(
        "/api/v1/stores/nearby", params={"lat": XUJIAHUI[0], "lng": XUJIAHUI[1], "sku_ids": [milk.id]}
    )
    assert response.status_code == 200
    stores = response.json()
    assert [s["id"] for s in stores] == [square.id, lujiazui.id, hongqiao.id]
    # 徐家汇 → 人民广场 is about 5 km as the crow flies.
    assert 4_500 < stores[0]["distance_m"] < 5_500
    assert [s["available"][str(milk.id)] for s in stores] == [0, 10, 0]

    in_stock = await client.get(
        "/api/v1/stores/nearby",
        params={"lat": XUJIAHUI[0], "lng": XUJIAHUI[1], "sku_ids": [milk.id], "in_stock_only": True},
    )
    assert [s["id"] for s in in_stock.json()] == [lujiazui.id]

    close = await client.get(
        "/api/v1/stores/nearby", params={"lat": PEOPLES_SQUARE[0], "lng": PEOPLES_SQUARE[1], "radius_m": 3000}
    )
    assert [s["id"] for s in close.json()] == [square.id, lujiazui.id]


async def test_nearby_skips_closed_stores_and_warehouses(client, session):
    open_store = await create_store(session)
    await create_store(session, status="closed")
    await create_store(session, kind="warehouse")
    await session.commit()
    response = await client.get("/api/v1/stores/nearby", params={"lat": 31.23, "lng": 121.47})
    assert [s["id"] for s in response.json()] == [open_store.id]


async def test_nearby_rejects_bad_coordinates(client):
    response = await client.get("/api/v1/stores/nearby", params={"lat": 95, "lng": 121})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "lat"
    missing = await client.get("/api/v1/stores/nearby", params={"lat": 31})
    assert missing.status_code == 422


async def test_hq_creates_store_and_others_cannot(client, session):
    region = await create_region(session)
    hq = await create_staff(session, ["hq_admin"])
    clerk = await create_staff(session, ["clerk"], [await create_store(session, region)])
    await session.commit()
    body = {
        "code": "SH-NJW",
        "name_zh": "南京西路店",
        "name_en": "West Nanjing Rd",
        "region_id": region.id,
        "city": "上海",
        "city_tier": 1,
        "address": "上海市静安区南京西路1266号",
        "latitude": 31.2294,
        "longitude": 121.4537,
        "opening_hours": HOURS_ALL_WEEK,
    }
    denied = await client.post("/api/v1/stores", json=body, headers=bearer(await staff_token(client, clerk)))
    assert denied.status_code == 403
    hq_token = await staff_token(client, hq)
    created = await client.post("/api/v1/stores", json=body, headers=bearer(hq_token))
    assert created.status_code == 201 and created.json()["code"] == "SH-NJW"
    duplicate = await client.post("/api/v1/stores", json=body, headers=bearer(hq_token))
    assert duplicate.status_code == 409
    bad_hours = {**body, "code": "SH-X", "opening_hours": {"mon": ["22:00", "08:00"]}}
    refused = await client.post("/api/v1/stores", json=bad_hours, headers=bearer(hq_token))
    assert refused.status_code == 422 and "open before close" in refused.text


async def test_store_update_is_audited(client, session):
    from sqlalchemy import select

    from backend.core.audit import AuditEntry

    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    token = await staff_token(client, manager)
    response = await client.patch(
        f"/api/v1/stores/{store.id}", json={"delivery_radius_m": 3000}, headers=bearer(token)
    )
    assert response.status_code == 200 and response.json()["delivery_radius_m"] == 3000
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.entity == "store"))
    assert entry.before == {"delivery_radius_m": 5000} and entry.after == {"delivery_radius_m": 3000}
    assert entry.actor_kind == "staff" and entry.actor_id == manager.id
    empty = await client.patch(f"/api/v1/stores/{store.id}", json={}, headers=bearer(token))
    assert empty.status_code == 422


async def test_opening_hours_in_local_time(session):
    store = await create_store(session, opening_hours={"mon": ["08:00", "22:00"]})
    # Monday 2026-11-23 07:30 in Shanghai is Sunday 23:30 UTC.
    assert not is_open(store, datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    assert is_open(store, datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    assert not is_open(store, datetime(2026, 11, 23, 14, 30, tzinfo=UTC))


async def test_delivery_fee_by_distance(session):
    store = await create_store(
        session, delivery_radius_m=5000, delivery_base_fee=500, delivery_fee_per_km=100
    )
    assert delivery_fee(store, 800) == 500
    assert delivery_fee(store, 2300) == 700
    assert delivery_fee(store, 5000) == 900
    assert delivery_fee(store, 5001) is None
