"""Members factories: wallet balances put in through the wallet itself, and reading them back."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.members import wallet
from backend.members.models import MemberWallet, PointsEntry, StoredValueEntry
from backend.stores.models import Store
from tests.factories import bearer, create_staff, staff_token

_seq = itertools.count(1)


async def give_points(session: AsyncSession, member_id: int, points: int, valid_days: int = 30) -> None:
    await wallet.earn_points(session, member_id, points, "test", f"gift-{next(_seq)}", valid_days=valid_days)


async def top_up(
    client: httpx.AsyncClient, cashier: dict[str, str], member_id: int, store: Store, amount: int
) -> None:
    response = await client.post(
        f"/api/v1/members/{member_id}/stored-value/topups",
        json={"amount": amount, "tender": "cash", "store_id": store.id},
        headers={**cashier, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text


async def hq(client: httpx.AsyncClient, session: AsyncSession) -> dict[str, str]:
    person = await create_staff(session, ["hq_admin"], [])
    await session.commit()
    return bearer(await staff_token(client, person))


async def balances(app: Any, member_id: int) -> dict[str, int]:
    """The wallet as stored, and the sums of its two ledgers (which must equal the balances)."""
    async with app.state.db.sessionmaker() as check:
        held = await check.get(MemberWallet, member_id)
        points_sum = await check.scalar(
            select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(PointsEntry.member_id == member_id)
        )
        stored_sum = await check.scalar(
            select(func.coalesce(func.sum(StoredValueEntry.delta), 0)).where(
                StoredValueEntry.member_id == member_id
            )
        )
        return {
            "points": held.points if held else 0,
            "stored_value": held.stored_value if held else 0,
            "points_ledger": int(points_sum or 0),
            "stored_value_ledger": int(stored_sum or 0),
            "spend_12m": held.spend_12m if held else 0,
        }
