"""The pricing domain's scheduled pass: price changes coming into force, and near-expiry markdowns."""

from __future__ import annotations

from backend.core.db import Database
from backend.core.settings import Settings
from backend.pricing import actions


async def price_actions(db: Database, settings: Settings) -> dict[str, int]:
    async with db.sessionmaker() as session:
        effective = await actions.make_due_effective(session)
        run = await actions.apply_markdowns(session)
        await session.commit()
    return {"changes_effective": effective, **run.model_dump()}
