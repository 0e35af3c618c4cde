"""Scheduled jobs: each runs on one backend process at a time, across every host.

A job is an async function of the app's ``Database`` and ``Settings`` registered with an interval.
Every process runs a scheduler; when a job is due, the process that takes the job's PostgreSQL
advisory lock runs it and the others skip this round (on SQLite, which serves one host, the job's
own work is serialised by SQLite's write lock). Each run is recorded in ``job_runs`` with its result
or error, for the HQ pages and ``omo jobs``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import traceback
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, Database, bigpk
from backend.core.settings import Settings
from backend.core.time import utcnow

log = logging.getLogger("omo.jobs")

JobFunc = Callable[[Database, Settings], Awaitable[Any]]


class JobRun(Base):
    __tablename__ = "job_runs"

    id: Mapped[bigpk]
    name: Mapped[str] = mapped_column(String(60), index=True)
    host: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running | ok | failed
    status: Mapped[str] = mapped_column(String(12))
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    # The latest step a running job reported: {"stage", "done", "total"}.
    progress: Mapped[dict[str, Any] | None]


# The progress reporter of the job running in this task (set by ``run_job``).
_REPORTER: contextvars.ContextVar[Callable[[str, int, int], None] | None] = contextvars.ContextVar(
    "job_progress", default=None
)
# Progress of the runs in this process by run id, readable at once (the row follows on PostgreSQL).
LIVE_PROGRESS: dict[int, dict[str, Any]] = {}


# Whoever else watches the jobs run in this task (the CLI's progress bars).
WATCHER: contextvars.ContextVar[Callable[[str, int, int], None] | None] = contextvars.ContextVar(
    "job_watcher", default=None
)


def report_progress(stage: str, done: int, total: int) -> None:
    """Called by a job while it runs: how far it is (``done`` of ``total`` steps, now at ``stage``)."""
    for var in (_REPORTER, WATCHER):
        reporter = var.get()
        if reporter is not None:
            reporter(stage, done, total)


def _reporter(db: Database, run_id: int) -> Callable[[str, int, int], None]:
    pending: set[asyncio.Task[None]] = set()

    async def save(step: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):
            async with db.sessionmaker() as session:
                row = await session.get(JobRun, run_id)
                if row is not None and row.status == "running":
                    row.progress = step
                    await session.commit()

    def report(stage: str, done: int, total: int) -> None:
        step = {"stage": stage, "done": done, "total": total, "at": utcnow().isoformat()}
        LIVE_PROGRESS[run_id] = step
        # On SQLite the job's own transaction holds the write lock; this process's map is the record.
        if not db.is_sqlite:
            task = asyncio.get_running_loop().create_task(save(step))
            pending.add(task)
            task.add_done_callback(pending.discard)

    return report


@dataclass(frozen=True)
class Job:
    name: str
    every_s: float
    func: JobFunc
    description: str = ""


def lock_key(name: str) -> int:
    """A stable 32-bit advisory-lock key for a job name."""
    return zlib.crc32(f"omo-job:{name}".encode()) & 0x7FFFFFFF


def _host() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


async def run_job(
    db: Database, settings: Settings, job: Job, *, wait_for_lock: bool = False
) -> JobRun | None:
    """Run a job once if no other process is running it; returns its record, or None if skipped."""
    lock_conn = None
    if not db.is_sqlite:
        lock_conn = await db.engine.connect()
        sql = "SELECT pg_advisory_lock(:k)" if wait_for_lock else "SELECT pg_try_advisory_lock(:k)"
        got = (await lock_conn.execute(text(sql), {"k": lock_key(job.name)})).scalar()
        if wait_for_lock:
            got = True
        if not got:
            await lock_conn.close()
            return None
    try:
        async with db.sessionmaker() as session:
            record = JobRun(name=job.name, host=_host(), started_at=utcnow(), status="running")
            session.add(record)
            await session.commit()
        started = time.perf_counter()
        token = _REPORTER.set(_reporter(db, record.id))
        try:
            outcome = await job.func(db, settings)
            status, error = "ok", None
        except Exception:
            outcome, status, error = None, "failed", traceback.format_exc(limit=8)
            log.exception("job %s failed", job.name)
        finally:
            _REPORTER.reset(token)
        async with db.sessionmaker() as session:
            saved = await session.get(JobRun, record.id)
            assert saved is not None
            saved.status, saved.error, saved.finished_at = status, error, utcnow()
            saved.progress = LIVE_PROGRESS.pop(record.id, saved.progress)
            saved.duration_ms = int((time.perf_counter() - started) * 1000)
            saved.result = outcome if isinstance(outcome, dict) else {"value": outcome}
            await session.commit()
            return saved
    finally:
        if lock_conn is not None:
            await lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(job.name)})
            await lock_conn.close()


class Scheduler:
    """Runs registered jobs at their intervals in the background of one process."""

    def __init__(self, db: Database, settings: Settings, jobs: list[Job], tick_s: float = 1.0) -> None:
        self.db, self.settings, self.jobs, self.tick_s = db, settings, jobs, tick_s
        self._next: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        now = time.monotonic()
        # Spread the first runs a little so that processes started together do not all race.
        self._next = {job.name: now + min(job.every_s, 5.0) for job in self.jobs}
        self._task = asyncio.create_task(self._loop(), name="omo-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            now = time.monotonic()
            for job in self.jobs:
                if now >= self._next[job.name]:
                    self._next[job.name] = now + job.every_s
                    try:
                        await run_job(self.db, self.settings, job)
                    except Exception:
                        log.exception("scheduler could not run %s", job.name)
            await asyncio.sleep(self.tick_s)


async def last_runs(db: Database, limit_per_job: int = 5) -> dict[str, list[JobRun]]:
    async with db.read_sessionmaker() as session:
        rows = await session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(500))
        runs: dict[str, list[JobRun]] = {}
        for run in rows:
            bucket = runs.setdefault(run.name, [])
            if len(bucket) < limit_per_job:
                bucket.append(run)
        return runs
