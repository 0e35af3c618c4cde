"""Where events cross backend processes.

Every process polls the events table; the bus only wakes dispatchers early so an event written by
one process reaches WebSocket subscribers of another within milliseconds. Kinds (``OMO_EVENT_BUS``):

- ``none``: polling only (one process, or several over SQLite).
- ``postgres``: a session that wrote event rows runs ``NOTIFY omo_events`` inside its own
  transaction (PostgreSQL delivers it only if the transaction commits); each process keeps one
  psycopg connection doing ``LISTEN omo_events``.
- ``redis``: after such a commit the process publishes on the ``omo_events`` channel
  (``OMO_REDIS_URL``); each process subscribes to it.

When the bus is unreachable the process says so in :meth:`Bus.status` and the log, keeps polling,
and reconnects in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable
from typing import Any

import psycopg
import redis.asyncio as aioredis
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from backend.core.db import sync_url
from backend.core.events import Event
from backend.core.settings import Settings

log = logging.getLogger("omo.realtime")

CHANNEL = "omo_events"
RETRY_SECONDS = 2.0
Wake = Callable[[], None]


class Bus:
    """Polling only: nothing crosses processes."""

    kind = "none"
    # True when sessions must NOTIFY inside the transaction that wrote events.
    notify_in_transaction = False

    def __init__(self) -> None:
        self.connected = False
        self.problem: str | None = None

    async def start(self, wake: Wake) -> None:
        return None

    async def stop(self) -> None:
        return None

    def announce(self) -> None:
        """Tell other processes that a transaction with events committed (called after the commit)."""
        return None

    def status(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "connected": self.connected,
            "polling_only": not self.connected,
            "problem": self.problem,
        }

    def _set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            if problem:
                log.warning("event bus %s unavailable, polling only: %s", self.kind, problem)
            else:
                log.info("event bus %s connected", self.kind)
        self.problem = problem
        self.connected = problem is None


class _ListeningBus(Bus):
    def __init__(self) -> None:
        super().__init__()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self, wake: Wake) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(wake), name=f"omo-bus-{self.kind}")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.connected = False

    async def _run(self, wake: Wake) -> None:
        while not self._stopping:
            try:
                await self._listen(wake)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._set_problem(f"{type(exc).__name__}: {exc}".strip()[:300])
            if not self._stopping:
                await asyncio.sleep(RETRY_SECONDS)

    async def _listen(self, wake: Wake) -> None:
        raise NotImplementedError


def psycopg_conninfo(database_url: str) -> str:
    """A libpq URL for psycopg from the app's database URL."""
    url = sync_url(database_url)
    scheme, _, rest = url.partition("://")
    return "postgresql://" + rest if scheme.startswith("postgres") else url


class PostgresBus(_ListeningBus):
    kind = "postgres"
    notify_in_transaction = True

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.conninfo = psycopg_conninfo(database_url)

    async def _listen(self, wake: Wake) -> None:
        conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True, connect_timeout=5)
        try:
            await conn.execute(f"LISTEN {CHANNEL}")
            self._set_problem(None)
            wake()  # whatever was notified while disconnected is found by this poll
            while not self._stopping:
                async for _ in conn.notifies(timeout=5.0):
                    wake()
                await conn.execute("SELECT 1")
        finally:
            await conn.close()


class RedisBus(_ListeningBus):
    kind = "redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self._publisher: aioredis.Redis | None = None
        self._publish_task: asyncio.Task[None] | None = None
        self._dirty = False

    async def _listen(self, wake: Wake) -> None:
        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=3, health_check_interval=10)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            self._set_problem(None)
            wake()
            while not self._stopping:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message is not None:
                    wake()
                else:
                    await pubsub.ping()
        finally:
            await pubsub.aclose()
            await client.aclose()

    def announce(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # a commit outside the event loop: the other processes' polling finds it
        self._dirty = True
        if self._publish_task is None or self._publish_task.done():
            self._publish_task = loop.create_task(self._publish(), name="omo-bus-redis-publish")

    async def _publish(self) -> None:
        while self._dirty:
            self._dirty = False
            try:
                if self._publisher is None:
                    self._publisher = aioredis.Redis.from_url(
                        self.url, socket_connect_timeout=3, socket_timeout=3
                    )
                await self._publisher.publish(CHANNEL, "1")
                if self.problem and self.problem.startswith("publish failed"):
                    self._set_problem(None)
            except Exception as exc:
                self._set_problem(f"publish failed: {type(exc).__name__}: {exc}"[:300])
                publisher, self._publisher = self._publisher, None
                if publisher is not None:
                    await publisher.aclose()
                return

    async def stop(self) -> None:
        await super().stop()
        if self._publish_task is not None and not self._publish_task.done():
            await asyncio.wait([self._publish_task], timeout=3)
        if self._publisher is not None:
            await self._publisher.aclose()
            self._publisher = None


class UnavailableBus(Bus):
    """A bus that was asked for but cannot work in this configuration: polling only, said plainly."""

    def __init__(self, kind: str, problem: str) -> None:
        super().__init__()
        self.kind = kind
        self._set_problem(problem)


def make_bus(settings: Settings) -> Bus:
    kind = (settings.event_bus or "none").strip().lower()
    if kind == "none":
        return Bus()
    if kind == "postgres":
        if settings.is_sqlite:
            return UnavailableBus(kind, "the postgres bus needs a PostgreSQL database")
        return PostgresBus(settings.database_url)
    if kind == "redis":
        if not settings.redis_url:
            return UnavailableBus(kind, "OMO_REDIS_URL is not set")
        return RedisBus(settings.redis_url)
    return UnavailableBus(kind, f"unknown OMO_EVENT_BUS {kind!r} (use none, postgres or redis)")


class CommitHook:
    """Announces the commits of sessions on one engine that wrote event rows."""

    def __init__(self, bus: Bus, wake: Wake | None) -> None:
        self.bus = bus
        self.wake = wake


_hooks: weakref.WeakKeyDictionary[Engine, CommitHook] = weakref.WeakKeyDictionary()
_FLAG = "omo_wrote_events"


def attach_commit_hook(engine: AsyncEngine, bus: Bus, wake: Wake | None = None) -> CommitHook:
    """After this, every session on ``engine`` whose transaction added events announces its commit.

    With the PostgreSQL bus the NOTIFY runs inside the transaction itself; with Redis the publish
    follows the commit; ``wake`` (the local dispatcher) is called after the commit either way.
    """
    hook = CommitHook(bus, wake)
    _hooks[engine.sync_engine] = hook
    return hook


def detach_commit_hook(engine: AsyncEngine) -> None:
    _hooks.pop(engine.sync_engine, None)


def _hook_for(session: Session) -> CommitHook | None:
    bind = session.bind
    if bind is None:
        return None
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _hooks.get(engine)


def _adds_events(session: Session) -> bool:
    return any(isinstance(obj, Event) for obj in session.new)


@sa_event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if _adds_events(session):
        session.info[_FLAG] = True


@sa_event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if not (session.info.get(_FLAG) or _adds_events(session)):
        return
    session.info[_FLAG] = True
    hook = _hook_for(session)
    if hook is not None and hook.bus.notify_in_transaction:
        session.connection().exec_driver_sql(f"NOTIFY {CHANNEL}")


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop(_FLAG, False):
        return
    hook = _hook_for(session)
    if hook is None:
        return
    hook.bus.announce()
    if hook.wake is not None:
        hook.wake()


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_FLAG, None)
