"""What the HTTP benchmarks share: a throwaway PostgreSQL database, uvicorn processes, a load generator."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("OMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-" + "x" * 32


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new PostgreSQL database with the schema migrated in; dropped afterwards."""
    from backend.core.db import sync_url
    from backend.core.migrations import upgrade

    name = f"omo_bench_{secrets.token_hex(3)}"
    admin = create_engine(sync_url(POSTGRES), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES.rpartition("/")[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def uvicorn(app: str, url: str, probe: str = "/readyz", **env: str) -> Iterator[str]:
    """Serve ``app`` (module:attribute) on a free port with the database at ``url``; yields the base URL
    once ``probe`` answers 200."""
    port = free_port()
    environment = {
        **os.environ,
        "OMO_DATABASE_URL": url,
        "OMO_SECRET_KEY": SECRET,
        "OMO_ENV": "bench",
        "OMO_JOBS_ENABLED": "false",
        "OMO_EVENT_BUS": "none",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=environment
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + probe, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"{app} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class Figures:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    # The first failed answer, to say what went wrong.
    first_error: str = ""

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds


Call = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def load(
    base: str, call: Call, requests: int, concurrency: int, ok: tuple[int, ...] = (200, 201)
) -> Figures:
    """``requests`` calls (``call(client, i)``) from ``concurrency`` workers; latency of each, end to end."""
    latencies: list[float] = []
    errors = 0
    first_error = ""
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await call(client, -1)  # warm up

        async def worker() -> None:
            nonlocal errors, first_error
            for i in queue:
                started = time.perf_counter()
                response = await call(client, i)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code not in ok:
                    errors += 1
                    first_error = first_error or f"{response.status_code} {response.text[:300]}"

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    latencies.sort()
    return Figures(
        requests=requests,
        errors=errors,
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[max(0, int(len(latencies) * 0.99) - 1)],
        first_error=first_error,
    )


def table(rows: list[tuple[str, Figures]], baseline: Figures) -> str:
    lines = [f"{'path':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99 / base':>12}{'errors':>8}"]
    for name, f in rows:
        ratio = f.p99_ms / baseline.p99_ms
        lines.append(f"{name:<34}{f.rate:>9.0f}{f.p50_ms:>9.1f}{f.p99_ms:>9.1f}{ratio:>11.1f}x{f.errors:>8}")
    return "\n".join(lines)
