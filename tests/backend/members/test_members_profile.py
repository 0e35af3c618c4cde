from __future__ import annotations

from datetime import date

import httpx
import pytest

from backend.core.security import qr_private_key
from shared import sdk
from shared.codes import sign
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token


async def test_profile_update_records_consent_time(client, app):
    token = await member_token(client, app, "13600000001")
    response = await client.patch(
        "/api/v1/members/me",
        json={"name": "王小明", "birthday": "1990-05-17", "marketing_consent": True},
        headers=bearer(token),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "王小明" and body["birthday"] == "1990-05-17" and body["consent_at"] is not None
    again = await client.patch("/api/v1/members/me", json={"birthday": "1991-01-01"}, headers=bearer(token))
    assert again.status_code == 422 and again.json()["detail"]["birthday"] == "1990-05-17"
    bad = await client.patch("/api/v1/members/me", json={"language": "fr"}, headers=bearer(token))
    assert bad.status_code == 422


async def test_member_code_identifies_at_the_till_with_data_masked(client, app, session):
    store = await create_store(session)
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    member_tok = await member_token(client, app, "13600000002")
    await client.patch("/api/v1/members/me", json={"name": "李雷"}, headers=bearer(member_tok))
    code = (await client.get("/api/v1/members/me/code", headers=bearer(member_tok))).json()["code"]
    till = await staff_token(client, cashier)
    found = await client.post("/api/v1/members/identify", json={"code": code}, headers=bearer(till))
    assert found.status_code == 200
    assert found.json()["phone_masked"] == "136****0002" and found.json()["name_masked"] == "李*"
    # Shoppers cannot identify others.
    denied = await client.post("/api/v1/members/identify", json={"code": code}, headers=bearer(member_tok))
    assert denied.status_code == 403


async def test_expired_or_forged_member_codes_are_refused(client, app, session, settings):
    store = await create_store(session)
    cashier = await create_staff(session, ["cashier"], [store])
    member = await create_member(session)
    await session.commit()
    till = bearer(await staff_token(client, cashier))
    expired = sign(qr_private_key(settings.var_dir), "member", {"m": member.id}, ttl_seconds=-5)
    response = await client.post("/api/v1/members/identify", json={"code": expired}, headers=till)
    assert response.status_code == 400 and response.json()["detail"]["reason"] == "code has expired"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = sign(Ed25519PrivateKey.generate(), "member", {"m": member.id}, ttl_seconds=60)
    response = await client.post("/api/v1/members/identify", json={"code": forged}, headers=till)
    assert response.status_code == 400 and response.json()["detail"]["reason"] == "signature does not match"


async def test_staff_lookup_by_phone_is_masked(client, session):
    store = await create_store(session)
    clerk = await create_staff(session, ["clerk"], [store])
    member = await create_member(session, name="韩梅梅")
    await session.commit()
    token = await staff_token(client, clerk)
    found = await client.get("/api/v1/members/lookup", params={"phone": member.phone}, headers=bearer(token))
    assert found.json()["name_masked"] == "韩**" and "****" in found.json()["phone_masked"]
    missing = await client.get(
        "/api/v1/members/lookup", params={"phone": "13000000000"}, headers=bearer(token)
    )
    assert missing.status_code == 404


async def test_account_deletion_erases_data_and_ends_sign_ins(client, app):
    token = await member_token(client, app, "13600000003")
    await client.patch(
        "/api/v1/members/me", json={"name": "删除我", "birthday": "1988-08-08"}, headers=bearer(token)
    )
    assert (await client.delete("/api/v1/members/me", headers=bearer(token))).status_code == 204
    assert (await client.get("/api/v1/members/me", headers=bearer(token))).status_code == 401
    # The phone can register afresh as a new member.
    new_token = await member_token(client, app, "13600000003")
    profile = (await client.get("/api/v1/members/me", headers=bearer(new_token))).json()
    assert profile["name"] is None and profile["birthday"] is None


async def test_sdk_members(app, session):
    store = await create_store(session)
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    transport = httpx.ASGITransport(app=app)
    async with (
        sdk.AsyncClient(http=httpx.AsyncClient(transport=transport, base_url="http://t")) as shopper,
        sdk.AsyncClient(http=httpx.AsyncClient(transport=transport, base_url="http://t")) as till,
    ):
        await shopper.auth.request_code("13600000004")
        await shopper.auth.verify_code("13600000004", app.state.sms.last_codes["13600000004"])
        me = await shopper.members.update_me(name="张三", birthday=date(1995, 3, 3).isoformat())
        assert me.name == "张三"
        await shopper.members.set_password("a-good-password")
        assert (await shopper.members.me()).has_password
        code = (await shopper.members.my_code()).code
        await till.auth.staff_login(cashier.username, "correct-horse-9")
        assert (await till.members.identify(code)).id == me.id
        with pytest.raises(sdk.NotFound):
            await till.members.lookup("13000000009")
        entries = await till.members.top_up_at_till(me.id, 5000, "cash", store.id, key="sdk-topup-1")
        again = await till.members.top_up_at_till(me.id, 5000, "cash", store.id, key="sdk-topup-1")
        assert [e.id for e in entries] == [e.id for e in again]
        wallet = await shopper.members.wallet()
        assert wallet.stored_value == 5000 and wallet.tier is None
        assert [e.kind for e in await shopper.members.stored_value_history()] == ["topup"]
        assert await shopper.members.points_history() == []
