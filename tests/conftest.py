"""Test harness: every database test runs on SQLite and on PostgreSQL, schemas built by migrations.

``OMO_TEST_DATABASES`` picks the backends (default ``sqlite,postgresql``); ``OMO_TEST_POSTGRES_URL``
is the server used to create a throwaway database for this run.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.core.db import sync_url
from backend.core.migrations import upgrade
from backend.core.settings import Settings
from backend.models import metadata

POSTGRES_URL = os.environ.get("OMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [
    b.strip() for b in os.environ.get("OMO_TEST_DATABASES", "sqlite,postgresql").split(",") if b.strip()
]


class TestDatabase:
    def __init__(self, kind: str, url: str, engine: Engine) -> None:
        self.kind = kind
        self.url = url
        self.engine = engine

    def clean(self) -> None:
        """Empty every table (children first); sequences keep counting, tests never rely on ids."""
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())


def _create_postgres_database() -> tuple[str, str]:
    name = f"omo_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(sync_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base, _, _ = POSTGRES_URL.rpartition("/")
    return name, f"{base}/{name}"


def _drop_postgres_database(name: str) -> None:
    admin = create_engine(sync_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def test_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestDatabase]:
    kind = request.param
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'omo.db'}"
        upgrade(url)
        engine = create_engine(sync_url(url))
        yield TestDatabase(kind, url, engine)
        engine.dispose()
    elif kind == "postgresql":
        name, url = _create_postgres_database()
        upgrade(url)
        engine = create_engine(sync_url(url))
        yield TestDatabase(kind, url, engine)
        engine.dispose()
        _drop_postgres_database(name)
    else:
        raise ValueError(f"unknown test database {kind!r}")


@pytest.fixture
def settings(test_db: TestDatabase, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=test_db.url,
        var_dir=tmp_path / "var",
        secret_key="test-secret-" + "x" * 32,
        db_pool_size=5,
        jobs_enabled=False,
    )


@pytest.fixture
async def app(settings: Settings, test_db: TestDatabase) -> AsyncIterator:
    test_db.clean()
    application = create_app(settings)
    yield application
    await application.state.db.dispose()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def session(app) -> AsyncIterator[AsyncSession]:  # type: ignore[no-untyped-def]
    """A session on the app's database for factories; factories flush, the test commits via ``commit``."""
    async with app.state.db.sessionmaker() as db_session:
        yield db_session
        await db_session.commit()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A real uvicorn server on a free (or given) port, in a thread with its own event loop."""

    def __init__(self, settings: Settings, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
async def live_server(app, settings: Settings) -> AsyncIterator[LiveServer]:  # type: ignore[no-untyped-def]
    server = LiveServer(settings)
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser and window tests exercise the screens, not the database: run them on one database only
    (PostgreSQL, the production one, when it is configured)."""
    preferred = "postgresql" if "postgresql" in BACKENDS else BACKENDS[0]
    keep, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("test_db") if callspec else None
        if item.get_closest_marker("e2e") and backend is not None and backend != preferred:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
