"""Backups: ``omo backup`` / ``omo restore`` for SQLite (the online backup API) and PostgreSQL
(pg_dump / pg_restore in custom format, restored in one transaction)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select

from backend.core.db import sync_url
from backend.core.time import utcnow


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class TableFigures:
    rows: int
    digest: str


def _sqlite_path(url: str) -> Path:
    path = url.split(":///", 1)[1]
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(path)


def _libpq_url(url: str) -> str:
    """The URL without SQLAlchemy's driver suffix, as pg_dump and pg_restore take it."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else url


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def default_file(url: str, directory: Path) -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return directory / f"omo-{stamp}.{'sqlite' if url.startswith('sqlite') else 'pgdump'}"


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` while it keeps serving."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    command = [
        _tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
        _libpq_url(url),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_dump failed")
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with the backup (stop the backend first)."""
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if url.startswith("sqlite"):
        check = sqlite3.connect(source)
        try:
            try:
                verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"the backup file is damaged: {exc}") from exc
            if verdict != "ok":
                raise BackupError(f"the backup file is damaged: {verdict}")
            dest = sqlite3.connect(_sqlite_path(url))
            try:
                check.backup(dest)
            finally:
                dest.close()
        finally:
            check.close()
        return
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={_libpq_url(url)}",
        str(source),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_restore failed")


def figures(url: str) -> dict[str, TableFigures]:
    """Row count and a digest of every row of every table, to prove a round trip kept everything."""
    from backend.models import metadata

    engine = create_engine(sync_url(url))
    out: dict[str, TableFigures] = {}
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                digest = hashlib.sha256()
                order = list(table.primary_key.columns) or list(table.columns)
                for row in conn.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
                out[table.name] = TableFigures(rows, digest.hexdigest())
    finally:
        engine.dispose()
    return out
