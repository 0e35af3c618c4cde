from __future__ import annotations

import asyncio
import subprocess
import sys

import httpx
import pytest

from shared import sdk
from shared.codes import public_key_from_b64, verify
from tests.factories import PASSWORD, create_staff, create_store


async def test_async_client_signs_in_and_finds_nearby_stores(app, session):
    near = await create_store(session, latitude=31.2304, longitude=121.4737, name_zh="人民广场店")
    await create_store(session, latitude=31.2397, longitude=121.4998, name_zh="陆家嘴店")
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as client:
        await client.auth.request_code("13700000001")
        await client.auth.verify_code("13700000001", app.state.sms.last_codes["13700000001"])
        me = await client.auth.me()
        assert me.kind == "member"
        stores = await client.stores.nearby(31.2305, 121.4736)
        assert stores[0].id == near.id and stores[0].distance_m < 50


async def test_async_client_raises_the_backends_error_classes(app, session):
    store = await create_store(session)
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as client:
        with pytest.raises(sdk.NotFound):
            await client.stores.get(store.id + 10_000)
        with pytest.raises(sdk.ValidationFailed) as info:
            await client.auth.request_code("123")
        assert info.value.detail[0]["loc"][-1] == "phone"
        with pytest.raises(sdk.Unauthorized) as denied:
            await client.auth.staff_login("nobody", "wrong")
        assert denied.value.code == "invalid_credentials"


async def test_async_client_refreshes_an_expired_access_token(app, session):
    staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as client:
        pair = await client.auth.staff_login(staff.username, PASSWORD)
        client.tokens.access_token = "expired.or.garbage"
        me = await client.auth.me()
        assert me.kind == "staff"
        assert client.tokens.refresh_token != pair.refresh_token


async def test_sync_client_over_real_http(live_server, session):
    store = await create_store(session, name_zh="南京西路店")
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()

    def work() -> None:
        with sdk.Client(live_server.url) as client:
            client.auth.staff_login(manager.username, PASSWORD)
            assert [s.id for s in client.stores.mine()] == [store.id]
            updated = client.stores.update(store.id, phone="021-5555")
            assert updated.phone == "021-5555"
            registered = client.auth.register_device(store.id, "自助收银1")
            key = public_key_from_b64(client.core.qr_public_key()["public_key"])
            assert key is not None
        with sdk.Client(live_server.url) as kiosk:
            kiosk.auth.use_device_token(registered.token)
            assert kiosk.auth.me().store_ids == [store.id]

    await asyncio.to_thread(work)


def test_sync_client_reports_an_unreachable_backend():
    with sdk.Client("http://127.0.0.1:9", timeout=2) as client, pytest.raises(sdk.NetworkError):
        client.stores.list()


def test_schemas_import_without_the_server_stack():
    """Client apps import the backend's schema modules: they must not pull in FastAPI or SQLAlchemy."""
    code = """
import importlib, pathlib, sys
mods = [".".join(p.with_suffix("").parts) for p in sorted(pathlib.Path("backend").rglob("schemas.py"))]
for name in mods:
    importlib.import_module(name)
import shared.sdk
bad = [m for m in ("fastapi", "sqlalchemy", "starlette") if m in sys.modules]
print(len(mods), bad)
sys.exit(1 if bad or not mods else 0)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_signed_codes_round_trip_and_refuse_forgery(tmp_path):
    from backend.core.security import qr_private_key
    from shared.codes import CodeError, sign

    key = qr_private_key(tmp_path)
    text = sign(key, "pickup", {"order": 42, "store": 7}, ttl_seconds=60)
    assert verify(key.public_key(), text, "pickup").data["order"] == 42
    head, _, sig = text.rpartition(".")
    with pytest.raises(CodeError, match="signature"):
        verify(key.public_key(), head.replace(head.split(".")[2], head.split(".")[2][:-2] + "AA") + "." + sig)
    with pytest.raises(CodeError, match="expired"):
        verify(key.public_key(), sign(key, "member", {"m": 1}, ttl_seconds=-1))
    with pytest.raises(CodeError, match="expected a member code"):
        verify(key.public_key(), text, "member")


async def test_sdk_beacon_pairing_and_arrival(app, session):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    app.state.settings.arrival_quiet_start = app.state.settings.arrival_quiet_end = "00:00"
    transport = httpx.ASGITransport(app=app)
    async with (
        sdk.AsyncClient(http=httpx.AsyncClient(transport=transport, base_url="http://t")) as staff,
        sdk.AsyncClient(http=httpx.AsyncClient(transport=transport, base_url="http://t")) as shopper,
    ):
        await staff.auth.staff_login(manager.username, PASSWORD)
        beacon = await staff.stores.pair_beacon(
            store.id,
            "entrance",
            uuid="E2C56DB5-DFFB-48D2-B060-D0F5A71096E0",
            major=7,
            minor=9,
            measured_power=-59,
        )
        checked = await staff.stores.verify_beacon(store.id, beacon.id, [-60, -59, -58])
        assert checked.ok and [b.id for b in await staff.stores.store_beacons(store.id)] == [beacon.id]
        assert [b.identity for b in await shopper.stores.beacons()] == [beacon.identity]
        await shopper.auth.request_code("13700000099")
        await shopper.auth.verify_code("13700000099", app.state.sms.last_codes["13700000099"])
        await shopper.members.update_me(marketing_consent=True)
        assert (await shopper.stores.arrive(store.id)).pushed
        await staff.stores.unpair_beacon(store.id, beacon.id)
        assert await shopper.stores.beacons() == []
