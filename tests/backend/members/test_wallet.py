from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.core.errors import RetailError
from backend.core.time import utcnow
from backend.members import wallet
from backend.members.models import MemberWallet, PointsEntry, StoredValueEntry, TierRule, TopupBonus
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token


async def _ledger_matches(session, member_id: int) -> None:
    held = await session.get(MemberWallet, member_id, populate_existing=True)
    points = await session.scalar(
        select(func.sum(PointsEntry.delta)).where(PointsEntry.member_id == member_id)
    )
    lots = await session.scalar(
        select(func.sum(PointsEntry.remaining)).where(PointsEntry.member_id == member_id)
    )
    stored = await session.scalar(
        select(func.sum(StoredValueEntry.delta)).where(StoredValueEntry.member_id == member_id)
    )
    assert held.points == (points or 0) == (lots or 0)
    assert held.stored_value == (stored or 0)
    assert held.points >= 0 and held.stored_value >= 0


async def test_points_spend_soonest_expiring_lots_first_and_expire(session):
    member = await create_member(session)
    now = utcnow()
    await wallet.earn_points(session, member.id, 100, "order", "A", valid_days=10, now=now)
    await wallet.earn_points(session, member.id, 50, "order", "B", valid_days=5, now=now)
    await wallet.redeem_points(session, member.id, 70, "order", "C")
    lots = {
        e.ref_id: e.remaining
        for e in await session.scalars(select(PointsEntry).where(PointsEntry.kind == "earn"))
    }
    assert lots == {"A": 80, "B": 0}
    expired = await wallet.expire_points(session, now + timedelta(days=11))
    assert expired == 80
    assert (await wallet.get_wallet(session, member.id)).points == 0
    await _ledger_matches(session, member.id)


async def test_replayed_earn_and_redeem_change_nothing(session):
    member = await create_member(session)
    first = await wallet.earn_points(session, member.id, 30, "pos_sale", "uuid-1", valid_days=365)
    again = await wallet.earn_points(session, member.id, 30, "pos_sale", "uuid-1", valid_days=365)
    assert again.id == first.id
    await wallet.redeem_points(session, member.id, 10, "order", "X")
    await wallet.redeem_points(session, member.id, 10, "order", "X")
    assert (await wallet.get_wallet(session, member.id)).points == 20
    await _ledger_matches(session, member.id)


async def test_redeeming_more_than_the_balance_is_refused(session):
    member = await create_member(session)
    await wallet.earn_points(session, member.id, 5, "order", "A", valid_days=30)
    with pytest.raises(wallet.InsufficientPoints):
        await wallet.redeem_points(session, member.id, 6, "order", "B")


async def test_refund_reverses_earned_points_and_restores_spent_ones(session):
    member = await create_member(session)
    await wallet.earn_points(session, member.id, 100, "order", "old", valid_days=365)
    await wallet.redeem_points(session, member.id, 40, "order", "R")
    await wallet.earn_points(session, member.id, 20, "order", "R", valid_days=365)
    net = await wallet.reverse_points(session, member.id, "order", "R")
    assert net == 40 - 20
    # 100 earned before, 40 spent on R and 20 earned by R; the refund gives the 40 back and takes the 20.
    assert (await wallet.get_wallet(session, member.id)).points == 100 - 40 + 20 + 40 - 20
    assert await wallet.reverse_points(session, member.id, "order", "R") == 0
    await _ledger_matches(session, member.id)


async def test_stored_value_top_up_bonus_pay_refund(session, settings):
    member = await create_member(session)
    session.add_all([TopupBonus(min_amount=20000, bonus=1000), TopupBonus(min_amount=50000, bonus=5000)])
    await session.flush()
    entries = await wallet.top_up(session, settings, member.id, 50000, "till_cash", "k1")
    assert [(e.kind, e.delta) for e in entries] == [("topup", 50000), ("bonus", 5000)]
    await wallet.pay(session, settings, member.id, 12000, "order", "77")
    await wallet.refund(session, settings, member.id, 2000, "order", "77", "r1")
    with pytest.raises(RetailError) as too_much:
        await wallet.refund(session, settings, member.id, 10001, "order", "77", "r2")
    assert too_much.value.detail == {"amount": 10001, "paid": 12000, "refunded": 2000}
    assert (await wallet.get_wallet(session, member.id)).stored_value == 55000 - 12000 + 2000
    await _ledger_matches(session, member.id)


async def test_stored_value_limit(session, settings):
    member = await create_member(session)
    with pytest.raises(wallet.BalanceLimit):
        await wallet.top_up(
            session, settings, member.id, settings.stored_value_max_balance + 1, "till_cash", "k"
        )


async def test_concurrent_payments_never_overdraw(app, session, settings):
    """100 payments of 10 yuan race against a balance of 300 yuan: exactly 30 succeed."""
    member = await create_member(session)
    await wallet.top_up(session, settings, member.id, 30000, "till_cash", "seed")
    await session.commit()

    async def pay_once(i: int) -> bool:
        async with app.state.db.sessionmaker() as own:
            try:
                await wallet.pay(own, settings, member.id, 1000, "order", f"o{i}")
                await own.commit()
                return True
            except wallet.InsufficientBalance:
                await own.rollback()
                return False

    results = await asyncio.gather(*(pay_once(i) for i in range(100)))
    assert results.count(True) == 30
    await _ledger_matches(session, member.id)
    assert (await session.get(MemberWallet, member.id, populate_existing=True)).stored_value == 0


async def test_concurrent_redemptions_consume_each_lot_once(app, session):
    member = await create_member(session)
    for ref in ("a", "b", "c"):
        await wallet.earn_points(session, member.id, 10, "order", ref, valid_days=30)
    await session.commit()

    async def redeem(i: int) -> bool:
        async with app.state.db.sessionmaker() as own:
            try:
                await wallet.redeem_points(own, member.id, 7, "order", f"r{i}")
                await own.commit()
                return True
            except wallet.InsufficientPoints:
                await own.rollback()
                return False

    results = await asyncio.gather(*(redeem(i) for i in range(20)))
    assert results.count(True) == 4
    await _ledger_matches(session, member.id)


async def test_tier_by_rolling_twelve_month_spend(session):
    member = await create_member(session)
    session.add_all(
        [
            TierRule(code="silver", name_zh="银卡", name_en="Silver", min_spend_12m=100000, discount_bp=200),
            TierRule(code="gold", name_zh="金卡", name_en="Gold", min_spend_12m=500000, discount_bp=500),
        ]
    )
    await session.flush()
    now = utcnow()
    await wallet.record_spend(session, member.id, 300000, "order", "old", now - timedelta(days=400))
    progress = await wallet.record_spend(session, member.id, 120000, "order", "1", now - timedelta(days=10))
    assert progress.tier.code == "silver" and progress.to_next == 500000 - 120000
    progress = await wallet.record_spend(session, member.id, 400000, "order", "2", now)
    assert progress.tier.code == "gold" and progress.next_tier is None
    # A refund brings the spend back under the gold line.
    progress = await wallet.record_spend(session, member.id, -100000, "refund", "2", now)
    assert progress.tier.code == "silver"
    assert (await wallet.get_wallet(session, member.id)).tier_code == "silver"


async def test_till_top_up_is_idempotent_and_scoped(client, app, session):
    store, other = await create_store(session), await create_store(session)
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    member_tok = await member_token(client, app, "13500000001")
    member_id = (await client.get("/api/v1/members/me", headers=bearer(member_tok))).json()["id"]
    till = {**bearer(await staff_token(client, cashier)), "Idempotency-Key": "topup-0001"}
    body = {"amount": 10000, "tender": "cash", "store_id": store.id}
    first = await client.post(f"/api/v1/members/{member_id}/stored-value/topups", json=body, headers=till)
    replay = await client.post(f"/api/v1/members/{member_id}/stored-value/topups", json=body, headers=till)
    assert first.status_code == replay.status_code == 201 and first.json() == replay.json()
    wrong_store = {**body, "store_id": other.id}
    denied = await client.post(
        f"/api/v1/members/{member_id}/stored-value/topups", json=wrong_store, headers=till
    )
    assert denied.status_code == 403
    no_key = await client.post(
        f"/api/v1/members/{member_id}/stored-value/topups",
        json=body,
        headers=bearer(await staff_token(client, cashier)),
    )
    assert no_key.status_code == 422
    mine = (await client.get("/api/v1/members/me/wallet", headers=bearer(member_tok))).json()
    assert mine["stored_value"] == 10000 and mine["points"] == 0
    history = (await client.get("/api/v1/members/me/stored-value", headers=bearer(member_tok))).json()
    assert [e["kind"] for e in history] == ["topup"]


async def test_hq_sets_tiers(client, session):
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    token = bearer(await staff_token(client, hq))
    ladder = [
        {
            "code": "silver",
            "name_zh": "银卡",
            "name_en": "Silver",
            "min_spend_12m": 100000,
            "discount_bp": 200,
        },
        {"code": "gold", "name_zh": "金卡", "name_en": "Gold", "min_spend_12m": 500000, "discount_bp": 500},
        {
            "code": "diamond",
            "name_zh": "钻石卡",
            "name_en": "Diamond",
            "min_spend_12m": 2000000,
            "discount_bp": 800,
        },
    ]
    response = await client.put("/api/v1/members/tiers", json=ladder, headers=token)
    assert response.status_code == 200 and [t["code"] for t in response.json()] == [
        "silver",
        "gold",
        "diamond",
    ]
    duplicate = await client.put("/api/v1/members/tiers", json=[ladder[0], ladder[0]], headers=token)
    assert duplicate.status_code == 422
    assert len((await client.get("/api/v1/members/tiers")).json()) == 3
