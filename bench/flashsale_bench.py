"""Flash-sale stampede: thousands of buyers over HTTP on one hot SKU with a pool of N units.

A real backend (uvicorn, PostgreSQL) serves ``POST /campaigns/flash-items/{id}/buy``; every buyer is
a different signed-in member and fires once, all at the same moment. Reported: successful claims per
second (claims / wall time of the stampede), p50/p99 latency of every request, and oversold units
(claims beyond the pool, or a pool count that disagrees with the claims: must be 0).

Baseline in the same run: the bare single-row conditional update
``UPDATE ... SET reserved = reserved + 1 WHERE id = :id AND on_hand - reserved >= 1`` issued straight
at PostgreSQL (autocommit) by the same number of buyers, through as many connections as the server
allows the benchmark (buyers queue for a connection), on a row with the same N units.

    .venv/bin/python -m bench.flashsale_bench [--buyers 3000] [--pool 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import h11  # noqa: E402
import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from backend.auth.models import AuthSession  # noqa: E402
from backend.auth.principal import Principal  # noqa: E402
from backend.campaigns import flashsale  # noqa: E402
from backend.campaigns.models import FlashClaim, FlashItem  # noqa: E402
from backend.campaigns.schemas import FlashItemCreate, FlashSlotCreate  # noqa: E402
from backend.catalog.models import Category, Product, Sku  # noqa: E402
from backend.core.db import Database, sync_url  # noqa: E402
from backend.core.events import Event  # noqa: E402
from backend.core.migrations import upgrade  # noqa: E402
from backend.core.security import encode_access_token  # noqa: E402
from backend.core.time import utcnow  # noqa: E402
from backend.inventory.service import stock  # noqa: E402
from backend.members.models import Member  # noqa: E402
from backend.stores.models import Region, Store  # noqa: E402

SECRET = "bench-secret-" + "x" * 32
# The first body of each unexpected status, shown under the table.
UNEXPECTED: dict[int, str] = {}
HOURS = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def seed(url: str, buyers: int, pool: int) -> tuple[int, list[str]]:
    """A store, a SKU with stock, a running slot with one item of ``pool`` units, and signed-in buyers."""
    db = Database(url, pool_size=2)
    hq = Principal(kind="staff", id=1, roles=frozenset({"hq_admin"}), store_ids=None)
    async with db.sessionmaker() as session:
        region = Region(code="R1", name_zh="华东", name_en="East")
        session.add(region)
        await session.flush()
        store = Store(
            code="S0001",
            name_zh="压测门店",
            name_en="Bench store",
            region_id=region.id,
            city="上海",
            city_tier=1,
            address="上海市黄浦区",
            latitude=31.23,
            longitude=121.47,
            opening_hours=HOURS,
        )
        category = Category(code="C1", name_zh="饮料", name_en="Drinks")
        session.add_all([store, category])
        await session.flush()
        product = Product(
            code="P1",
            category_id=category.id,
            name_zh="秒杀饮料",
            name_en="Hot drink",
            status="on_sale",
            attributes={},
            spec_names=[],
        )
        session.add(product)
        await session.flush()
        sku = Sku(code="SKU1", product_id=product.id, base_price=1000, cost_price=600, specs={})
        session.add(sku)
        await session.flush()
        await stock.receive(session, store.id, sku.id, pool + 100, ref_type="bench", ref_id="seed")
        now = utcnow()
        body = FlashSlotCreate(
            name_zh="压测场",
            name_en="Bench slot",
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=1),
            items=[
                FlashItemCreate(store_id=store.id, sku_id=sku.id, price=100, pool=pool, per_member_limit=1)
            ],
        )
        _, items = await flashsale.create_slot(session, hq, body)
        item_id = items[0].id
        await session.execute(
            insert(Member), [{"phone": f"13{i:09d}", "name": f"买家{i}"} for i in range(buyers)]
        )
        member_ids = list(await session.scalars(select(Member.id).order_by(Member.id)))
        sids = [secrets.token_hex(16) for _ in member_ids]
        await session.execute(
            insert(AuthSession),
            [
                {"id": s, "subject_kind": "member", "subject_id": m}
                for s, m in zip(sids, member_ids, strict=True)
            ],
        )
        await session.commit()
    await db.dispose()
    tokens = [
        encode_access_token(
            SECRET, {"sub": f"member:{m}", "sid": s, "roles": [], "stores": None, "mid": None}, 120
        )
        for s, m in zip(sids, member_ids, strict=True)
    ]
    return item_id, tokens


def start_backend(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "OMO_DATABASE_URL": url,
        "OMO_SECRET_KEY": SECRET,
        "OMO_ENV": "bench",
        "OMO_JOBS_ENABLED": "false",
        "OMO_EVENT_BUS": "none",
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
    ]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    command += ["--backlog", "4096", "--timeout-keep-alive", "120"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/api/v1/campaigns/flash-sales", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError("backend did not start")


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: list[Any]) -> int:
    """Send one HTTP/1.1 request (h11 events) on an open connection; the response's status code."""
    conn = h11.Connection(h11.CLIENT)
    writer.write(b"".join(conn.send(event) or b"" for event in request))
    await writer.drain()
    status = 0
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError:
            return 0  # the server dropped the connection without an answer
        if event is h11.NEED_DATA:
            conn.receive_data(await reader.read(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data) and status not in (201, 409) and status not in UNEXPECTED:
            UNEXPECTED[status] = bytes(event.data)[:300].decode(errors="replace")
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            return status


async def stampede(base: str, item_id: int, tokens: list[str]) -> dict[str, Any]:
    """Every buyer opens its connection first (the shopper's app has the page open), then all fire
    at once; the client is asyncio streams with h11, so that it costs little beside the server."""
    host, port = base.removeprefix("http://").split(":")
    path = f"/api/v1/campaigns/flash-items/{item_id}/buy?quantity=1"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    gate = asyncio.Event()
    opening = asyncio.Semaphore(100)
    opened = 0

    async def buyer(token: str) -> None:
        nonlocal opened
        headers = [
            ("Host", host),
            ("Authorization", f"Bearer {token}"),
            ("Content-Length", "0"),
        ]
        request = [h11.Request(method="POST", target=path, headers=headers), h11.EndOfMessage()]
        async with opening:
            reader, writer = await asyncio.open_connection(host, int(port))
        opened += 1
        await gate.wait()
        started = time.perf_counter()
        status = await _exchange(reader, writer, request)
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    tasks = [asyncio.create_task(buyer(t)) for t in tokens]
    while opened < len(tokens):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "statuses": statuses}


async def bare_update(url: str, buyers: int, pool: int, connections: int) -> dict[str, Any]:
    """The baseline: each buyer issues the single-row conditional update on its own (autocommit)."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("DROP TABLE IF EXISTS bench_stock")
        await conn.execute(
            "CREATE TABLE bench_stock (id int PRIMARY KEY, on_hand int NOT NULL, reserved int NOT NULL)"
        )
        await conn.execute("INSERT INTO bench_stock VALUES (1, %s, 0)", (pool,))
    conns: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for _ in range(connections):
        conns.put_nowait(await psycopg.AsyncConnection.connect(dsn, autocommit=True))
    latencies: list[float] = []
    won = 0
    gate = asyncio.Event()

    async def buyer() -> None:
        nonlocal won
        await gate.wait()
        started = time.perf_counter()
        conn = await conns.get()
        try:
            cursor = await conn.execute(
                "UPDATE bench_stock SET reserved = reserved + 1 WHERE id = 1 AND on_hand - reserved >= 1"
            )
            won += cursor.rowcount
        finally:
            conns.put_nowait(conn)
        latencies.append((time.perf_counter() - started) * 1000)

    tasks = [asyncio.create_task(buyer()) for _ in range(buyers)]
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    while not conns.empty():
        await conns.get_nowait().close()
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        reserved = (await (await conn.execute("SELECT reserved FROM bench_stock")).fetchone())[0]  # type: ignore[index]
    return {"elapsed": elapsed, "latencies": latencies, "won": won, "oversold": max(0, reserved - pool)}


async def run(
    url: str, buyers: int, pool: int, workers: int, connections: int, profile: str | None = None
) -> list[dict[str, Any]]:
    item_id, tokens = await seed(url, buyers, pool)
    process, base = start_backend(url, workers)
    try:
        # Warm each worker's item cache and connection pool with a few requests from a non-buyer.
        async with httpx.AsyncClient(base_url=base) as http:
            for _ in range(4 * workers):
                await http.get("/api/v1/campaigns/flash-sales")
        profiler = None
        if profile:
            profiler = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    "record",
                    "--pid",
                    str(process.pid),
                    "--subprocesses",
                    "--format",
                    "raw",
                ]
                + ["--rate", "200", "--nonblocking", "-o", profile],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
        api = await stampede(base, item_id, tokens)
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=60)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        claimed = conn.scalar(
            select(func.coalesce(func.sum(FlashClaim.quantity), 0)).where(FlashClaim.item_id == item_id)
        )
        claims = conn.scalar(
            select(func.count()).select_from(FlashClaim).where(FlashClaim.item_id == item_id)
        )
        sold = conn.scalar(select(FlashItem.sold).where(FlashItem.id == item_id))
        commits = conn.scalar(
            select(func.count()).select_from(Event).where(Event.topic == f"flash_sale:{item_id}")
        )
        members = conn.scalar(
            select(func.count(func.distinct(FlashClaim.member_id))).where(FlashClaim.item_id == item_id)
        )
    engine.dispose()
    won = api["statuses"].get(201, 0)
    api_row = {
        "path": f"API, {commits} grouped commits",
        "buyers": buyers,
        "won": won,
        "per_s": won / api["elapsed"],
        "p50": statistics.median(api["latencies"]),
        "p99": percentile(api["latencies"], 0.99),
        "oversold": max(0, claimed - pool) + abs(sold - claimed) + (claims - members) + abs(won - claims),
        "other": {k: v for k, v in api["statuses"].items() if k not in (201, 409)},
    }
    bare = await bare_update(url, buyers, pool, connections)
    bare_row = {
        "path": f"bare UPDATE ({connections} conns)",
        "buyers": buyers,
        "won": bare["won"],
        "per_s": bare["won"] / bare["elapsed"],
        "p50": statistics.median(bare["latencies"]),
        "p99": percentile(bare["latencies"], 0.99),
        "oversold": bare["oversold"],
        "other": {},
    }
    return [api_row, bare_row]


def main() -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--buyers", type=int, default=3000)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64, help="baseline connections to PostgreSQL")
    parser.add_argument("--profile", help="write py-spy raw stacks of the backend during the stampede here")
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
        rows = asyncio.run(run(url, args.buyers, args.pool, args.workers, args.connections, args.profile))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"\n{args.buyers} buyers at once on one SKU, pool {args.pool}; backend: uvicorn x{args.workers}")
    print(f"{'path':<30}{'won':>7}{'won/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'oversold':>10}")
    for r in rows:
        print(
            f"{r['path']:<30}{r['won']:>7}{r['per_s']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['oversold']:>10}"
        )
        if r["other"]:
            print(f"  unexpected statuses: {r['other']} {UNEXPECTED}")
    print(
        f"successful orders/s, API / bare UPDATE: {rows[0]['per_s'] / rows[1]['per_s']:.2f}x (target >= 1.0x)"
    )
    return rows


if __name__ == "__main__":
    main()
