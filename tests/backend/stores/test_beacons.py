from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from backend.auth.principal import Principal
from backend.core.events import Event
from backend.stores import beacons
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token

# Apple's AirLocate sample beacon.
AIRLOCATE = "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0"


async def test_staff_pair_verify_and_unpair_beacons(client, session):
    store, other = await create_store(session), await create_store(session)
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    headers = bearer(await staff_token(client, clerk))
    body = {
        "zone": "entrance",
        "uuid": AIRLOCATE,
        "major": 1,
        "minor": 2,
        "measured_power": -59,
        "label": "门口",
    }
    paired = await client.post(f"/api/v1/stores/{store.id}/beacons", json=body, headers=headers)
    assert paired.status_code == 201
    beacon = paired.json()
    assert beacon["identity"] == f"ibeacon:{AIRLOCATE.lower()}:1:2" and beacon["kind"] == "ibeacon"
    assert (
        await client.post(f"/api/v1/stores/{store.id}/beacons", json=body, headers=headers)
    ).status_code == 409
    elsewhere = {**body, "minor": 3}
    refused = await client.post(f"/api/v1/stores/{other.id}/beacons", json=elsewhere, headers=headers)
    assert refused.status_code == 403
    both = {**body, "minor": 4, "namespace": "edd1ebeac04e5defa017", "instance": "0123456789ab"}
    assert (
        await client.post(f"/api/v1/stores/{store.id}/beacons", json=both, headers=headers)
    ).status_code == 422
    eddystone = {"zone": "生鲜区", "namespace": "EDD1EBEAC04E5DEFA017", "instance": "0123456789AB"}
    paired_uid = await client.post(f"/api/v1/stores/{store.id}/beacons", json=eddystone, headers=headers)
    assert paired_uid.json()["identity"] == "eddystone:edd1ebeac04e5defa017:0123456789ab"

    url = f"/api/v1/stores/{store.id}/beacons/{beacon['id']}/verify"
    near = await client.post(url, json={"rssi": [-58, -61, -59, -60, -57]}, headers=headers)
    assert near.json()["ok"] and near.json()["distance_m"] < 1.5 and near.json()["beacon"]["verified_at"]
    far = await client.post(url, json={"rssi": [-88, -91, -90]}, headers=headers)
    assert not far.json()["ok"] and far.json()["distance_m"] > 5
    assert len((await client.get("/api/v1/beacons")).json()) == 2
    gone = await client.delete(f"/api/v1/stores/{store.id}/beacons/{beacon['id']}", headers=headers)
    assert gone.status_code == 204
    assert [b["zone"] for b in (await client.get("/api/v1/beacons")).json()] == ["生鲜区"]


async def test_arrival_needs_consent_and_welcomes_once_a_day(client, app, session):
    store = await create_store(session, name_zh="南京西路店")
    await session.commit()
    app.state.settings.arrival_quiet_start = app.state.settings.arrival_quiet_end = "00:00"
    token = bearer(await member_token(client, app, "13700001234"))
    url = f"/api/v1/stores/{store.id}/arrivals"
    assert (await client.post(url, json={"zone": "entrance"}, headers=token)).json()["reason"] == "no_consent"
    await client.patch("/api/v1/members/me", json={"marketing_consent": True, "name": "小王"}, headers=token)
    first = (await client.post(url, json={"zone": "entrance"}, headers=token)).json()
    assert first["pushed"] and "第一次来到南京西路店" in first["message_zh"]
    again = (await client.post(url, json={"zone": "entrance"}, headers=token)).json()
    assert again == {**again, "pushed": False, "reason": "already_today"}
    events = list(await session.scalars(select(Event).where(Event.type == "arrival.welcome")))
    assert len(events) == 1 and events[0].payload["store_id"] == store.id


async def test_arrival_rules_in_store_local_time(session, settings):
    store = await create_store(session)
    member = await create_member(session, marketing_consent=True)
    principal = Principal(kind="member", id=member.id)
    # 2026-11-22 15:30 UTC is 23:30 in Shanghai: quiet hours.
    late = await beacons.arrive(
        session, settings, principal, store.id, "entrance", datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
    )
    assert late.reason == "quiet_hours"
    # 02:00 UTC is 10:00 in Shanghai.
    morning = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert (await beacons.arrive(session, settings, principal, store.id, "entrance", morning)).pushed
    # The same local day is welcomed once; 09:00 local on the next day welcomes again.
    assert (
        await beacons.arrive(session, settings, principal, store.id, "entrance", morning)
    ).reason == "already_today"
    assert (
        await beacons.arrive(
            session, settings, principal, store.id, "entrance", datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
        )
    ).pushed


async def test_arrival_rewards_come_from_registered_domains(session, settings):
    store = await create_store(session)
    member = await create_member(session, marketing_consent=True)

    async def coupon(db_session, who, where):
        return {"coupon_template": "arrival-5off", "store_id": where.id, "member_id": who.id}

    beacons.register_arrival_reward(coupon)
    try:
        decision = await beacons.arrive(
            session,
            settings,
            Principal(kind="member", id=member.id),
            store.id,
            "entrance",
            datetime(2026, 11, 23, 4, 0, tzinfo=UTC),
        )
    finally:
        beacons.unregister_arrival_reward(coupon)
    assert decision.reward == {
        "coupon_template": "arrival-5off",
        "store_id": store.id,
        "member_id": member.id,
    }
