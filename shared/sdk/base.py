"""The SDK's transport: one definition of every call, run by a sync or an async client.

Each domain module defines a ``Resource`` whose methods describe a request (method, path, body, the
model to parse the answer into) and hand it to ``self._call``. The sync ``Client`` runs it at once;
the ``AsyncClient`` returns an awaitable. Errors come back as the same classes the backend raised.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from shared.errors import RetailError, ServiceUnavailable, TokenInvalid, from_response

T = TypeVar("T")
API_PREFIX = "/api/v1"


class NetworkError(ServiceUnavailable):
    """The backend could not be reached (no connection, timeout)."""

    code = "network_error"
    default_message = "The server cannot be reached."


@dataclass
class Tokens:
    access_token: str | None = None
    refresh_token: str | None = None
    # Called with the new pair after a refresh, so an app can persist it.
    on_change: Callable[[Tokens], None] | None = None

    def set(self, access: str | None, refresh: str | None) -> None:
        self.access_token, self.refresh_token = access, refresh
        if self.on_change:
            self.on_change(self)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None
    files: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    model: Any = None
    auth: bool = True
    expect_empty: bool = False
    # Runs on the parsed result before it is returned (e.g. to keep the tokens of a sign-in).
    after: Callable[[Any], Any] | None = None


def _clean_params(params: dict[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    return {k: v for k, v in params.items() if v is not None and v != [] and v != ()}


def _parse(call: Call, response: httpx.Response) -> Any:
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        raise from_response(response.status_code, body)
    if call.expect_empty or response.status_code == 204 or not response.content:
        return call.after(None) if call.after else None
    data = response.json()
    result = data if call.model is None else _adapter(call.model).validate_python(data)
    return call.after(result) if call.after else result


_adapters: dict[Any, TypeAdapter[Any]] = {}
_adapters_lock = threading.Lock()


def _adapter(model: Any) -> TypeAdapter[Any]:
    key = repr(model)
    adapter = _adapters.get(key)
    if adapter is None:
        with _adapters_lock:
            adapter = _adapters.setdefault(key, TypeAdapter(model))
    return adapter


def idempotency_key() -> str:
    """A fresh client-generated id for a request that must not be applied twice."""
    return uuid.uuid4().hex


class Resource:
    """A group of API calls; methods build a ``Call`` and pass it to ``_call``."""

    def __init__(self, runner: Callable[[Call], Any]) -> None:
        self._call = runner


def _request_kwargs(call: Call, tokens: Tokens) -> dict[str, Any]:
    headers = dict(call.headers)
    if call.auth and tokens.access_token and "Authorization" not in headers:
        headers["Authorization"] = f"Bearer {tokens.access_token}"
    kwargs: dict[str, Any] = {"params": _clean_params(call.params), "headers": headers}
    if call.files is not None:
        kwargs["files"] = call.files
        if call.json is not None:
            kwargs["data"] = call.json
    elif call.json is not None:
        kwargs["json"] = call.json
    return kwargs


def _should_refresh(call: Call, response: httpx.Response, tokens: Tokens) -> bool:
    return (
        response.status_code == 401
        and call.auth
        and tokens.refresh_token is not None
        and not call.path.startswith("/auth/refresh")
    )


REFRESH = "/auth/refresh"


class BaseClient:
    """Synchronous client. ``http`` may be any httpx.Client (a TestClient in tests)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.Client | None = None,
        tokens: Tokens | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.tokens = tokens or Tokens()
        self.http = http or httpx.Client(base_url=base_url or "http://127.0.0.1:8000", timeout=timeout)
        self._refresh_lock = threading.Lock()

    def run(self, call: Call) -> Any:
        response = self._send(call)
        if _should_refresh(call, response, self.tokens) and self._refresh():
            response = self._send(call)
        return _parse(call, response)

    def _send(self, call: Call) -> httpx.Response:
        try:
            return self.http.request(
                call.method, API_PREFIX + call.path, **_request_kwargs(call, self.tokens)
            )
        except httpx.TransportError as exc:
            raise NetworkError(detail={"reason": type(exc).__name__}) from exc

    def _refresh(self) -> bool:
        with self._refresh_lock:
            token = self.tokens.refresh_token
            if token is None:
                return False
            response = self.http.post(API_PREFIX + REFRESH, json={"refresh_token": token})
            if response.status_code != 200:
                self.tokens.set(None, None)
                return False
            body = response.json()
            self.tokens.set(body["access_token"], body["refresh_token"])
            return True

    def close(self) -> None:
        self.http.close()


class AsyncBaseClient:
    """Asynchronous client; every resource method returns an awaitable."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        tokens: Tokens | None = None,
        timeout: float = 15.0,
    ) -> None:
        import asyncio

        self.tokens = tokens or Tokens()
        self.http = http or httpx.AsyncClient(base_url=base_url or "http://127.0.0.1:8000", timeout=timeout)
        self._refresh_lock = asyncio.Lock()

    def run(self, call: Call) -> Awaitable[Any]:
        return self._run(call)

    async def _run(self, call: Call) -> Any:
        response = await self._send(call)
        if _should_refresh(call, response, self.tokens) and await self._refresh(call):
            response = await self._send(call)
        return _parse(call, response)

    async def _send(self, call: Call) -> httpx.Response:
        try:
            return await self.http.request(
                call.method, API_PREFIX + call.path, **_request_kwargs(call, self.tokens)
            )
        except httpx.TransportError as exc:
            raise NetworkError(detail={"reason": type(exc).__name__}) from exc

    async def _refresh(self, call: Call) -> bool:
        stale = _request_kwargs(call, self.tokens)["headers"].get("Authorization")
        async with self._refresh_lock:
            current = f"Bearer {self.tokens.access_token}" if self.tokens.access_token else None
            if current and current != stale:
                return True  # another task refreshed while we waited
            token = self.tokens.refresh_token
            if token is None:
                return False
            response = await self.http.post(API_PREFIX + REFRESH, json={"refresh_token": token})
            if response.status_code != 200:
                self.tokens.set(None, None)
                return False
            body = response.json()
            self.tokens.set(body["access_token"], body["refresh_token"])
            return True

    async def aclose(self) -> None:
        await self.http.aclose()


__all__ = [
    "AsyncBaseClient",
    "BaseClient",
    "Call",
    "NetworkError",
    "Resource",
    "RetailError",
    "TokenInvalid",
    "Tokens",
    "idempotency_key",
]
