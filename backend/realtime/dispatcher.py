"""The per-process dispatcher: reads new outbox rows in id order and hands them to local subscribers.

It polls ``events`` for ids above its cursor (a primary-key range scan) every ``interval`` seconds,
and at once when the bus or a local commit wakes it.

The outbox gap. On PostgreSQL ids come from a sequence when the row is inserted, but transactions
commit in any order, so id 41 can become visible after id 42. Reading "id > last id delivered"
would then skip 41 forever. The dispatcher therefore keeps a *contiguous* cursor and, when it
finds a hole (42 visible, 41 not), holds everything above the hole until the hole is settled:

- filled: the row appears and is delivered in order;
- proven empty: every transaction of this database that was in progress in the snapshot where
  the hole was first seen has ended (read from ``pg_current_snapshot()`` and the sessions'
  ``backend_xid`` in ``pg_stat_activity``). The id's owner was one of them (it drew the id before
  a later id committed), so its row is now either visible or rolled back. This takes one poll
  after the owning transaction ends, so a rolled-back transaction delays nothing noticeably;
- timed out: after ``hold_seconds`` the hole is passed anyway (a long transaction must not stall
  every subscriber).

Passed holes stay on a *late watch* (``late_seconds``): if a row shows up there after all, it is
delivered then, out of order but not lost. On SQLite one writer at a time holds the write lock
from its first insert to its commit, so ids become visible in order and a hole is always final.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from backend.core.db import Database
from backend.realtime import repository as repo

log = logging.getLogger("omo.realtime")

# One queued message: (event id, topic, JSON text); None closes the subscription.
Item = tuple[int, str, str]


class Subscriber:
    """One WebSocket connection's live feed: a bounded queue of messages for its topics."""

    def __init__(self, maxsize: int = 5000) -> None:
        self.topics: set[str] = set()
        self.queue: asyncio.Queue[Item | None] = asyncio.Queue(maxsize=maxsize)
        self.closed_reason: str | None = None

    def offer(self, item: Item) -> None:
        if self.closed_reason is not None:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.close("lagging")

    def close(self, reason: str) -> None:
        """End the feed: the connection tells the client why; it reconnects with ``since``."""
        if self.closed_reason is not None:
            return
        self.closed_reason = reason
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


@dataclass(slots=True)
class _Hole:
    low: int
    high: int
    seen_at: float
    # The transactions that may own these ids; None: all that were running (xid < xmax).
    owners: frozenset[int] | None
    xmax: int

    def proven_empty(self, snap: repo.Snapshot) -> bool:
        if self.owners is None:
            return snap.xmin >= self.xmax
        return not any(snap.running(xid) for xid in self.owners)


def message(row: dict[str, Any]) -> str:
    return json.dumps({"op": "event", **row}, ensure_ascii=False, separators=(",", ":"))


class Dispatcher:
    def __init__(
        self,
        db: Database,
        *,
        interval: float = 0.1,
        batch: int = 500,
        hold_seconds: float = 3.0,
        late_seconds: float = 300.0,
        start_window: int = 1000,
    ) -> None:
        self.db = db
        self.interval = interval
        self.batch = batch
        self.hold_seconds = hold_seconds
        self.late_seconds = late_seconds
        self.start_window = start_window
        self.cursor = 0
        self.delivered = 0
        self.late_delivered = 0
        self.polls = 0
        self.last_error: str | None = None
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._holes: list[_Hole] = []
        self._late: list[tuple[int, int, float]] = []
        self._late_seen: set[int] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running = False
        self._primed = False

    # -- subscribers -------------------------------------------------------------------------

    def add_topics(self, subscriber: Subscriber, topics: Sequence[str]) -> None:
        for topic in topics:
            subscriber.topics.add(topic)
            self._subscribers.setdefault(topic, set()).add(subscriber)

    def remove_topics(self, subscriber: Subscriber, topics: Sequence[str]) -> None:
        for topic in topics:
            subscriber.topics.discard(topic)
            followers = self._subscribers.get(topic)
            if followers is not None:
                followers.discard(subscriber)
                if not followers:
                    del self._subscribers[topic]

    def remove(self, subscriber: Subscriber) -> None:
        self.remove_topics(subscriber, list(subscriber.topics))

    @property
    def subscriber_count(self) -> int:
        return len({s for followers in self._subscribers.values() for s in followers})

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start from the newest events (a recent window is re-read so in-flight ids are not missed)."""
        self._loop = asyncio.get_running_loop()
        try:
            await self.prime()
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("event dispatcher could not read the events table yet: %s", self.last_error)
        self._running = True
        self._task = asyncio.create_task(self._run(), name="omo-dispatcher")

    async def prime(self) -> None:
        """Set the cursor a window below the newest event and read up to now."""
        async with self.db.read_engine.connect() as conn:
            newest = await repo.max_event_id(conn)
        self.cursor = max(0, newest - self.start_window)
        await self.poll()
        self._primed = True

    async def stop(self) -> None:
        self._running = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for followers in list(self._subscribers.values()):
            for subscriber in list(followers):
                subscriber.close("shutdown")
        self._subscribers.clear()

    def wake(self) -> None:
        """Poll now (safe to call from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake.set()
        else:
            loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        while self._running:
            self._wake.clear()
            more = False
            try:
                if self._primed:
                    more = await self.poll()
                else:
                    await self.prime()
                self.last_error = None
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.last_error is None:
                    log.exception("event dispatcher poll failed")
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                await asyncio.sleep(1.0)
            if more:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)

    # -- polling -----------------------------------------------------------------------------

    async def poll(self) -> bool:
        """Read and deliver what is new; True when a full batch was read (poll again at once)."""
        self.polls += 1
        now = time.monotonic()
        self._expire_late(now)
        late_ranges = [(low, high) for low, high, _ in self._late[-50:]]
        async with self.db.read_engine.connect() as conn:
            if not self.db.is_sqlite:
                conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                snap = None if self.db.is_sqlite else await repo.snapshot(conn)
                rows = await repo.events_after(conn, self.cursor, self.batch)
                late_rows = await repo.events_in_ranges(conn, late_ranges)
                owners: frozenset[int] | None = None
                if snap is not None and self._has_new_hole(rows):
                    owners = await repo.writers_here(conn, snap)
        for row in late_rows:
            if row.id not in self._late_seen:
                self._late_seen.add(row.id)
                self.late_delivered += 1
                log.warning("event %s became visible after its hole was passed; delivered late", row.id)
                self._deliver(row)
        expected = self.cursor + 1
        for row in rows:
            if row.id > expected and not self._passable(expected, row.id - 1, snap, owners, now):
                break
            self._deliver(row)
            expected = row.id + 1
        self.cursor = expected - 1
        self._holes = [h for h in self._holes if h.high > self.cursor]
        return len(rows) == self.batch and self.cursor == rows[-1].id

    def _deliver(self, row: Row[Any]) -> None:
        self.delivered += 1
        followers = self._subscribers.get(row.topic)
        if not followers:
            return
        item = (row.id, row.topic, message(repo.row_dict(row)))
        for subscriber in list(followers):
            subscriber.offer(item)

    def _has_new_hole(self, rows: Sequence[Row[Any]]) -> bool:
        """Is there a gap among ``rows`` (above the cursor) not yet recorded as a hole?"""
        expected = self.cursor + 1
        for row in rows:
            if row.id > expected and not self._covered(expected, row.id - 1):
                return True
            expected = row.id + 1
        return False

    def _covered(self, low: int, high: int) -> bool:
        pos = low
        for hole in self._holes:
            if hole.high < pos:
                continue
            if hole.low > pos:
                return False
            pos = hole.high + 1
            if pos > high:
                return True
        return pos > high

    def _passable(
        self, low: int, high: int, snap: repo.Snapshot | None, owners: frozenset[int] | None, now: float
    ) -> bool:
        """May the dispatcher move past the hole [low, high]? Records when each part was first seen."""
        if snap is None:
            return True
        parts: list[_Hole] = []
        pos = low
        for hole in self._holes:
            if hole.high < pos:
                continue
            if hole.low > high:
                break
            if hole.low > pos:
                parts.append(_Hole(pos, hole.low - 1, now, owners, snap.xmax))
            parts.append(hole)
            pos = hole.high + 1
            if pos > high:
                break
        if pos <= high:
            parts.append(_Hole(pos, high, now, owners, snap.xmax))
        known = {id(h) for h in self._holes}
        self._holes.extend(p for p in parts if id(p) not in known)
        self._holes.sort(key=lambda h: h.low)
        proven = all(p.proven_empty(snap) for p in parts)
        timed_out = all(now - p.seen_at >= self.hold_seconds for p in parts)
        if not (proven or timed_out):
            return False
        if timed_out and not proven:
            log.warning("passing outbox ids %s-%s still unseen after %.1fs", low, high, self.hold_seconds)
        self._late.append((low, high, now + (10.0 if proven else self.late_seconds)))
        return True

    def _expire_late(self, now: float) -> None:
        if not self._late:
            return
        self._late = [entry for entry in self._late if entry[2] > now]
        self._late_seen = {i for i in self._late_seen if any(lo <= i <= hi for lo, hi, _ in self._late)}

    def status(self) -> dict[str, Any]:
        return {
            "running": self._running,
            "cursor": self.cursor,
            "delivered": self.delivered,
            "late_delivered": self.late_delivered,
            "holes_held": len(self._holes),
            "subscribers": self.subscriber_count,
            "last_error": self.last_error,
        }
