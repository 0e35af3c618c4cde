"""Store audit (AI巡检)."""

from __future__ import annotations

from datetime import datetime

from backend.inspection.schemas import Flags, RunResult
from shared.sdk.base import Call, Resource


class InspectionAPI(Resource):
    def flags(self) -> Flags:
        """The latest store-audit flags the caller may see."""
        return self._call(Call("GET", "/inspection/flags", model=Flags))

    def run(self, days: int = 30, end: datetime | None = None) -> RunResult:
        """Recompute the flags now (HQ)."""
        body = {"days": days, "end": end.isoformat() if end else None}
        return self._call(Call("POST", "/inspection/runs", json=body, model=RunResult))
