"""The daily store-audit job."""

from __future__ import annotations

from backend.core.db import Database
from backend.core.settings import Settings
from backend.inspection.service import run


async def flags_job(db: Database, settings: Settings) -> dict[str, int]:
    """Flag stores and cashiers over the last 30 days."""
    async with db.sessionmaker() as session:
        result = await run(session)
        await session.commit()
    return {"stores": result.stores, "cashiers": result.cashiers, "flags": result.flags}
