"""Store audit: compute the period's flags, and show them to HQ or to a franchisee for their own stores."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core.errors import Forbidden
from backend.core.time import utcnow
from backend.inspection import analysis
from backend.inspection import repository as repo
from backend.inspection.models import InspectionFlag, InspectionRun
from backend.inspection.schemas import Flag, Flags, RunResult


async def run(session: AsyncSession, days: int = 30, end: datetime | None = None) -> RunResult:
    """Flag stores and cashiers over the ``days`` before ``end`` (UTC midnight today by default)."""
    end = end or utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    stores = await repo.stores(session)
    rows = await repo.order_rows(session, start, end, start - timedelta(days=days))
    by_store, by_cashier = analysis.tally(rows, {sid: (h, tz) for sid, (h, tz, _) in stores.items()})
    found = analysis.findings(by_store, by_cashier)
    await repo.replace_flags(
        session,
        InspectionRun(
            period_start=start,
            period_end=end,
            stores=len(by_store),
            cashiers=len(by_cashier),
            flags=len(found),
        ),
        [
            InspectionFlag(
                period_start=start,
                period_end=end,
                store_id=f.store_id,
                merchant_id=stores.get(f.store_id, (None, "", None))[2],
                subject_kind=f.subject_kind,
                subject_id=f.subject_id,
                metric=f.metric,
                value=f.value,
                peer_median=f.peer_median,
                robust_z=f.robust_z,
                evidence=f.evidence,
            )
            for f in found
        ],
    )
    return RunResult(
        period_start=start, period_end=end, stores=len(by_store), cashiers=len(by_cashier), flags=len(found)
    )


async def flags(session: AsyncSession, principal: Principal) -> Flags:
    """The latest period's flags: all of them for HQ, a franchisee's own stores for its admin."""
    merchant_id = None
    if not principal.is_hq:
        if StaffRole.FRANCHISEE_ADMIN not in principal.roles or principal.merchant_id is None:
            raise Forbidden("Only HQ and franchisee admins see store-audit flags.")
        merchant_id = principal.merchant_id
    period_end = await repo.latest_period_end(session)
    if period_end is None:
        return Flags(period_end=None, flags=[])
    rows = await repo.flags(session, period_end, merchant_id, None)
    return Flags(period_end=period_end, flags=[Flag.model_validate(r) for r in rows])
