"""The campaigns' scheduled sweep: failed groups refunded, unpaid seats and claims given back, ended
flash-sale pools returned to their stores, lapsed bargains closed. Each step in its own transaction."""

from __future__ import annotations

from datetime import datetime

from backend.campaigns import bargain, flashsale, groupbuy
from backend.campaigns import repository as repo
from backend.core.db import Database
from backend.core.settings import Settings
from backend.core.time import utcnow

BATCH = 200


async def expire_groups(db: Database, now: datetime | None = None) -> int:
    """Fail every group past its time limit (refunding its paid members); returns how many."""
    now = now or utcnow()
    failed = 0
    while True:
        async with db.sessionmaker() as session:
            due = await repo.due_groups(session, now, BATCH)
        for group_id in due:
            async with db.sessionmaker() as session:
                if await groupbuy.fail_group(session, group_id, now):
                    failed += 1
                await session.commit()
        if len(due) < BATCH:
            return failed


async def drop_unpaid_seats(db: Database, now: datetime | None = None) -> int:
    async with db.sessionmaker() as session:
        dropped = 0
        for seat in await repo.unpaid_seats_due(session, now or utcnow(), BATCH):
            dropped += await groupbuy.drop_unpaid_seat(session, seat)
        await session.commit()
    return dropped


async def expire_claims(db: Database, now: datetime | None = None) -> int:
    async with db.sessionmaker() as session:
        count = await flashsale.expire_claims(session, now)
        await session.commit()
    return count


async def close_ended_items(db: Database, now: datetime | None = None) -> int:
    async with db.sessionmaker() as session:
        ended = await repo.items_ended(session, now or utcnow(), BATCH)
    for item_id in ended:
        async with db.sessionmaker() as session:
            await flashsale.close_item(session, item_id)
            await session.commit()
    return len(ended)


async def expire_bargains(db: Database, now: datetime | None = None) -> int:
    async with db.sessionmaker() as session:
        count = await bargain.expire_lapsed(session, now)
        await session.commit()
    return count


async def sweep(db: Database, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Everything time-driven in the campaigns, in the order that keeps units flowing back."""
    return {
        "unpaid_seats": await drop_unpaid_seats(db, now),
        "groups_failed": await expire_groups(db, now),
        "claims_expired": await expire_claims(db, now),
        "pools_closed": await close_ended_items(db, now),
        "bargains_expired": await expire_bargains(db, now),
    }
