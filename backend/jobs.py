"""The scheduled jobs every backend process offers to run (each runs on one process at a time)."""

from __future__ import annotations

import asyncio

from backend.campaigns.tasks import sweep as campaigns_sweep
from backend.core.db import Database
from backend.core.jobs import Job
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.distribution.tasks import job as distribution_sync
from backend.inspection.tasks import flags_job as inspection_flags
from backend.members.tasks import nightly as members_nightly
from backend.pricing.tasks import price_actions
from backend.tickets.tasks import sla_job as tickets_sla
from backend.vision.tasks import index_job as vision_index


async def _members_nightly(db: Database, settings: Settings) -> dict[str, int]:
    async with db.sessionmaker() as session:
        result = await members_nightly(session)
        await session.commit()
    return result


async def _members_birthday(db: Database, settings: Settings) -> dict[str, int]:
    from backend.members.tasks import birthday

    async with db.sessionmaker() as session:
        result = await birthday(session)
        await session.commit()
    return result


async def _payments_reconcile(db: Database, settings: Settings) -> dict[str, int]:
    from backend.payments.tasks import reconcile_open_payments

    return {"moved": await reconcile_open_payments(db, settings)}


async def _expire_reservations(db: Database, settings: Settings) -> dict[str, int]:
    from backend.inventory.tasks import expire_reservations

    return {"released": await expire_reservations(db)}


async def _near_expiry(db: Database, settings: Settings) -> dict[str, int]:
    from backend.inventory.tasks import near_expiry

    return {"alerts": await near_expiry(db)}


async def _cancel_unpaid(db: Database, settings: Settings) -> dict[str, int]:
    from backend.orders.tasks import cancel_unpaid_orders

    return {"cancelled": await cancel_unpaid_orders(db)}


async def _kiosk_stale(db: Database, settings: Settings) -> dict[str, int]:
    from backend.orders.kiosk import cancel_stale

    async with db.sessionmaker() as session:
        closed = await cancel_stale(session, utcnow())
        await session.commit()
    return {"closed": closed}


async def _booking_reminders(db: Database, settings: Settings) -> dict[str, int]:
    from backend.appointments.tasks import send_due_reminders

    async with db.sessionmaker() as session:
        sent = await send_due_reminders(session, utcnow())
        await session.commit()
    return {"sent": sent}


async def _expire_coupons(db: Database, settings: Settings) -> dict[str, int]:
    from backend.marketing.coupons import expire_lapsed

    async with db.sessionmaker() as session:
        expired = await expire_lapsed(session)
        await session.commit()
    return {"expired": expired}


async def _intelligence(db: Database, settings: Settings, name: str) -> dict[str, int]:
    from backend.intelligence.tasks import run

    return await run(db, name)


JOBS: list[Job] = [
    Job("distribution.sync", 300, distribution_sync, "Freeze, reverse and settle distribution commissions"),
    Job("pricing.price_actions", 60, price_actions, "Price changes coming due; near-expiry markdowns"),
    Job("orders.cancel_unpaid", 30, _cancel_unpaid, "Cancel orders left unpaid, giving their stock back"),
    Job(
        "orders.kiosk_stale",
        300,
        _kiosk_stale,
        "Close kiosk checkouts left unpaid, giving back their coupons and stored value",
    ),
    Job(
        "inventory.expire_reservations",
        30,
        _expire_reservations,
        "Give back stock held by lapsed reservations",
    ),
    Job("inventory.near_expiry", 3600, _near_expiry, "Raise near-expiry (临期) alerts for batches"),
    Job("members.nightly", 24 * 3600, _members_nightly, "Expire points, recompute tiers as spend ages out"),
    Job("members.birthday", 24 * 3600, _members_birthday, "Issue birthday-month coupons, once a year"),
    Job(
        "appointments.reminders", 60, _booking_reminders, "Remind members of bookings a day and an hour ahead"
    ),
    Job("marketing.expire_coupons", 3600, _expire_coupons, "Mark coupons past their validity as expired"),
    Job("vision.index", 600, vision_index, "Index new catalog pictures for photo search"),
    Job("inspection.flags", 24 * 3600, inspection_flags, "Store audit: stores and cashiers out of line"),
    Job("tickets.sla", 60, tickets_sla, "Mark tickets whose first answer or resolution is overdue"),
    Job("campaigns.sweep", 30, campaigns_sweep, "Refund timed-out group buys; unpaid flash-sale units back"),
    Job(
        "payments.reconcile",
        60,
        _payments_reconcile,
        "Settle paid payments whose notice never came; close expired",
    ),
    Job(
        "intelligence.recommendations",
        6 * 3600,
        lambda db, s: _intelligence(db, s, "recommendations"),
        "Retrain recommendations (for you, bought together, store/region best sellers)",
    ),
    Job(
        "intelligence.plan_stock",
        24 * 3600,
        lambda db, s: _intelligence(db, s, "plan_stock"),
        "Forecast demand per store and SKU; plan replenishment and smart transfers",
    ),
    Job(
        "intelligence.segments",
        24 * 3600,
        lambda db, s: _intelligence(db, s, "segments"),
        "Score members (RFM, segments, sleeping, churn risk)",
    ),
    Job(
        "intelligence.pricing",
        24 * 3600,
        lambda db, s: _intelligence(db, s, "pricing"),
        "Suggest regional prices and near-expiry markdowns for HQ approval",
    ),
]


def background_loops(db: Database, settings: Settings) -> list[asyncio.Task[None]]:
    """Long-running loops of this process (started and cancelled with the app)."""
    from backend.payments.config import runtime
    from backend.payments.tasks import run_notifier

    loops = []
    if runtime(settings).sandbox_enabled:
        # The sandbox gateway delivers its signed notifications to our notify endpoint, with retries.
        loops.append(asyncio.create_task(run_notifier(db, settings), name="sandbox-notifier"))
    return loops
