from __future__ import annotations

from sqlalchemy import select

from backend.auth.models import LoginThrottle
from tests.factories import (
    PASSWORD,
    bearer,
    create_member,
    create_staff,
    create_store,
    member_token,
    staff_token,
)


async def test_code_login_registers_then_signs_in(client, app):
    await client.post("/api/v1/auth/otp/request", json={"phone": "13800138000"})
    code = app.state.sms.last_codes["13800138000"]
    first = await client.post("/api/v1/auth/otp/verify", json={"phone": "13800138000", "code": code})
    assert first.status_code == 200
    assert first.json()["created"] is True
    me = await client.get("/api/v1/auth/me", headers=bearer(first.json()["access_token"]))
    assert me.json()["kind"] == "member"
    assert me.json()["phone_masked"] == "138****8000"


async def test_code_is_single_use_and_wrong_code_refused(client, app):
    await client.post("/api/v1/auth/otp/request", json={"phone": "13800138001"})
    code = app.state.sms.last_codes["13800138001"]
    wrong = "000000" if code != "000000" else "111111"
    bad = await client.post("/api/v1/auth/otp/verify", json={"phone": "13800138001", "code": wrong})
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_credentials"
    ok = await client.post("/api/v1/auth/otp/verify", json={"phone": "13800138001", "code": code})
    assert ok.status_code == 200
    again = await client.post("/api/v1/auth/otp/verify", json={"phone": "13800138001", "code": code})
    assert again.status_code == 401 and again.json()["error"] == "code_expired"


async def test_code_resend_is_rate_limited(client):
    assert (await client.post("/api/v1/auth/otp/request", json={"phone": "13800138002"})).status_code == 202
    again = await client.post("/api/v1/auth/otp/request", json={"phone": "13800138002"})
    assert again.status_code == 429 and again.json()["error"] == "rate_limited"


async def test_bad_phone_is_422_with_field_reason(client):
    response = await client.post("/api/v1/auth/otp/request", json={"phone": "12345"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["detail"][0]["loc"][-1] == "phone"


async def test_refresh_rotates_and_reuse_revokes_the_sign_in(client, app):
    token = await member_token(client, app, "13800138003")
    assert token
    await client.post("/api/v1/auth/otp/request", json={"phone": "13800138004"})
    pair = (
        await client.post(
            "/api/v1/auth/otp/verify",
            json={"phone": "13800138004", "code": app.state.sms.last_codes["13800138004"]},
        )
    ).json()
    rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert rotated.status_code == 200
    new_pair = rotated.json()
    assert new_pair["refresh_token"] != pair["refresh_token"]
    # Presenting the spent token again is treated as theft: the whole sign-in is revoked.
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert replay.status_code == 401
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": new_pair["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_access_token(client, app):
    token = await member_token(client, app, "13800138005")
    assert (await client.get("/api/v1/auth/me", headers=bearer(token))).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    response = await client.get("/api/v1/auth/me", headers=bearer(token))
    assert response.status_code == 401 and response.json()["error"] == "token_invalid"


async def test_garbage_and_missing_tokens(client):
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    response = await client.get("/api/v1/auth/me", headers=bearer("not.a.jwt"))
    assert response.status_code == 401 and response.json()["error"] == "token_invalid"


async def test_member_password_login(client, session):
    member = await create_member(session, password="s3cret-pass")
    await session.commit()
    ok = await client.post("/api/v1/auth/login", json={"phone": member.phone, "password": "s3cret-pass"})
    assert ok.status_code == 200
    bad = await client.post("/api/v1/auth/login", json={"phone": member.phone, "password": "nope"})
    assert bad.status_code == 401


async def test_staff_login_carries_roles_and_stores(client, session):
    store = await create_store(session)
    staff = await create_staff(session, ["cashier"], [store])
    await session.commit()
    token = await staff_token(client, staff)
    me = (await client.get("/api/v1/auth/me", headers=bearer(token))).json()
    assert me["roles"] == ["cashier"] and me["store_ids"] == [store.id]


async def test_brute_force_locks_the_account(client, session, settings):
    staff = await create_staff(session, ["clerk"])
    await session.commit()
    for _ in range(settings.login_max_failures):
        bad = await client.post(
            "/api/v1/auth/staff/login", json={"username": staff.username, "password": "x"}
        )
        assert bad.status_code == 401
    locked = await client.post(
        "/api/v1/auth/staff/login", json={"username": staff.username, "password": PASSWORD}
    )
    assert locked.status_code == 429 and locked.json()["error"] == "account_locked"
    throttle = await session.scalar(
        select(LoginThrottle).where(LoginThrottle.key == f"staff:{staff.username}")
    )
    assert throttle is not None and throttle.locked_until is not None


async def test_staff_of_store_a_cannot_act_for_store_b(client, session):
    store_a, store_b = await create_store(session), await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store_a])
    await session.commit()
    token = await staff_token(client, manager)
    ok = await client.patch(f"/api/v1/stores/{store_a.id}", json={"phone": "021-1234"}, headers=bearer(token))
    assert ok.status_code == 200
    denied = await client.patch(
        f"/api/v1/stores/{store_b.id}", json={"phone": "021-1234"}, headers=bearer(token)
    )
    assert denied.status_code == 403 and denied.json()["error"] == "store_forbidden"


async def test_device_registration_binds_kiosk_to_one_store(client, session):
    store_a, store_b = await create_store(session), await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store_a])
    await session.commit()
    token = await staff_token(client, manager)
    refused = await client.post(
        "/api/v1/auth/devices", json={"store_id": store_b.id, "name": "自助机1"}, headers=bearer(token)
    )
    assert refused.status_code == 403
    created = await client.post(
        "/api/v1/auth/devices", json={"store_id": store_a.id, "name": "自助机1"}, headers=bearer(token)
    )
    assert created.status_code == 201
    device_token = created.json()["token"]
    me = (await client.get("/api/v1/auth/me", headers=bearer(device_token))).json()
    assert me["kind"] == "device" and me["store_ids"] == [store_a.id]
    device_id = created.json()["device"]["id"]
    assert (
        await client.delete(f"/api/v1/auth/devices/{device_id}", headers=bearer(token))
    ).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=bearer(device_token))).status_code == 401


async def test_franchisee_sees_only_their_merchant_stores(client, session):
    from tests.factories import create_merchant

    mine, theirs = await create_merchant(session), await create_merchant(session)
    own_store = await create_store(session, merchant_id=mine.id)
    other_store = await create_store(session, merchant_id=theirs.id)
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    token = await staff_token(client, admin)
    me = (await client.get("/api/v1/auth/me", headers=bearer(token))).json()
    assert me["store_ids"] == [own_store.id]
    assert other_store.id not in me["store_ids"]


async def test_manager_creates_clerk_for_own_store_only(client, session):
    store_a, store_b = await create_store(session), await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store_a])
    await session.commit()
    token = await staff_token(client, manager)
    body = {"username": "new.clerk", "name": "新店员", "password": "long-enough-1", "roles": ["clerk"]}
    ok = await client.post(
        "/api/v1/auth/staff", json={**body, "store_ids": [store_a.id]}, headers=bearer(token)
    )
    assert ok.status_code == 201 and ok.json()["store_ids"] == [store_a.id]
    other = {**body, "username": "other.clerk", "store_ids": [store_b.id]}
    assert (await client.post("/api/v1/auth/staff", json=other, headers=bearer(token))).status_code == 403
    hq_role = {**body, "username": "sneaky", "roles": ["hq_admin"], "store_ids": [store_a.id]}
    assert (await client.post("/api/v1/auth/staff", json=hq_role, headers=bearer(token))).status_code == 403


async def test_sign_in_attempts_are_limited_per_ip(client, settings, app):
    app.state.settings.login_ip_limit_per_minute = 3
    codes = []
    for i in range(5):
        response = await client.post(
            "/api/v1/auth/staff/login", json={"username": f"ghost{i}", "password": "x"}
        )
        codes.append(response.status_code)
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
    assert response.json()["detail"]["rule"] == "sign_in"
