"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import text

from backend.auth.sms import make_provider
from backend.core import logging as omo_logging
from backend.core.bodylimit import BodyLimit
from backend.core.db import Database
from backend.core.errors import ServiceUnavailable, install_error_handlers
from backend.core.jobs import Scheduler
from backend.core.migrations import current_and_head
from backend.core.ratelimit import RateLimiter
from backend.core.request_context import RequestContext
from backend.core.settings import Settings, get_settings
from backend.hq.router import install as install_hq
from backend.jobs import JOBS, background_loops
from backend.payments.config import runtime as payments_runtime
from backend.realtime.runtime import start_realtime, stop_realtime
from backend.routers import ROUTERS
from backend.web import mount_web_apps

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 10 * 1024 * 1024


def _operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids: ``<tag>_<function name>``."""
    tag = route.tags[0] if route.tags else "api"
    return f"{tag}_{route.name}"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    omo_logging.configure(settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start_realtime(app)
        scheduler = Scheduler(app.state.db, settings, JOBS) if settings.jobs_enabled else None
        if scheduler:
            scheduler.start()
        loops = background_loops(app.state.db, settings) if settings.jobs_enabled else []
        yield
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        if scheduler:
            await scheduler.stop()
        await stop_realtime(app)
        await app.state.rate_limiter.close()
        await app.state.db.dispose()

    app = FastAPI(
        title="OMO Retail",
        version="0.1.0",
        description="One catalog, one stock picture, one membership and one order flow for chain stores.",
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
        telemetry=None
        if settings.telemetry
        else {"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    # Payments serve the app created last in this process (one per process outside tests); a runtime a
    # caller already set up for these very settings (a gateway simulator) is kept.
    payments_runtime(settings)
    app.state.db = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        echo=settings.db_echo,
        report_url=settings.database_report_url,
    )
    app.state.sms = make_provider(settings.sms_provider)
    app.state.rate_limiter = RateLimiter(settings.redis_url)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)

    app.add_middleware(RequestContext)

    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    install_hq(app)

    @app.get("/healthz", tags=["core"], include_in_schema=True)
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["core"])
    async def readyz() -> dict[str, object]:
        """The database answers and its schema is at the newest migration."""
        db: Database = app.state.db
        try:
            async with db.read_engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                current, head = await conn.run_sync(lambda c: current_and_head(c))
        except Exception as exc:
            raise ServiceUnavailable(
                "The database is not reachable.", detail={"reason": type(exc).__name__}
            ) from exc
        if current != head:
            raise ServiceUnavailable(
                "The database schema is not current.", detail={"current": current, "head": head}
            )
        return {"status": "ready", "database": "sqlite" if db.is_sqlite else "postgresql", "migration": head}

    mount_web_apps(app)
    return app
