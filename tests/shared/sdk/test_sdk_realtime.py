from __future__ import annotations

import asyncio
import contextlib

import pytest

from shared import sdk
from shared.sdk.realtime import LiveEvent, subscribe
from tests.backend.realtime.factories import commit_event, wait_for_subscribers
from tests.conftest import LiveServer
from tests.factories import create_member, member_token

WAIT = 10.0


async def _collect(stream, into: asyncio.Queue) -> None:  # type: ignore[no-untyped-def]
    async for event in stream:
        await into.put(event)


async def test_subscribe_survives_a_server_restart_without_losing_an_event(
    live_server, settings, client, app, session
):
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    topic = f"member:{member.id}"
    received: asyncio.Queue[LiveEvent] = asyncio.Queue()
    consumer = asyncio.create_task(
        _collect(subscribe(live_server.url, token, [topic], min_delay=0.05), received)
    )
    second = None
    try:
        await wait_for_subscribers(live_server.url, 1)
        first = await commit_event(session, topic, "points.changed", {"points": 1})
        event = await asyncio.wait_for(received.get(), WAIT)
        assert (event.id, event.topic, event.payload) == (first, topic, {"points": 1})

        await asyncio.to_thread(live_server.stop)
        missed = [await commit_event(session, topic, "points.changed", {"points": n}) for n in (2, 3)]
        second = LiveServer(settings, live_server.port)
        await asyncio.to_thread(second.start)
        caught_up = [await asyncio.wait_for(received.get(), WAIT) for _ in missed]
        assert [e.id for e in caught_up] == missed

        await wait_for_subscribers(second.url, 1)
        after = await commit_event(session, topic, "coupon.pushed", {"coupon": "C1"})
        live = await asyncio.wait_for(received.get(), WAIT)
        assert live.id == after and live.type == "coupon.pushed"
        assert received.empty()
    finally:
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
        if second is not None:
            await asyncio.to_thread(second.stop)


async def test_subscribe_starts_after_since_and_takes_a_token_function(live_server, client, app, session):
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    topic = f"member:{member.id}"
    old = await commit_event(session, topic, "a", {})
    newer = await commit_event(session, topic, "b", {})

    async def fresh_token() -> str:
        return token

    stream = subscribe(live_server.url, fresh_token, [topic], since=old)
    event = await asyncio.wait_for(anext(stream), WAIT)
    assert event.id == newer and event.created_at.tzinfo is not None
    await stream.aclose()


async def test_subscribe_raises_the_backends_refusals(live_server, client, app, session):
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    with pytest.raises(sdk.Forbidden) as refused:
        await anext(subscribe(live_server.url, token, [f"member:{member.id + 1}"]))
    assert refused.value.code == "topic_forbidden"
    with pytest.raises(sdk.TokenInvalid):
        await anext(subscribe(live_server.url, "expired-or-forged", ["hq"]))
