"""Background jobs: the sandbox gateway's notification delivery, and reconciling open payments."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import httpx

from backend.core.db import Database
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.payments import repository as repo
from backend.payments import service
from backend.payments.config import runtime
from backend.payments.errors import GatewayError
from backend.payments.models import OPEN_STATUSES
from backend.payments.simulators import sandbox as gateway

log = logging.getLogger("omo.payments.tasks")


async def deliver_notifications(
    db: Database, settings: Settings, *, http: httpx.AsyncClient, now: datetime | None = None
) -> int:
    """One pass of the sandbox gateway's delivery: post what is due; returns how many were accepted."""
    rt = runtime(settings)
    return await gateway.deliver_due(
        db,
        rt.sandbox_key,
        http,
        backoff=rt.config.notify_backoff_seconds,
        max_attempts=rt.config.notify_max_attempts,
        now=now,
    )


async def run_notifier(
    db: Database, settings: Settings, *, http: httpx.AsyncClient | None = None, interval: float = 1.0
) -> None:
    """Deliver the sandbox gateway's notifications until cancelled (start it in the app's lifespan)."""
    client = http or httpx.AsyncClient(timeout=runtime(settings).config.gateway_timeout_seconds)
    try:
        while True:
            try:
                await deliver_notifications(db, settings, http=client)
            except Exception:
                log.exception("sandbox notification delivery failed")
            await asyncio.sleep(interval)
    finally:
        if http is None:
            await client.aclose()


async def reconcile_open_payments(
    db: Database, settings: Settings, *, older_than_seconds: int = 60, limit: int = 100
) -> int:
    """Query the gateways for payments still open and close expired ones; returns how many moved."""
    rt = runtime(settings)
    online = [name for name, provider in rt.providers.items() if provider.online]
    async with db.read_sessionmaker() as session:
        candidates = await repo.open_payments(
            session,
            created_before=utcnow() - timedelta(seconds=older_than_seconds),
            limit=limit,
            providers=online,
        )
    moved = 0
    for candidate in candidates:
        async with db.sessionmaker() as session:
            try:
                payment = await service.sync_payment(session, candidate.id)
                if payment.status in OPEN_STATUSES and payment.expires_at and payment.expires_at <= utcnow():
                    payment = await service.close_payment(session, candidate.id, "expired")
                await session.commit()
            except GatewayError as exc:
                await session.rollback()
                log.warning("could not reconcile payment %s: %s", candidate.id, exc.message)
                continue
            except Exception:
                await session.rollback()
                log.exception("could not reconcile payment %s", candidate.id)
                continue
        if payment.status not in OPEN_STATUSES:
            moved += 1
    return moved
