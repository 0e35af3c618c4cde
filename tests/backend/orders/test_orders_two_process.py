"""Two backend processes over real HTTP on one PostgreSQL database: checkout still never oversells."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from shared.sdk.realtime import subscribe
from tests.backend.orders.factories import pickup_body, put_stock, shopper, stock_row
from tests.backend.realtime.factories import wait_for_subscribers
from tests.factories import PASSWORD, create_sku, create_staff, create_store

ROOT = Path(__file__).resolve().parents[3]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(settings, port: int) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "OMO_ENV": "test",
        "OMO_DATABASE_URL": settings.database_url,
        "OMO_SECRET_KEY": settings.secret_key,
        "OMO_VAR_DIR": str(settings.var_dir),
        "OMO_DB_POOL_SIZE": "5",
        "OMO_EVENT_BUS": "postgres",
        "OMO_JOBS_ENABLED": "false",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "backend.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "server exited")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


async def test_two_processes_share_50_units_among_200_buyers(app, client, session, settings, test_db):
    if test_db.kind != "postgresql":
        pytest.skip("two backend processes share a PostgreSQL database")
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 50)
    await session.commit()
    buyers = [await shopper(client, app, session) for _ in range(3)]
    ports = [_port(), _port()]
    processes = [_start(settings, port) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            await asyncio.to_thread(_wait, url, process)
        body = pickup_body(store, [(sku, 1)])
        limits = httpx.Limits(max_connections=250, max_keepalive_connections=250)
        async with httpx.AsyncClient(timeout=120, limits=limits) as http:

            async def buy(i: int) -> int:
                headers = {**buyers[i % 3][1], "Idempotency-Key": f"two-proc-{i}-{uuid.uuid4().hex[:6]}"}
                response = await http.post(f"{urls[i % 2]}/api/v1/orders", json=body, headers=headers)
                # 503 means no database connection came free in time: retry with the same key.
                while response.status_code == 503:
                    await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
                    response = await http.post(f"{urls[i % 2]}/api/v1/orders", json=body, headers=headers)
                return response.status_code

            codes = await asyncio.gather(*(buy(i) for i in range(200)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
    assert codes.count(201) == 50, {c: codes.count(c) for c in set(codes)}
    assert codes.count(409) == 150
    assert await stock_row(session, store, sku) == (50, 50)
    async with app.state.db.sessionmaker() as check:
        assert await inventory.check_ledger_invariant(check, store.id) == []
        # Nobody pays: once the reservations lapse the sweeper gives every unit back.
        released = await inventory.release_expired(check, utcnow() + timedelta(hours=1))
        await check.commit()
        assert released == 50
        assert await inventory.check_ledger_invariant(check, store.id) == []
    assert await stock_row(session, store, sku) == (50, 0)


async def test_a_stock_change_from_an_order_on_one_process_reaches_staff_on_the_other(
    app, client, session, settings, test_db
):
    if test_db.kind != "postgresql":
        pytest.skip("two backend processes share a PostgreSQL database")
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    buyer = await shopper(client, app, session)
    ports = [_port(), _port()]
    processes = [_start(settings, port) for port in ports]
    try:
        url_a, url_b = (f"http://127.0.0.1:{port}" for port in ports)
        for url, process in zip((url_a, url_b), processes, strict=True):
            await asyncio.to_thread(_wait, url, process)
        async with httpx.AsyncClient(base_url=url_a, timeout=30) as http:
            login = await http.post(
                "/api/v1/auth/staff/login", json={"username": clerk.username, "password": PASSWORD}
            )
            token = login.json()["access_token"]
        received: asyncio.Queue = asyncio.Queue()

        async def follow() -> None:
            async for event in subscribe(url_a, token, [f"store:{store.id}:stock"]):
                await received.put((time.monotonic(), event))

        follower = asyncio.create_task(follow())
        await wait_for_subscribers(url_a, 1)
        async with httpx.AsyncClient(base_url=url_b, timeout=30) as http:
            started = time.monotonic()
            placed = await http.post(
                "/api/v1/orders",
                json=pickup_body(store, [(sku, 2)]),
                headers={**buyer[1], "Idempotency-Key": uuid.uuid4().hex},
            )
        assert placed.status_code == 201, placed.text
        arrived, event = await asyncio.wait_for(received.get(), 10)
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
    assert event.type == "stock.changed" and event.payload["sku_id"] == sku.id
    assert event.payload["available"] == 3
    # The bound: the staff screen on process A sees the change within a second.
    assert arrived - started < 1.0
