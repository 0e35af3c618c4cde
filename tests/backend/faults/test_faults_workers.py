"""`omo serve --workers 2` on PostgreSQL: two worker processes answer, and a killed worker is replaced."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.backend.faults.factories import ROOT, free_port
from tests.factories import create_store

pytestmark = pytest.mark.slow


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _wait_workers(pid: int, count: int, url: str) -> set[int]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        workers = _children(pid)
        try:
            up = httpx.get(url + "/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            up = False
        if up and len(workers) >= count:
            return workers
        time.sleep(0.3)
    raise RuntimeError("workers did not come up")


async def test_serve_with_two_workers_answers_and_survives_a_worker_kill(session, settings, test_db):
    if test_db.kind != "postgresql":
        pytest.skip("several workers are meant for PostgreSQL")
    store = await create_store(session)
    await session.commit()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OMO_DATABASE_URL": settings.database_url,
        "OMO_SECRET_KEY": settings.secret_key,
        "OMO_VAR_DIR": str(settings.var_dir),
        "OMO_EVENT_BUS": "postgres",
    }
    command = [
        sys.executable,
        "-m",
        "backend.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--no-jobs",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        workers = await asyncio.to_thread(_wait_workers, process.pid, 2, url)
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            answers = await asyncio.gather(*(http.get(f"/api/v1/stores/{store.id}") for _ in range(40)))
            assert {r.status_code for r in answers} == {200}
            victim = sorted(workers)[0]
            os.kill(victim, signal.SIGKILL)
            replaced = await asyncio.to_thread(
                lambda: _wait_until(lambda: len(_children(process.pid) - {victim}) >= 2)
            )
            assert replaced
            answers = await asyncio.gather(*(http.get(f"/api/v1/stores/{store.id}") for _ in range(40)))
            assert {r.status_code for r in answers} == {200}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until(check, timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False
