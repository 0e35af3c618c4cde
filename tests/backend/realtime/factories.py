"""Helpers for live-update tests: committed events and a small JSON WebSocket client."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
import websockets
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.events import emit
from backend.core.settings import ROOT, Settings

WAIT = 5.0


async def commit_event(
    session: AsyncSession, topic: str, type_: str, payload: dict[str, Any] | None = None
) -> int:
    """Emit one event and commit it, the way a service call inside a request does."""
    event = emit(session, topic, type_, payload or {})
    await session.commit()
    return event.id


def ws_url(base_url: str, token: str | None = None) -> str:
    url = base_url.replace("http://", "ws://", 1) + "/api/v1/ws"
    return f"{url}?token={token}" if token else url


class WsClient:
    def __init__(self, conn: websockets.ClientConnection) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, base_url: str, token: str | None = None) -> WsClient:
        client = cls(await websockets.connect(ws_url(base_url, token)))
        if token:
            hello = await client.recv()
            assert hello["op"] == "authenticated", hello
        return client

    async def send(self, body: dict[str, Any]) -> None:
        await self.conn.send(json.dumps(body))

    async def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.conn.recv(), timeout))

    async def subscribe(self, topics: list[str], since: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"op": "subscribe", "topics": topics}
        if since is not None:
            body["since"] = since
        await self.send(body)
        return await self.recv()

    async def events(self, count: int, timeout: float = WAIT) -> list[dict[str, Any]]:
        got = []
        while len(got) < count:
            message = await self.recv(timeout)
            assert message["op"] == "event", message
            got.append(message)
        return got

    async def close(self) -> None:
        await self.conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BackendProcess:
    """A real backend process (uvicorn running backend.asgi) on a free port."""

    def __init__(self, settings: Settings, env: dict[str, str], port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "OMO_ENV": "test",
            "OMO_DATABASE_URL": settings.database_url,
            "OMO_SECRET_KEY": settings.secret_key,
            "OMO_VAR_DIR": str(settings.var_dir),
            "OMO_DB_POOL_SIZE": "3",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "backend.asgi:app", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 240
        async with httpx.AsyncClient(base_url=self.url) as http:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"backend process exited with {self.process.returncode}")
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("backend process did not become ready")
                await asyncio.sleep(0.1)

    async def status(self) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.url) as http:
            return (await http.get("/api/v1/realtime/status")).json()

    async def wait_for_bus(self, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status = await self.status()
            if status["bus"]["connected"] or time.monotonic() > deadline:
                return status
            await asyncio.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def wait_for_subscribers(base_url: str, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout) as http:
        while (await http.get("/api/v1/realtime/status")).json()["dispatcher"]["subscribers"] < count:
            assert time.monotonic() < deadline, "no subscriber arrived"
            await asyncio.sleep(0.05)
