"""The store desk through the staff view-models: a kiosk's help call reaches the store's Today list
(live over the WebSocket on a real server), is answered and resolved; another store's clerk never
sees it; beacons are paired from a simulated radio and verified; the day's appointments."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from apps.staff.viewmodels import BeaconsVM, TodayVM
from shared.devices.beacons import BeaconScanner, RadioSimulator, SimulatedBeacon
from shared.errors import NotFound, StoreForbidden
from shared.sdk import AsyncClient
from tests.apps.staff.staff_world import sdk_for, signed_in
from tests.factories import PASSWORD, create_staff, create_store

SHOP_UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"


async def kiosk_client(sdk: AsyncClient, app, store_id: int, manager: str) -> AsyncClient:  # type: ignore[no-untyped-def]
    await sdk.auth.staff_login(manager, PASSWORD)
    registered = await sdk.auth.register_device(store_id, "自助收银1", "kiosk")
    await sdk.auth.logout()
    kiosk = sdk_for(app)
    kiosk.auth.use_device_token(registered.token)
    return kiosk


async def test_a_kiosk_help_call_is_answered_and_resolved_by_the_stores_staff(app, sdk, session):
    a = await create_store(session, name_zh="人民广场店")
    b = await create_store(session, name_zh="陆家嘴店")
    manager = await create_staff(session, ["store_manager"], [a])
    clerk_a = await create_staff(session, ["clerk"], [a])
    clerk_b = await create_staff(session, ["clerk"], [b])
    await session.commit()
    kiosk = await kiosk_client(sdk, app, a.id, manager.username)
    async with kiosk:
        key = uuid.uuid4().hex
        call = await kiosk.stores.call_for_help(
            "age_check", context={"name_zh": "啤酒", "sku_id": 7}, client_id=key
        )
        again = await kiosk.stores.call_for_help("age_check", client_id=key)
        assert again.id == call.id and call.store_id == a.id and call.device_name == "自助收银1"
        with pytest.raises(StoreForbidden):
            await kiosk.stores.call_for_help("scan_trouble", store_id=b.id)

    await signed_in(sdk, clerk_a.username)
    today = TodayVM(sdk)
    today.at_store(a.id)
    assert await today.refresh()
    assert [(c.id, c.reason, c.status) for c in today.open_help] == [(call.id, "age_check", "open")]
    assert await today.answer(call.id)
    assert today.open_help[0].status == "answered" and today.open_help[0].answered_by == clerk_a.id
    assert await today.resolve(call.id)
    assert today.open_help == []

    async with sdk_for(app) as other:
        await signed_in(other, clerk_b.username)
        with pytest.raises(StoreForbidden):
            await other.stores.help_calls(a.id)
        with pytest.raises(NotFound):
            await other.stores.answer_help_call(call.id)


async def test_today_follows_help_calls_live_on_a_real_server(live_server, session):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    async with AsyncClient(live_server.url) as staff, AsyncClient(live_server.url) as setup:
        await setup.auth.staff_login(manager.username, PASSWORD)
        registered = await setup.auth.register_device(store.id, "自助收银2", "kiosk")
        await staff.auth.staff_login(clerk.username, PASSWORD)
        today = TodayVM(staff)
        today.at_store(store.id)
        heard = []
        today.on_help = heard.append
        assert await today.refresh() and today.open_help == []
        watching = asyncio.create_task(today.watch(live_server.url))
        async with AsyncClient(live_server.url) as kiosk:
            kiosk.auth.use_device_token(registered.token)
            for _ in range(100):
                if today.live:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            call = await kiosk.stores.call_for_help("payment_trouble", note="二维码扫不出")
        for _ in range(200):
            if heard:
                break
            await asyncio.sleep(0.05)
        watching.cancel()
        assert [c.id for c in heard] == [call.id] and heard[0].note == "二维码扫不出"
        assert [c.id for c in today.open_help] == [call.id]


async def test_beacons_heard_nearby_are_paired_and_verified(app, sdk, session):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    await signed_in(sdk, manager.username)
    radio = RadioSimulator(
        [
            SimulatedBeacon(SHOP_UUID, 100, 1, distances_m=(1.0,)),
            SimulatedBeacon(SHOP_UUID, 100, 2, distances_m=(12.0,)),
        ],
        noise_db=2.0,
    )
    vm = BeaconsVM(sdk, BeaconScanner(radio))
    vm.at_store(store.id)
    assert await vm.load() and vm.paired == []
    assert await vm.scan(0.0)
    assert [c.beacon.minor for c in vm.candidates] == [1, 2]  # type: ignore[union-attr]
    nearest = vm.candidates[0]
    assert nearest.distance_m is not None and nearest.distance_m < 3
    beacon = await vm.pair(nearest, "入口")
    assert beacon is not None and beacon.zone == "入口" and beacon.store_id == store.id
    assert vm.verified is not None and vm.verified.ok
    assert [p.id for p in vm.paired] == [beacon.id] and vm.is_paired(nearest)
    assert not vm.is_paired(vm.candidates[1])


async def test_without_bluetooth_the_beacon_screen_says_so(app, sdk, session):
    class NoAdapter:
        def __init__(self, detection_callback: object) -> None:
            raise OSError("No Bluetooth adapter found")

    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    await signed_in(sdk, manager.username)
    vm = BeaconsVM(sdk, BeaconScanner(NoAdapter))
    vm.at_store(store.id)
    assert not await vm.scan(0.0)
    assert vm.bluetooth is False and vm.error == "staff.error.no_bluetooth"
