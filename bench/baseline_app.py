"""The bare endpoints benchmarks compare against, served by uvicorn exactly like the backend.

``GET /row`` returns a row read once at start-up and kept in memory (the floor for a read);
``POST /insert`` inserts one row into a scratch table of the same database (the floor for a write).
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

URL = os.environ["OMO_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
engine = create_async_engine(URL, pool_size=10, max_overflow=10)
cached: dict[str, Any] = {}


@asynccontextmanager
async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS bench_inserts"
                " (id bigserial PRIMARY KEY, body text, at timestamptz)"
            )
        )
        row = (
            await conn.execute(text("SELECT id, code, name_zh, name_en FROM products ORDER BY id LIMIT 1"))
        ).first()
        cached.update(row._asdict() if row else {})
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/row")
async def row() -> dict[str, Any]:
    return cached


@app.post("/insert")
async def insert() -> dict[str, int]:
    async with engine.begin() as conn:
        new_id = (
            await conn.execute(
                text("INSERT INTO bench_inserts (body, at) VALUES ('order', now()) RETURNING id")
            )
        ).scalar_one()
    return {"id": new_id}
