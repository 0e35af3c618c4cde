"""Live-update delivery across backend processes, by event bus.

A backend process (uvicorn, PostgreSQL) serves WebSocket subscribers; this script writes events
through the product's own commit path (``emit`` in a session, the bus's commit hook) as a second
process would, and times each event from just before COMMIT to its arrival at every subscriber.
The baseline is the same run with ``OMO_EVENT_BUS=none`` (polling only).

    .venv/bin/python bench/realtime_bench.py [--events 200] [--subscribers 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import websockets
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.auth.models import StaffUser  # noqa: E402
from backend.core.db import Database, sync_url  # noqa: E402
from backend.core.events import emit  # noqa: E402
from backend.core.migrations import upgrade  # noqa: E402
from backend.core.security import hash_password  # noqa: E402
from backend.core.settings import Settings  # noqa: E402
from backend.realtime.bus import attach_commit_hook, make_bus  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "bench-secret-" + "x" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


async def start_backend(url: str, bus: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "OMO_DATABASE_URL": url, "OMO_SECRET_KEY": SECRET, "OMO_EVENT_BUS": bus}
    env.update({"OMO_REDIS_URL": REDIS_URL, "OMO_ENV": "bench", "OMO_JOBS_ENABLED": "false"})
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "backend.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    process = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(600):
            try:
                status = (await http.get("/api/v1/realtime/status")).json()
                if bus == "none" or status["bus"]["connected"]:
                    return process, base
            except (httpx.TransportError, ValueError, KeyError):
                pass
            await asyncio.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"backend with bus {bus} did not start")


async def run(url: str, bus: str, events: int, subscribers: int, token: str) -> dict[str, float]:
    process, base = await start_backend(url, bus)
    settings = Settings(database_url=url, event_bus=bus, redis_url=REDIS_URL, secret_key=SECRET)
    db = Database(url, pool_size=2)
    attach_commit_hook(db.engine, make_bus(settings))
    arrivals: dict[int, list[float]] = {}
    try:
        conns = []
        for _ in range(subscribers):
            conn = await websockets.connect(base.replace("http", "ws") + f"/api/v1/ws?token={token}")
            await conn.recv()
            await conn.send(json.dumps({"op": "subscribe", "topics": ["hq"]}))
            await conn.recv()
            conns.append(conn)

        async def listen(conn: websockets.ClientConnection) -> None:
            async for raw in conn:
                message = json.loads(raw)
                if message.get("op") == "event":
                    arrivals.setdefault(message["id"], []).append(time.perf_counter())

        listeners = [asyncio.create_task(listen(c)) for c in conns]
        written: dict[int, float] = {}
        for i in range(events):
            async with db.sessionmaker() as session:
                event = emit(session, "hq", "bench.tick", {"i": i})
                started = time.perf_counter()
                await session.commit()
                written[event.id] = started
            await asyncio.sleep(0.02)
        burst_started = time.perf_counter()
        burst_ids = []
        for i in range(events):
            async with db.sessionmaker() as session:
                event = emit(session, "hq", "bench.burst", {"i": i})
                await session.commit()
                burst_ids.append(event.id)
        deadline = time.monotonic() + 30
        wanted = list(written) + burst_ids
        while any(len(arrivals.get(i, ())) < subscribers for i in wanted) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        burst_done = max(max(arrivals.get(i, [0.0])) for i in burst_ids)
        latencies = sorted((arrival - written[i]) * 1000 for i in written for arrival in arrivals.get(i, []))
        lost = sum(subscribers - len(arrivals.get(i, ())) for i in wanted)
        for task in listeners:
            task.cancel()
        for conn in conns:
            await conn.close()
        return {
            "p50_ms": statistics.median(latencies),
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
            "max_ms": latencies[-1],
            "burst_deliveries_per_s": events * subscribers / (burst_done - burst_started),
            "lost": lost,
        }
    finally:
        await db.dispose()
        process.terminate()
        process.wait(timeout=20)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("OMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()

    name = f"omo_bench_{secrets.token_hex(3)}"
    admin = create_engine(sync_url(args.postgres), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.postgres.rpartition("/")[0] + "/" + name
    try:
        upgrade(url)
        engine = create_engine(sync_url(url))
        with engine.begin() as conn:
            conn.execute(
                StaffUser.__table__.insert().values(
                    username="bench",
                    name="压测",
                    password_hash=hash_password("bench-pass-1"),
                    roles=["hq_admin"],
                )
            )
        engine.dispose()
        buses = ["none", "postgres"] + (["redis"] if redis_up() else [])
        results = {}
        for bus in buses:
            process, base = await start_backend(url, "none")
            async with httpx.AsyncClient(base_url=base) as http:
                login = await http.post(
                    "/api/v1/auth/staff/login", json={"username": "bench", "password": "bench-pass-1"}
                )
                token = login.json()["access_token"]
            process.terminate()
            process.wait(timeout=20)
            results[bus] = await run(url, bus, args.events, args.subscribers, token)
        print(
            f"\n{args.events} events x {args.subscribers} WebSocket subscribers, written in another process"
        )
        print(f"{'bus':<10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'burst deliveries/s':>22}{'lost':>6}")
        for bus, r in results.items():
            print(
                f"{bus:<10}{r['p50_ms']:>10.1f}{r['p95_ms']:>10.1f}{r['max_ms']:>10.1f}"
                f"{r['burst_deliveries_per_s']:>22.0f}{r['lost']:>6}"
            )
        for bus in buses[1:]:
            ratio = results["none"]["p50_ms"] / results[bus]["p50_ms"]
            print(f"p50 latency, polling only / {bus} bus: {ratio:.1f}x")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
