"""Scheduled inventory jobs: expire overdue reservations, raise near-expiry alerts, and their loop."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime

from backend.core.db import Database
from backend.core.time import utcnow
from backend.inventory.service import alerts, stock

log = logging.getLogger("omo.inventory")


async def expire_reservations(db: Database, now: datetime | None = None) -> int:
    """Expire every overdue reservation (in batches of 500, each its own transaction); returns how many."""
    total = 0
    while True:
        async with db.sessionmaker() as session:
            count = await stock.release_expired(session, now or utcnow())
            await session.commit()
        total += count
        if count < 500:
            return total


async def near_expiry(db: Database, today: date | None = None) -> int:
    """Raise near-expiry alerts for batches inside their window; returns how many were raised."""
    async with db.sessionmaker() as session:
        raised = await alerts.scan_near_expiry(session, today)
        await session.commit()
    return raised


async def run_sweeper(db: Database, interval_s: float = 30.0, expiry_every_s: float = 3600.0) -> None:
    """Run forever: expire reservations every ``interval_s``, scan for near expiry every ``expiry_every_s``.

    Start it from the app's lifespan with ``asyncio.create_task(run_sweeper(app.state.db))`` and cancel
    the task on shutdown.
    """
    last_expiry_scan = float("-inf")
    loop = asyncio.get_running_loop()
    while True:
        try:
            expired = await expire_reservations(db)
            if expired:
                log.info("expired reservations", extra={"count": expired})
            if loop.time() - last_expiry_scan >= expiry_every_s:
                await near_expiry(db)
                last_expiry_scan = loop.time()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("inventory sweeper pass failed")
        await asyncio.sleep(interval_s)
