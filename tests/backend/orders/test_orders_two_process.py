"""Two backend processes over real HTTP on one PostgreSQL database: checkout still never oversells."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from backend.inventory.service import stock as inventory
from tests.backend.orders.factories import pickup_body, put_stock, shopper, stock_row
from tests.factories import create_sku, create_store

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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "server exited")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


async def test_two_processes_share_50_units_among_150_buyers(app, client, session, settings, test_db):
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
        limit = asyncio.Semaphore(30)
        async with httpx.AsyncClient(timeout=60) as http:

            async def buy(i: int) -> int:
                async with limit:
                    headers = {**buyers[i % 3][1], "Idempotency-Key": f"two-proc-{i}-{uuid.uuid4().hex[:6]}"}
                    response = await http.post(f"{urls[i % 2]}/api/v1/orders", json=body, headers=headers)
                    return response.status_code

            codes = await asyncio.gather(*(buy(i) for i in range(150)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
    assert codes.count(201) == 50, {c: codes.count(c) for c in set(codes)}
    assert codes.count(409) == 100
    assert await stock_row(session, store, sku) == (50, 50)
    async with app.state.db.sessionmaker() as check:
        assert await inventory.check_ledger_invariant(check, store.id) == []
