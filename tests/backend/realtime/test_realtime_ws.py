from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from backend.core.events import emit
from backend.realtime.access import register_topic_checker, unregister_topic_checker
from tests.backend.realtime.factories import WsClient, commit_event, ws_url
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token


async def test_committed_event_arrives_and_rolled_back_one_never_does(live_server, client, app, session):
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    topic = f"member:{member.id}"
    ws = await WsClient.open(live_server.url, token)
    ack = await ws.subscribe([topic])
    assert ack["op"] == "subscribed" and ack["topics"] == [topic] and ack["since"] is None
    assert isinstance(ack["last_id"], int)

    emit(session, topic, "coupon.pushed", {"coupon": "rolled-back"})
    await session.flush()
    await session.rollback()
    kept = await commit_event(session, topic, "coupon.pushed", {"coupon": "kept"})
    after = await commit_event(session, topic, "points.changed", {"points": 10})

    got = await ws.events(2)
    assert [e["id"] for e in got] == [kept, after]
    assert got[0]["payload"] == {"coupon": "kept"} and got[0]["topic"] == topic and got[0]["created_at"]
    assert got[1]["type"] == "points.changed"
    await ws.close()


async def test_subscribe_since_replays_missed_events_then_goes_live(live_server, client, app, session):
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    topic = f"member:{member.id}"
    first = await commit_event(session, topic, "a", {"n": 1})
    second = await commit_event(session, topic, "b", {"n": 2})
    await commit_event(session, f"member:{member.id + 100000}", "other", {})
    third = await commit_event(session, topic, "c", {"n": 3})

    ws = await WsClient.open(live_server.url, token)
    ack = await ws.subscribe([topic], since=first)
    assert ack["op"] == "subscribed" and ack["since"] == first
    replayed = await ws.events(2)
    assert [e["id"] for e in replayed] == [second, third]
    assert await ws.recv() == {"op": "caught_up", "last_id": third, "truncated": False}

    live = await commit_event(session, topic, "d", {"n": 4})
    assert [e["id"] for e in await ws.events(1)] == [live]
    await ws.send({"op": "ping"})
    assert await ws.recv() == {"op": "pong"}
    await ws.close()


async def test_token_in_first_message_and_refusals(live_server, client, app, session):
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)

    async with websockets.connect(ws_url(live_server.url)) as conn:
        await conn.send(json.dumps({"op": "auth", "token": token}))
        assert json.loads(await conn.recv())["op"] == "authenticated"
        await conn.send(
            json.dumps({"op": "subscribe", "topics": [f"member:{member.id + 1}", "store:1:stock"]})
        )
        refused = json.loads(await conn.recv())
        assert refused["op"] == "error" and refused["error"] == "topic_forbidden"
        assert refused["detail"]["topics"] == [f"member:{member.id + 1}", "store:1:stock"]
        await conn.send(json.dumps({"op": "subscribe", "topics": ["nonsense"]}))
        assert json.loads(await conn.recv())["error"] == "invalid_topic"
        await conn.send("not json")
        assert json.loads(await conn.recv())["error"] == "bad_request"

    async with websockets.connect(ws_url(live_server.url, "not-a-token")) as conn:
        refused = json.loads(await conn.recv())
        assert refused["error"] == "token_invalid"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await conn.recv()
        assert closed.value.rcvd.code == 4401

    async with websockets.connect(ws_url(live_server.url)) as conn:
        await conn.send(json.dumps({"op": "subscribe", "topics": ["hq"]}))
        assert json.loads(await conn.recv())["error"] == "unauthorized"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await conn.recv()
        assert closed.value.rcvd.code == 4401


async def test_clerk_follows_only_their_stores_over_websocket(live_server, client, session):
    mine, theirs = await create_store(session), await create_store(session)
    clerk = await create_staff(session, roles=["clerk"], stores=[mine])
    await session.commit()
    ws = await WsClient.open(live_server.url, await staff_token(client, clerk))
    refused = await ws.subscribe([f"store:{theirs.id}:stock"])
    assert refused["error"] == "topic_forbidden"
    ack = await ws.subscribe([f"store:{mine.id}:stock", f"store:{mine.id}:orders"])
    assert ack["op"] == "subscribed"
    await commit_event(session, f"store:{theirs.id}:stock", "stock.changed", {"sku_id": 1})
    mine_id = await commit_event(session, f"store:{mine.id}:stock", "stock.changed", {"sku_id": 2})
    assert [e["id"] for e in await ws.events(1)] == [mine_id]
    await ws.close()


async def test_rest_catch_up_pages_in_id_order(client, app, session):
    member = await create_member(session)
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))
    topic = f"member:{member.id}"
    ids = [await commit_event(session, topic, "points.changed", {"n": i}) for i in range(5)]

    page = await client.get(
        "/api/v1/events", params={"topics": topic, "since": ids[0], "limit": 3}, headers=headers
    )
    assert page.status_code == 200, page.text
    body = page.json()
    assert [e["id"] for e in body["events"]] == ids[1:4]
    assert body["has_more"] is True and body["last_id"] == ids[3]
    assert body["events"][0]["payload"] == {"n": 1}
    rest = await client.get(
        "/api/v1/events", params={"topics": topic, "since": body["last_id"]}, headers=headers
    )
    assert [e["id"] for e in rest.json()["events"]] == ids[4:] and rest.json()["has_more"] is False
    empty = await client.get("/api/v1/events", params={"topics": topic, "since": ids[-1]}, headers=headers)
    assert empty.json() == {"events": [], "last_id": ids[-1], "has_more": False}


async def test_rest_catch_up_is_authorised_like_subscriptions(client, app, session):
    store, other = await create_store(session), await create_store(session)
    member = await create_member(session)
    clerk = await create_staff(session, roles=["clerk"], stores=[store])
    hq = await create_staff(session, roles=["hq_admin"])
    await session.commit()
    as_member = bearer(await member_token(client, app, member.phone))
    as_clerk = bearer(await staff_token(client, clerk))
    as_hq = bearer(await staff_token(client, hq))
    device = await client.post(
        "/api/v1/auth/devices", json={"store_id": store.id, "name": "收银台1"}, headers=as_hq
    )
    as_device = bearer(device.json()["token"])

    def get(headers, *topics):  # type: ignore[no-untyped-def]
        return client.get("/api/v1/events", params={"topics": ",".join(topics)}, headers=headers)

    cases = [
        (as_member, [f"member:{member.id}"], 200),
        (as_member, [f"member:{member.id + 1}"], 403),
        (as_member, [f"store:{store.id}:stock"], 403),
        (as_member, ["hq"], 403),
        (as_member, ["order:1"], 403),
        (as_clerk, [f"store:{store.id}:stock", f"store:{store.id}:orders"], 200),
        (as_clerk, [f"store:{other.id}:stock"], 403),
        (as_clerk, [f"member:{member.id}"], 403),
        (as_clerk, ["hq"], 403),
        (as_device, [f"store:{store.id}:orders"], 200),
        (as_device, [f"store:{other.id}:orders"], 403),
        (as_hq, ["hq", f"store:{other.id}:stock", f"member:{member.id}", "order:7"], 200),
    ]
    for headers, topics, status in cases:
        response = await get(headers, *topics)
        assert response.status_code == status, (topics, response.text)
        if status == 403:
            assert response.json()["error"] == "topic_forbidden"

    assert (await client.get("/api/v1/events", params={"topics": "hq"})).status_code == 401
    bad = await get(as_hq, "store:1")
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_topic"
    assert (await client.get("/api/v1/events", headers=as_hq)).status_code == 422


async def test_order_topics_follow_the_registered_checker(client, app, session):
    member, other = await create_member(session), await create_member(session)
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))
    assert (
        await client.get("/api/v1/events", params={"topics": "order:41"}, headers=headers)
    ).status_code == 403

    async def owns_order(db_session, principal, order_id):  # type: ignore[no-untyped-def]
        # The orders domain will look the order up; here order 41 is the member's and 42 someone else's.
        return principal.is_member and {41: member.id, 42: other.id}.get(order_id) == principal.id

    previous = register_topic_checker("order", owns_order)
    try:
        mine = await client.get("/api/v1/events", params={"topics": "order:41"}, headers=headers)
        assert mine.status_code == 200
        theirs = await client.get("/api/v1/events", params={"topics": "order:42"}, headers=headers)
        assert theirs.status_code == 403
    finally:
        if previous is None:
            unregister_topic_checker("order")
        else:
            register_topic_checker("order", previous)


async def test_status_reports_bus_and_dispatcher(live_server):
    import httpx

    async with httpx.AsyncClient(base_url=live_server.url) as http:
        body = (await http.get("/api/v1/realtime/status")).json()
    assert body["bus"] == {"kind": "none", "connected": False, "polling_only": True, "problem": None}
    assert body["dispatcher"]["running"] is True


async def test_shutdown_tells_subscribers_to_reconnect(live_server, client, app, session):
    member = await create_member(session)
    await session.commit()
    ws = await WsClient.open(live_server.url, await member_token(client, app, member.phone))
    await ws.subscribe([f"member:{member.id}"])
    await asyncio.to_thread(live_server.stop)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
