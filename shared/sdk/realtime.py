"""Live updates over the backend's WebSocket (``/api/v1/ws``).

    async for event in subscribe("http://127.0.0.1:8000", token, [f"member:{member_id}"]):
        print(event.type, event.payload)

``subscribe`` reconnects on its own when the connection drops (network, server restart, a client
that fell behind) with growing pauses, and asks for every event after the last id it saw, so no
event is lost and none is yielded twice. ``token`` may be a string, the SDK's ``Tokens`` (its
current access token is used at each connect), or a function returning one (sync or async) so a
refreshed token is used after the old one expires. Refusals (bad token, a topic the user may not
follow) raise the same error classes as the REST calls.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import websockets
from websockets.exceptions import WebSocketException

from shared.errors import RetailError, Unauthorized, from_response
from shared.sdk.base import API_PREFIX, Tokens

TokenSource = str | Tokens | Callable[[], str | Awaitable[str]]
_DEDUPE_WINDOW = 4096


@dataclass(frozen=True, slots=True)
class LiveEvent:
    id: int
    topic: str
    type: str
    payload: dict[str, Any]
    created_at: datetime


class _Refused(Exception):
    def __init__(self, error: RetailError) -> None:
        super().__init__(error.message)
        self.error = error


def ws_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return base + API_PREFIX + "/ws"


async def _token(source: TokenSource) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, Tokens):
        if not source.access_token:
            raise Unauthorized("Sign in first.")
        return source.access_token
    value = source()
    if inspect.isawaitable(value):
        value = await value
    return str(value)


def _error(message: dict[str, Any]) -> RetailError:
    return from_response(int(message.get("status") or 400), message)


async def _expect(conn: Any, op: str, timeout: float) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(conn.recv(), timeout))
        if message.get("op") == op:
            return message
        if message.get("op") == "error":
            raise _Refused(_error(message))


async def subscribe(
    base_url: str,
    token: TokenSource,
    topics: Sequence[str],
    since: int | None = None,
    *,
    min_delay: float = 0.2,
    max_delay: float = 5.0,
    timeout: float = 10.0,
) -> AsyncIterator[LiveEvent]:
    """Yield the events of ``topics`` (after ``since`` if given) as they happen, reconnecting as needed."""
    last_id = since
    recent: deque[int] = deque(maxlen=_DEDUPE_WINDOW)
    seen: set[int] = set()
    delay = min_delay
    refusals = 0
    while True:
        try:
            async with websockets.connect(ws_url(base_url), open_timeout=timeout, max_size=None) as conn:
                await conn.send(json.dumps({"op": "auth", "token": await _token(token)}))
                await _expect(conn, "authenticated", timeout)
                await conn.send(json.dumps({"op": "subscribe", "topics": list(topics), "since": last_id}))
                ack = await _expect(conn, "subscribed", timeout)
                if last_id is None:
                    last_id = int(ack["last_id"])
                delay, refusals = min_delay, 0
                async for raw in conn:
                    message = json.loads(raw)
                    if message.get("op") != "event" or message["id"] in seen:
                        continue
                    if len(recent) == recent.maxlen:
                        seen.discard(recent[0])
                    recent.append(message["id"])
                    seen.add(message["id"])
                    last_id = max(last_id, message["id"])
                    yield LiveEvent(
                        id=message["id"],
                        topic=message["topic"],
                        type=message["type"],
                        payload=message["payload"],
                        created_at=datetime.fromisoformat(message["created_at"]),
                    )
        except _Refused as refused:
            # A function or Tokens may hand out a fresh token on the next try; a fixed one will not.
            refusals += 1
            retryable = isinstance(refused.error, Unauthorized) and not isinstance(token, str)
            if not retryable or refusals > 1:
                raise refused.error from None
        except (OSError, TimeoutError, WebSocketException):
            pass
        await asyncio.sleep(delay)
        delay = min(max_delay, delay * 2)


__all__ = ["LiveEvent", "TokenSource", "subscribe", "ws_url"]
