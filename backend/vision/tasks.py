"""The photo-search index job."""

from __future__ import annotations

from backend.core.db import Database
from backend.core.settings import Settings
from backend.vision.service import refresh_index


async def index_job(db: Database, settings: Settings) -> dict[str, int]:
    """Add new catalog pictures to the photo-search index and drop deleted ones."""
    async with db.sessionmaker() as session:
        status = await refresh_index(session, settings.var_dir)
    return status.model_dump()
