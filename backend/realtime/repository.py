"""All SQL of the realtime package: reading the events table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from backend.core.events import Event

_events = Event.__table__
_COLUMNS = (_events.c.id, _events.c.topic, _events.c.type, _events.c.payload, _events.c.created_at)


def row_dict(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "topic": row.topic,
        "type": row.type,
        "payload": row.payload,
        "created_at": row.created_at.isoformat(),
    }


async def max_event_id(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.coalesce(func.max(_events.c.id), 0)))).scalar_one())


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A PostgreSQL MVCC snapshot: transactions below ``xmin`` are finished, ``xip`` are in progress."""

    xmin: int
    xmax: int
    xip: frozenset[int]

    def running(self, xid: int) -> bool:
        return xid in self.xip or xid >= self.xmax


async def snapshot(conn: AsyncConnection) -> Snapshot:
    """PostgreSQL: the snapshot of the current (repeatable read) transaction."""
    value = (await conn.execute(text("SELECT pg_current_snapshot()::text"))).scalar_one()
    xmin, xmax, xip = str(value).split(":", 2)
    return Snapshot(int(xmin), int(xmax), frozenset(int(x) for x in xip.split(",") if x))


async def writers_here(conn: AsyncConnection, snap: Snapshot) -> frozenset[int] | None:
    """Of the snapshot's in-progress transactions, those of sessions on this database (full xids).

    None when some sessions' transaction ids are hidden from this role: every one must then count.
    """
    rows = (
        await conn.execute(
            text(
                "SELECT backend_xid::text AS xid, query = '<insufficient privilege>' AS hidden "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND (backend_xid IS NOT NULL OR query = '<insufficient privilege>')"
            )
        )
    ).all()
    if any(row.hidden for row in rows):
        return None
    short = {int(row.xid) for row in rows if row.xid is not None}
    return frozenset(x for x in snap.xip if x % 2**32 in short)


async def events_after(conn: AsyncConnection, after_id: int, limit: int) -> Sequence[Row[Any]]:
    query = select(*_COLUMNS).where(_events.c.id > after_id).order_by(_events.c.id).limit(limit)
    return (await conn.execute(query)).all()


async def events_in_ranges(conn: AsyncConnection, ranges: Sequence[tuple[int, int]]) -> Sequence[Row[Any]]:
    if not ranges:
        return []
    query = (
        select(*_COLUMNS)
        .where(or_(*(_events.c.id.between(low, high) for low, high in ranges)))
        .order_by(_events.c.id)
    )
    return (await conn.execute(query)).all()


async def events_for_topics(
    session: AsyncSession, topics: Sequence[str], since: int, limit: int
) -> Sequence[Row[Any]]:
    """Committed events of ``topics`` with id > ``since``, oldest first (index ``ix_events_topic_id``)."""
    query = (
        select(*_COLUMNS)
        .where(_events.c.topic.in_(topics), _events.c.id > since)
        .order_by(_events.c.id)
        .limit(limit)
    )
    return (await session.execute(query)).all()
