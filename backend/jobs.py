"""The scheduled jobs every backend process offers to run (each runs on one process at a time)."""

from __future__ import annotations

from backend.core.db import Database
from backend.core.jobs import Job
from backend.core.settings import Settings
from backend.members.tasks import nightly as members_nightly


async def _members_nightly(db: Database, settings: Settings) -> dict[str, int]:
    async with db.sessionmaker() as session:
        result = await members_nightly(session)
        await session.commit()
    return result


JOBS: list[Job] = [
    Job("members.nightly", 24 * 3600, _members_nightly, "Expire points, recompute tiers as spend ages out"),
]
