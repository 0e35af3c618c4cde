"""Live-update delivery across backend processes, by event bus.

Several backend processes (uvicorn, PostgreSQL) share the WebSocket subscribers of one store's stock
topic; this script changes stock through the product's own path (``stock.receive`` in a session, the
bus's commit hook) as another process would, and times each change from just before COMMIT to its
arrival at every subscriber, and to the last of them. The baseline is the same run with
``OMO_EVENT_BUS=none`` (each process polls the outbox).

    .venv/bin/python bench/realtime_bench.py [--events 100] [--subscribers 1000] [--backends 2]
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
from backend.core.migrations import upgrade  # noqa: E402
from backend.core.security import hash_password  # noqa: E402
from backend.core.settings import Settings  # noqa: E402
from backend.inventory.service import stock  # noqa: E402
from backend.realtime.bus import attach_commit_hook, make_bus  # noqa: E402
from bench.checkout_bench import seed_catalog  # noqa: E402

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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)]


async def run(
    url: str, bus: str, events: int, subscribers: int, backends: int, token: str
) -> dict[str, float]:
    started = [await start_backend(url, bus) for _ in range(backends)]
    settings = Settings(database_url=url, event_bus=bus, redis_url=REDIS_URL, secret_key=SECRET)
    db = Database(url, pool_size=2)
    attach_commit_hook(db.engine, make_bus(settings))
    # Each change adds one unit, so a message is known by the on-hand figure it carries.
    arrivals: dict[int, list[float]] = {}
    try:
        conns = []
        for n in range(subscribers):
            base = started[n % backends][1]
            conn = await websockets.connect(
                base.replace("http", "ws") + f"/api/v1/ws?token={token}", max_queue=None
            )
            await conn.recv()
            await conn.send(json.dumps({"op": "subscribe", "topics": ["store:1:stock"]}))
            await conn.recv()
            conns.append(conn)

        async def listen(conn: websockets.ClientConnection) -> None:
            async for raw in conn:
                at = time.perf_counter()
                message = json.loads(raw)
                if message.get("op") == "event":
                    arrivals.setdefault(message["payload"]["on_hand"], []).append(at)

        async def change(i: int) -> tuple[int, float]:
            async with db.sessionmaker() as session:
                await stock.receive(session, 1, 1, 1, ref_type="bench", ref_id=f"{bus}-{i}")
                query = text("SELECT on_hand FROM stock WHERE store_id = 1 AND sku_id = 1")
                on_hand = (await session.execute(query)).scalar_one()
                at = time.perf_counter()
                await session.commit()
            return on_hand, at

        listeners = [asyncio.create_task(listen(c)) for c in conns]
        written: dict[int, float] = {}
        for i in range(events):
            on_hand, at = await change(i)
            written[on_hand] = at
            await asyncio.sleep(0.05)
        burst_started = time.perf_counter()
        burst = [(await change(events + i))[0] for i in range(events)]
        deadline = time.monotonic() + 60
        wanted = list(written) + burst
        while any(len(arrivals.get(i, ())) < subscribers for i in wanted) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        burst_done = max(max(arrivals.get(i, [0.0])) for i in burst)
        each = [(arrival - written[i]) * 1000 for i in written for arrival in arrivals.get(i, [])]
        last = [(max(arrivals[i]) - written[i]) * 1000 for i in written if arrivals.get(i)]
        lost = sum(subscribers - len(arrivals.get(i, ())) for i in wanted)
        for task in listeners:
            task.cancel()
        for conn in conns:
            await conn.close()
        return {
            "p50_ms": statistics.median(each),
            "p99_ms": percentile(each, 0.99),
            "last_p50_ms": statistics.median(last),
            "last_p99_ms": percentile(last, 0.99),
            "burst_deliveries_per_s": events * subscribers / (burst_done - burst_started),
            "lost": lost,
        }
    finally:
        await db.dispose()
        for process, _ in started:
            process.terminate()
            process.wait(timeout=20)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--backends", type=int, default=2)
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
        seed_catalog(url, 1, 1)
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
            results[bus] = await run(url, bus, args.events, args.subscribers, args.backends, token)
        print(
            f"\n{args.events} stock changes (+ a burst of {args.events}) x {args.subscribers} WebSocket"
            f" subscribers over {args.backends} backend processes, changed from another process"
        )
        print(
            f"{'bus':<10}{'p50 ms':>9}{'p99 ms':>9}{'last p50':>10}{'last p99':>10}"
            f"{'burst deliveries/s':>20}{'lost':>6}"
        )
        for bus, r in results.items():
            print(
                f"{bus:<10}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['last_p50_ms']:>10.1f}{r['last_p99_ms']:>10.1f}"
                f"{r['burst_deliveries_per_s']:>20.0f}{r['lost']:>6}"
            )
        print("(last: from COMMIT to the last subscriber's receipt)")
        for bus in buses[1:]:
            ratio = results["none"]["p50_ms"] / results[bus]["p50_ms"]
            print(f"p50 latency, polling only / {bus} bus: {ratio:.1f}x")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
