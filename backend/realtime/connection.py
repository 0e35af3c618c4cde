"""One WebSocket subscription connection.

Protocol (JSON text frames):

- authenticate with ``?token=<access token>`` or a first message ``{"op": "auth", "token": ...}``
  (the same message later swaps in a refreshed token before the first one expires);
- ``{"op": "subscribe", "topics": [...], "since": <last event id seen, optional>}`` is answered by
  ``{"op": "subscribed", "topics", "since", "last_id"}`` (``last_id``: the newest event already
  dispatched when the subscription began; later ones arrive live), then every stored event of
  those topics with id > since, then ``{"op": "caught_up", "last_id": ..., "truncated": false}``,
  then live events (``truncated``: more than 10 000 were missed; reload state over REST);
- events arrive as ``{"op": "event", "id", "topic", "type", "payload", "created_at"}``;
- ``{"op": "unsubscribe", "topics": [...]}``, ``{"op": "ping"}`` (answered by ``{"op": "pong"}``);
- refusals arrive as ``{"op": "error", "error": code, "message", "detail", "status"}`` (the HTTP
  status the same refusal has over REST).

Close codes: 4401 not signed in or token expired, 4008 the client fell too far behind (reconnect
with ``since``), 1012 the server is restarting (reconnect with ``since``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from fastapi import WebSocket
from fastapi.security import HTTPAuthorizationCredentials
from starlette.websockets import WebSocketState

from backend.auth.deps import optional_principal
from backend.auth.principal import Principal
from backend.core.db import Database
from backend.core.errors import BadRequest, RetailError, ServiceUnavailable, TokenInvalid, Unauthorized
from backend.core.security import decode_access_token
from backend.realtime import access
from backend.realtime import repository as repo
from backend.realtime.dispatcher import Dispatcher, Subscriber, message
from backend.realtime.errors import Lagging, TooManyTopics

CLOSE_UNAUTHORIZED = 4401
CLOSE_LAGGING = 4008
CLOSE_RESTART = 1012
AUTH_WAIT_SECONDS = 10.0
REPLAY_PAGE = 500
MAX_REPLAY = 10_000


def _dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class Connection:
    def __init__(self, websocket: WebSocket, dispatcher: Dispatcher) -> None:
        self.ws = websocket
        self.dispatcher = dispatcher
        self.db: Database = websocket.app.state.db
        self.subscriber = Subscriber()
        self.send_lock = asyncio.Lock()
        self.principal: Principal | None = None
        self.expires_at: float | None = None
        # Live events already sent by a replay, and per topic the id the client said it had seen.
        self.replayed: set[int] = set()
        self.seen_upto: dict[str, int] = {}

    async def send(self, body: dict[str, Any]) -> None:
        await self.ws.send_text(_dumps(body))

    async def send_error(self, exc: RetailError, ref: str | None = None) -> None:
        await self.send({"op": "error", **exc.to_dict(), "status": exc.status_code, "ref": ref})

    async def close(self, code: int, reason: str = "") -> None:
        if self.ws.application_state == WebSocketState.CONNECTED:
            await self.ws.close(code=code, reason=reason[:120])

    async def run(self) -> None:
        await self.ws.accept()
        try:
            if not await self._authenticate(self.ws.query_params.get("token")):
                return
            forward = asyncio.create_task(self._forward())
            try:
                await self._read()
            finally:
                forward.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await forward
        finally:
            self.dispatcher.remove(self.subscriber)

    async def _principal_for(self, token: str) -> tuple[Principal, float | None]:
        credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
        principal = await optional_principal(self.ws, credentials)  # type: ignore[arg-type]
        if principal is None:
            raise Unauthorized()
        if principal.is_device:
            return principal, None
        claims = decode_access_token(self.ws.app.state.settings.secret_key, token)
        return principal, time.monotonic() + max(0.0, float(claims["exp"]) - time.time())

    async def _authenticate(self, token: str | None) -> bool:
        try:
            if token is None:
                try:
                    async with asyncio.timeout(AUTH_WAIT_SECONDS):
                        first = await self._receive()
                except TimeoutError:
                    first = None
                if first is None:
                    raise Unauthorized('Send {"op": "auth", "token": ...} first.')
                if first.get("op") != "auth" or not isinstance(first.get("token"), str):
                    raise Unauthorized('Send {"op": "auth", "token": ...} first.')
                token = first["token"]
            self.principal, self.expires_at = await self._principal_for(token)
        except RetailError as exc:
            await self.send_error(exc, "auth")
            await self.close(CLOSE_UNAUTHORIZED, exc.code)
            return False
        await self.send({"op": "authenticated", "kind": self.principal.kind, "id": self.principal.id})
        return True

    async def _receive(self) -> dict[str, Any] | None:
        """The next JSON object from the client; None when it has gone."""
        while True:
            frame = await self.ws.receive()
            if frame["type"] == "websocket.disconnect":
                return None
            text = frame.get("text")
            if text is None and frame.get("bytes") is not None:
                text = frame["bytes"].decode("utf-8", "replace")
            try:
                body = json.loads(text or "")
            except ValueError:
                body = None
            if isinstance(body, dict):
                return body
            await self.send_error(BadRequest('Send JSON objects with an "op".'))

    async def _read(self) -> None:
        while True:
            try:
                if self.expires_at is None:
                    body = await self._receive()
                else:
                    loop_deadline = asyncio.get_running_loop().time() + (self.expires_at - time.monotonic())
                    async with asyncio.timeout_at(loop_deadline):
                        body = await self._receive()
            except TimeoutError:
                await self.send_error(TokenInvalid("The access token has expired."), "auth")
                await self.close(CLOSE_UNAUTHORIZED, "token_expired")
                return
            if body is None:
                return
            op = body.get("op")
            try:
                if op == "ping":
                    await self.send({"op": "pong"})
                elif op == "subscribe":
                    await self._subscribe(body)
                elif op == "unsubscribe":
                    topics = [t for t in body.get("topics") or [] if isinstance(t, str)]
                    self.dispatcher.remove_topics(self.subscriber, topics)
                    await self.send({"op": "unsubscribed", "topics": topics})
                elif op == "auth":
                    await self._reauthenticate(body)
                else:
                    raise BadRequest(
                        "Unknown op; use subscribe, unsubscribe, ping or auth.", detail={"op": op}
                    )
            except RetailError as exc:
                await self.send_error(exc, op if isinstance(op, str) else None)

    async def _reauthenticate(self, body: dict[str, Any]) -> None:
        token = body.get("token")
        if not isinstance(token, str):
            raise BadRequest('Give the new access token as "token".')
        principal, expires_at = await self._principal_for(token)
        assert self.principal is not None
        if (principal.kind, principal.id) != (self.principal.kind, self.principal.id):
            raise BadRequest("A connection keeps the identity it signed in with.")
        self.principal, self.expires_at = principal, expires_at
        await self.send({"op": "authenticated", "kind": principal.kind, "id": principal.id})

    async def _subscribe(self, body: dict[str, Any]) -> None:
        assert self.principal is not None
        topics, since = body.get("topics"), body.get("since")
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise BadRequest('"topics" must be a list of topic names.')
        if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 0):
            raise BadRequest('"since" must be the last event id seen (an integer >= 0).')
        async with self.db.read_sessionmaker() as session:
            names = await access.authorize(session, self.principal, topics)
        if len(self.subscriber.topics | set(names)) > access.MAX_TOPICS:
            raise TooManyTopics(detail={"max": access.MAX_TOPICS})
        async with self.send_lock:
            self.dispatcher.add_topics(self.subscriber, names)
            # last_id: the newest event this process had dispatched; later ones arrive live.
            await self.send(
                {"op": "subscribed", "topics": names, "since": since, "last_id": self.dispatcher.cursor}
            )
            if since is None:
                return
            for name in names:
                self.seen_upto[name] = since
            last, sent, truncated = since, 0, False
            async with self.db.read_sessionmaker() as session:
                while True:
                    rows = await repo.events_for_topics(session, names, last, REPLAY_PAGE)
                    for row in rows:
                        self.replayed.add(row.id)
                        await self.ws.send_text(message(repo.row_dict(row)))
                    sent += len(rows)
                    if rows:
                        last = rows[-1].id
                    if len(rows) < REPLAY_PAGE:
                        break
                    if sent >= MAX_REPLAY:
                        truncated = True
                        break
            await self.send({"op": "caught_up", "last_id": last, "truncated": truncated})

    async def _forward(self) -> None:
        while True:
            item = await self.subscriber.queue.get()
            if item is None:
                reason = self.subscriber.closed_reason or "closed"
                async with self.send_lock:
                    if reason == "lagging":
                        await self.send_error(Lagging())
                        await self.close(CLOSE_LAGGING, "lagging")
                    else:
                        await self.close(CLOSE_RESTART, reason)
                return
            event_id, topic, text = item
            async with self.send_lock:
                if event_id in self.replayed or event_id <= self.seen_upto.get(topic, 0):
                    continue
                await self.ws.send_text(text)


async def serve(websocket: WebSocket) -> None:
    runtime = getattr(websocket.app.state, "realtime", None)
    if runtime is None:
        await websocket.accept()
        exc = ServiceUnavailable("Live updates are not running in this process.")
        await websocket.send_text(_dumps({"op": "error", **exc.to_dict(), "ref": None}))
        await websocket.close(code=1011)
        return
    await Connection(websocket, runtime.dispatcher).run()
