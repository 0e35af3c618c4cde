"""Database: declarative base, portable column types, engines and the per-request session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

from backend.core.errors import Conflict, RetailError
from backend.core.time import as_utc, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite stores them naive, as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


# 64-bit keys for tables that grow without bound (ledgers, events); SQLite needs INTEGER for rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
bigpk = Annotated[int, mapped_column(BigId, primary_key=True)]
created_at = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow, nullable=False)]
updated_at = Annotated[
    datetime, mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
]


def async_url(url: str) -> str:
    """Map a plain database URL to the async driver the app uses."""
    if url.startswith("sqlite:///"):
        return url.replace("sqlite:///", "sqlite+aiosqlite:///", 1)
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sync_url(url: str) -> str:
    """Map a database URL to the sync driver (Alembic, backups, tools)."""
    if url.startswith("sqlite+aiosqlite:///"):
        return url.replace("sqlite+aiosqlite:///", "sqlite:///", 1)
    if url.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _configure_sqlite(engine: AsyncEngine, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the lock up front, so a read-then-write never fails half way on SQLITE_BUSY.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Engines and session factories for one database URL.

    On SQLite there are two engines: writes begin IMMEDIATE (serialised by SQLite's lock with a busy
    timeout), reads begin deferred and run beside them under WAL. On PostgreSQL both are one engine.
    """

    def __init__(
        self, url: str, *, pool_size: int = 10, echo: bool = False, report_url: str | None = None
    ) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_async_engine(self.url, echo=echo)
            self.read_engine = create_async_engine(self.url, echo=echo)
            _configure_sqlite(self.engine, immediate=True)
            _configure_sqlite(self.read_engine, immediate=False)
        else:
            self.engine = create_async_engine(
                self.url, echo=echo, pool_size=pool_size, max_overflow=pool_size * 2, pool_pre_ping=True
            )
            self.read_engine = self.engine
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False, autoflush=False)
        self.report_engine = self.read_engine
        if report_url:
            self.report_engine = create_async_engine(
                async_url(report_url),
                echo=echo,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
            )
        self.report_sessionmaker = async_sessionmaker(
            self.report_engine, expire_on_commit=False, autoflush=False
        )

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
        if self.report_engine is not self.read_engine:
            await self.report_engine.dispose()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The one place that owns a request's transaction: commit on success, roll back on error."""
    db: Database = request.app.state.db
    maker = db.read_sessionmaker if request.method in SAFE_METHODS else db.sessionmaker
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except RetailError as exc:
            await (session.commit() if exc.keeps_changes else session.rollback())
            raise
        except IntegrityError as exc:
            # A uniqueness or foreign-key race the service could not see coming: a conflict, not a crash.
            await session.rollback()
            raise Conflict(
                "The change conflicts with existing data.", detail={"reason": str(exc.orig)[:200]}
            ) from exc
        except BaseException:
            await session.rollback()
            raise


async def get_report_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A read-only session on the report replica (the primary when none is configured)."""
    db: Database = request.app.state.db
    async with db.report_sessionmaker() as session:
        try:
            yield session
        finally:
            await session.rollback()


ReportSession = Annotated[AsyncSession, Depends(get_report_session, scope="function")]


# scope="function": the commit happens before the response is sent, so a client never sees success
# for a transaction that then fails to commit, and never reads before its own write is visible.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
