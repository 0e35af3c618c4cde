"""Withdrawals racing for the same settled commission: one conditional update each, so the balance
never goes below zero and only what is there is paid out."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from backend.distribution import service
from backend.distribution.errors import InsufficientCommission
from backend.distribution.models import Distributor
from backend.distribution.schemas import WithdrawalCreate
from tests.factories import create_member


async def test_concurrent_withdrawals_never_overdraw(app, session) -> None:  # type: ignore[no-untyped-def]
    member = await create_member(session)
    distributor = Distributor(member_id=member.id, code="RACE2345", available=2_500)
    session.add(distributor)
    await session.commit()

    async def attempt() -> bool:
        async with app.state.db.sessionmaker() as own:
            mine = await own.get(Distributor, distributor.id)
            assert mine is not None
            try:
                await service.request_withdrawal(
                    own, mine, WithdrawalCreate(amount=1_000, account="微信零钱")
                )
            except InsufficientCommission:
                await own.rollback()
                return False
            await own.commit()
            return True

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))
    assert outcomes.count(True) == 2
    row = (
        await session.execute(
            select(Distributor.available, Distributor.pending_withdrawal)
            .where(Distributor.id == distributor.id)
            .execution_options(populate_existing=True)
        )
    ).one()
    await session.commit()
    assert tuple(row) == (500, 2_000)
