"""The offline outbox: writes made while the backend is unreachable wait in SQLite and are replayed
in order with the ids they were given, so a replay never applies anything twice.

Each queued write carries an ``Idempotency-Key`` (and usually a client-generated id in its body); the
backend returns the first result for a key it has seen. A write leaves the queue when the backend
answers it (2xx: done; 4xx: refused, kept with its error for the screen to show); a network error or
a 5xx stops the replay and keeps the rest for the next attempt.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.errors import RetailError
from shared.sdk.base import AsyncBaseClient, BaseClient, Call, NetworkError, idempotency_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    created_at REAL NOT NULL,
    done_at REAL
)
"""


@dataclass(frozen=True)
class QueuedWrite:
    seq: int
    key: str
    kind: str
    method: str
    path: str
    body: Any
    state: str
    attempts: int
    result: Any
    error: Any
    created_at: float

    def call(self) -> Call:
        return Call(self.method, self.path, json=self.body, headers={"Idempotency-Key": self.key})


@dataclass(frozen=True)
class FlushReport:
    sent: int
    refused: int
    remaining: int
    stopped_by: str | None


class Outbox:
    """A durable queue of writes for one device; safe to use from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def enqueue(self, kind: str, method: str, path: str, body: Any, key: str | None = None) -> str:
        """Queue a write; returns its idempotency key (the one given, or a new one)."""
        key = key or idempotency_key()
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (key, kind, method, path, body, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, kind, method, path, json.dumps(body, ensure_ascii=False), time.time()),
            )
        return key

    def _rows(self, where: str, args: tuple[Any, ...] = ()) -> list[QueuedWrite]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, key, kind, method, path, body, state, attempts, result, error, created_at "
                f"FROM outbox WHERE {where} ORDER BY seq",
                args,
            ).fetchall()
        return [
            QueuedWrite(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                json.loads(r[5]) if r[5] else None,
                r[6],
                r[7],
                json.loads(r[8]) if r[8] else None,
                json.loads(r[9]) if r[9] else None,
                r[10],
            )
            for r in rows
        ]

    def pending(self) -> list[QueuedWrite]:
        """What is not yet synced, oldest first (what the screen shows as 'waiting to sync')."""
        return self._rows("state = 'pending'")

    def refused(self) -> list[QueuedWrite]:
        return self._rows("state = 'refused'")

    def done(self) -> list[QueuedWrite]:
        return self._rows("state = 'done'")

    def _settle(self, item: QueuedWrite, outcome: str, payload: Any) -> None:
        column = "result" if outcome == "done" else "error"
        with self._tx() as db:
            db.execute(
                f"UPDATE outbox SET state = ?, {column} = ?, attempts = attempts + 1, done_at = ? "
                "WHERE seq = ? AND state = 'pending'",
                (outcome, json.dumps(payload, ensure_ascii=False, default=str), time.time(), item.seq),
            )

    def _attempted(self, item: QueuedWrite) -> None:
        with self._tx() as db:
            db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", (item.seq,))

    def _record(self, item: QueuedWrite, result: Any = None, exc: RetailError | None = None) -> str:
        """Settle one attempt: 'done', 'refused', or why the replay must stop ('network', 'server')."""
        if exc is None:
            payload = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
            self._settle(item, "done", payload)
            return "done"
        if isinstance(exc, NetworkError) or exc.status_code >= 500:
            self._attempted(item)
            return "network" if isinstance(exc, NetworkError) else "server"
        self._settle(item, "refused", {"error": exc.code, "message": exc.message, "detail": exc.detail})
        return "refused"

    def _report(self, outcomes: list[str]) -> FlushReport:
        stop = outcomes[-1] if outcomes and outcomes[-1] in ("network", "server") else None
        return FlushReport(outcomes.count("done"), outcomes.count("refused"), len(self.pending()), stop)

    def flush(self, client: BaseClient) -> FlushReport:
        """Replay pending writes in order through a sync client."""
        outcomes: list[str] = []
        for item in self.pending():
            try:
                outcomes.append(self._record(item, client.run(item.call())))
            except RetailError as exc:
                outcomes.append(self._record(item, exc=exc))
            if outcomes[-1] in ("network", "server"):
                break
        return self._report(outcomes)

    async def aflush(self, client: AsyncBaseClient) -> FlushReport:
        """Replay pending writes in order through an async client."""
        outcomes: list[str] = []
        for item in self.pending():
            try:
                outcomes.append(self._record(item, await client.run(item.call())))
            except RetailError as exc:
                outcomes.append(self._record(item, exc=exc))
            if outcomes[-1] in ("network", "server"):
                break
        return self._report(outcomes)

    def close(self) -> None:
        with self._lock:
            self._db.close()
