"""The dispatcher against the outbox gap: ids that become visible out of order are neither lost nor
delivered twice. Transactions run on their own connections of the test database, as concurrent
requests' transactions would."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Connection

from backend.core.events import Event
from backend.realtime.dispatcher import Dispatcher, Subscriber


def _insert(conn: Connection, type_: str) -> int:
    return conn.execute(
        insert(Event).values(topic="hq", type=type_, payload={}).returning(Event.id)
    ).scalar_one()


def _drain(subscriber: Subscriber) -> list[str]:
    got = []
    while not subscriber.queue.empty():
        item = subscriber.queue.get_nowait()
        assert item is not None
        got.append(item[2])
    return [text.split('"type":"')[1].split('"')[0] for text in got]


async def _dispatcher(app, **options) -> tuple[Dispatcher, Subscriber]:  # type: ignore[no-untyped-def]
    dispatcher = Dispatcher(app.state.db, **options)
    subscriber = Subscriber()
    dispatcher.add_topics(subscriber, ["hq"])
    await dispatcher.prime()
    _drain(subscriber)
    return dispatcher, subscriber


async def test_out_of_order_commits_are_held_then_delivered_in_id_order(app, test_db):
    dispatcher, subscriber = await _dispatcher(app, hold_seconds=60)
    if test_db.kind == "sqlite":
        pytest.skip("SQLite admits one writer at a time: ids become visible in id order")
    slow = test_db.engine.connect()
    early = _insert(slow, "slow")  # allocated first, committed last
    with test_db.engine.begin() as conn:
        late = _insert(conn, "fast")
    assert early < late
    await dispatcher.poll()
    assert _drain(subscriber) == [] and dispatcher.cursor < early
    await dispatcher.poll()
    assert _drain(subscriber) == []
    slow.commit()
    slow.close()
    await dispatcher.poll()
    assert _drain(subscriber) == ["slow", "fast"]
    assert dispatcher.cursor == late


async def test_a_rolled_back_id_delays_nothing_once_its_transaction_ends(app, test_db):
    dispatcher, subscriber = await _dispatcher(app, hold_seconds=60)
    doomed = test_db.engine.connect()
    doomed_id = _insert(doomed, "doomed")
    if test_db.kind == "sqlite":
        doomed.rollback()  # the writer lock is held until then; the id is then free for reuse
    with test_db.engine.begin() as conn:
        kept = _insert(conn, "kept")
    await dispatcher.poll()
    held = _drain(subscriber)
    if test_db.kind == "postgresql":
        assert held == [] and kept > doomed_id
        doomed.rollback()
    doomed.close()
    await dispatcher.poll()
    assert held + _drain(subscriber) == ["kept"]
    assert dispatcher.cursor == kept


async def test_a_long_transaction_holds_delivery_only_briefly_and_its_event_still_arrives(app, test_db):
    if test_db.kind == "sqlite":
        pytest.skip("SQLite admits one writer at a time: ids become visible in id order")
    dispatcher, subscriber = await _dispatcher(app, hold_seconds=0.3)
    slow = test_db.engine.connect()
    _insert(slow, "slow")
    with test_db.engine.begin() as conn:
        _insert(conn, "fast")
    await dispatcher.poll()
    assert _drain(subscriber) == []
    await asyncio.sleep(0.35)
    await dispatcher.poll()
    assert _drain(subscriber) == ["fast"]
    slow.commit()
    slow.close()
    await dispatcher.poll()
    assert _drain(subscriber) == ["slow"] and dispatcher.late_delivered == 1
    await dispatcher.poll()
    assert _drain(subscriber) == []


async def test_a_subscriber_that_falls_behind_is_closed_not_silently_skipped(app, session):
    dispatcher = Dispatcher(app.state.db)
    subscriber = Subscriber(maxsize=3)
    dispatcher.add_topics(subscriber, ["hq"])
    await dispatcher.prime()
    for i in range(5):
        session.add(Event(topic="hq", type=f"e{i}", payload={}))
    await session.commit()
    await dispatcher.poll()
    assert subscriber.closed_reason == "lagging"
    assert subscriber.queue.get_nowait() is None
