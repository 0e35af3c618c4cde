"""分销: referral binding (first touch, no cycles, new members only), commissions on the line's net
after discounts, frozen until the after-sales window passes, reversed in proportion on returns and in
full when everything comes back, settled by the job, withdrawn with HQ review; the ledger adds up."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from backend.core.time import utcnow
from backend.distribution.models import Distributor, LedgerEntry
from backend.distribution.tasks import sync_commissions
from tests.backend.distribution.factories import return_units, till_sale
from tests.backend.marketing.factories import create_promotion
from tests.backend.orders.factories import put_stock
from tests.factories import (
    bearer,
    create_member,
    create_sku,
    create_staff,
    create_store,
    member_token,
    staff_token,
)

API = "/api/v1/distribution"


async def _signed_in(client, app, session):  # type: ignore[no-untyped-def]
    member = await create_member(session)
    await session.commit()
    return member, bearer(await member_token(client, app, member.phone))


async def _balances(session, distributor_id: int) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    row = (
        await session.execute(
            select(
                Distributor.frozen,
                Distributor.available,
                Distributor.pending_withdrawal,
                Distributor.withdrawn,
            )
            .where(Distributor.id == distributor_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    ledger = (
        await session.execute(
            select(func.sum(LedgerEntry.frozen_delta), func.sum(LedgerEntry.available_delta)).where(
                LedgerEntry.distributor_id == distributor_id
            )
        )
    ).one()
    await session.commit()
    # The ledger is the history of the balances: its sums are the balances.
    assert (int(ledger[0] or 0), int(ledger[1] or 0)) == (row[0], row[1])
    return tuple(row)  # type: ignore[return-value]


async def test_three_levels_freeze_reverse_settle_and_withdraw(
    app, client: httpx.AsyncClient, session
) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session, price=10_000)
    other = await create_sku(session, price=3_000)
    await put_stock(session, store, sku, 20)
    await put_stock(session, store, other, 20)
    # 10% off the first SKU: commission is taken on what the shopper pays, after the discount.
    await create_promotion(session, {"type": "percent", "percent_bp": 1000}, scope="skus", scope_ids=[sku.id])
    hq_staff = await create_staff(session, ["hq_admin"])
    cashier_staff = await create_staff(session, ["cashier"], [store])
    await session.commit()
    hq = bearer(await staff_token(client, hq_staff))
    cashier = bearer(await staff_token(client, cashier_staff))
    top, top_h = await _signed_in(client, app, session)
    mid, mid_h = await _signed_in(client, app, session)
    low, low_h = await _signed_in(client, app, session)
    buyer, buyer_h = await _signed_in(client, app, session)

    r = await client.put(
        f"{API}/settings",
        json={"levels": 3, "level1_bp": 1000, "level2_bp": 300, "level3_bp": 100},
        headers=hq,
    )
    assert r.status_code == 200 and r.json()["freeze_days"] == 7, r.text
    assert (await client.put(f"{API}/settings", json={"level1_bp": 1000}, headers=buyer_h)).status_code == 403

    # top refers mid, mid refers low, low refers the buyer.
    r = await client.post(f"{API}/me", headers=top_h)
    assert r.status_code == 201, r.text
    top_d = r.json()
    assert top_d["link"].endswith(f"?ref={top_d['code']}") and len(top_d["code"]) == 8
    assert (await client.post(f"{API}/me", headers=top_h)).json()["code"] == top_d["code"]
    assert (await client.get(f"{API}/codes/{top_d['code'].lower()}")).json()["code"] == top_d["code"]
    assert (await client.get(f"{API}/codes/NOPE2345")).status_code == 404
    r = await client.post(f"{API}/bind", json={"code": top_d["code"], "via": "link"}, headers=mid_h)
    assert r.status_code == 201 and r.json()["distributor_id"] == top_d["id"], r.text
    mid_d = (await client.post(f"{API}/me", headers=mid_h)).json()
    assert (await client.post(f"{API}/bind", json={"code": mid_d["code"]}, headers=low_h)).status_code == 201
    low_d = (await client.post(f"{API}/me", headers=low_h)).json()
    # Self and cycles are refused: top may not bind below their own downline.
    r = await client.post(f"{API}/bind", json={"code": low_d["code"]}, headers=top_h)
    assert r.status_code == 422 and r.json()["error"] == "self_referral"
    r = await client.post(f"{API}/bind", json={"code": top_d["code"]}, headers=top_h)
    assert r.status_code == 422 and r.json()["error"] == "self_referral"

    # A sale before the buyer is referred earns nobody anything.
    await till_sale(client, cashier, store, [(other, 1)], member_id=buyer.id)
    r = await client.post(f"{API}/bind", json={"code": low_d["code"]}, headers=buyer_h)
    assert r.status_code == 409 and r.json()["error"] == "not_a_new_member"
    newcomer, newcomer_h = await _signed_in(client, app, session)
    assert (
        await client.post(f"{API}/bind", json={"code": low_d["code"]}, headers=newcomer_h)
    ).status_code == 201
    # First touch wins: a second code does not move the member.
    r = await client.post(f"{API}/bind", json={"code": top_d["code"]}, headers=newcomer_h)
    assert r.status_code == 409 and r.json()["error"] == "already_referred"
    assert (await client.get(f"{API}/my-referrer", headers=newcomer_h)).json()["distributor_id"] == low_d[
        "id"
    ]
    referred = (await client.get(f"{API}/me/referrals", headers=low_h)).json()
    assert [m["member_id"] for m in referred] == [newcomer.id] and "****" in referred[0]["phone"]

    # 2 × 100.00 at 10% off = 180.00 net; 1 × 30.00.
    order = await till_sale(client, cashier, store, [(sku, 2), (other, 1)], member_id=newcomer.id)
    assert order["total"] == 21_000
    lines = {ln["sku_id"]: ln for ln in order["lines"]}
    assert lines[sku.id]["line_total"] == 18_000
    r = await client.post(f"{API}/sync", headers=hq)
    assert r.json() == {"orders": 1, "accrued": 2100 + 630 + 210, "reversed": 0, "settled": 0}, r.text
    # A replay accounts nothing twice.
    assert (await client.post(f"{API}/sync", headers=hq)).json() == {
        "orders": 0,
        "accrued": 0,
        "reversed": 0,
        "settled": 0,
    }
    assert await _balances(session, low_d["id"]) == (2100, 0, 0, 0)
    assert await _balances(session, mid_d["id"]) == (630, 0, 0, 0)
    assert await _balances(session, top_d["id"]) == (210, 0, 0, 0)
    mine = (await client.get(f"{API}/me/commissions", headers=low_h)).json()
    assert sorted((c["base"], c["amount"], c["status"]) for c in mine) == [
        (3000, 300, "frozen"),
        (18_000, 1800, "frozen"),
    ]
    assert all(c["unfreezes_at"] is not None for c in mine)

    # One of the two discounted units comes back: 90.00 refunded, commission on the rest only.
    await return_units(client, cashier, order, store, {lines[sku.id]["id"]: 1})
    r = await client.post(f"{API}/sync", headers=hq)
    assert r.json()["reversed"] == 900 + 270 + 90, r.text
    assert await _balances(session, low_d["id"]) == (1200, 0, 0, 0)
    # Still inside the window: nothing settles.
    assert (await sync_commissions(app.state.db, utcnow() + timedelta(days=6)))["settled"] == 0
    # Past the 7-day window the job settles what is left.
    result = await sync_commissions(app.state.db, utcnow() + timedelta(days=8))
    assert result["settled"] == 1200 + 360 + 120
    assert await _balances(session, low_d["id"]) == (0, 1200, 0, 0)
    assert await _balances(session, top_d["id"]) == (0, 120, 0, 0)
    settled = (await client.get(f"{API}/me/commissions?status=settled", headers=low_h)).json()
    assert sorted(c["net"] for c in settled) == [300, 900]

    # Withdrawals: limits, reject (money back), approve (paid out), no second review.
    r = await client.post(
        f"{API}/me/withdrawals", json={"amount": 5000, "account": "微信零钱"}, headers=low_h
    )
    assert r.status_code == 409 and r.json()["error"] == "insufficient_commission"
    r = await client.post(f"{API}/me/withdrawals", json={"amount": 500, "account": "微信零钱"}, headers=low_h)
    assert r.status_code == 422 and r.json()["error"] == "withdrawal_too_small"
    r = await client.post(
        f"{API}/me/withdrawals", json={"amount": 1200, "account": "微信零钱"}, headers=low_h
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert await _balances(session, low_d["id"]) == (0, 0, 1200, 0)
    assert [w["id"] for w in (await client.get(f"{API}/withdrawals?status=pending", headers=hq)).json()] == [
        first["id"]
    ]
    r = await client.post(
        f"{API}/withdrawals/{first['id']}/review", json={"approve": False, "note": "账户有误"}, headers=hq
    )
    assert r.json()["status"] == "rejected"
    assert await _balances(session, low_d["id"]) == (0, 1200, 0, 0)
    second = (
        await client.post(
            f"{API}/me/withdrawals", json={"amount": 1200, "account": "招商银行 6225"}, headers=low_h
        )
    ).json()
    r = await client.post(
        f"{API}/withdrawals/{second['id']}/review", json={"approve": True, "reference": "PAY-1"}, headers=hq
    )
    assert r.json()["status"] == "approved" and r.json()["reference"] == "PAY-1"
    assert await _balances(session, low_d["id"]) == (0, 0, 0, 1200)
    r = await client.post(f"{API}/withdrawals/{second['id']}/review", json={"approve": False}, headers=hq)
    assert r.status_code == 409 and r.json()["error"] == "withdrawal_already_reviewed"
    kinds = [e["kind"] for e in (await client.get(f"{API}/me/ledger", headers=low_h)).json()]
    assert sorted(kinds) == sorted(
        ["accrue", "accrue", "reverse", "settle", "settle", "withdraw", "withdraw_rejected", "withdraw"]
    )


async def test_whole_order_returned_reverses_everything(app, client: httpx.AsyncClient, session) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session, price=4_999)
    await put_stock(session, store, sku, 10)
    hq_staff = await create_staff(session, ["hq_admin"])
    cashier_staff = await create_staff(session, ["cashier"], [store])
    await session.commit()
    hq = bearer(await staff_token(client, hq_staff))
    cashier = bearer(await staff_token(client, cashier_staff))
    referrer, referrer_h = await _signed_in(client, app, session)
    buyer, buyer_h = await _signed_in(client, app, session)
    dist = (await client.post(f"{API}/me", headers=referrer_h)).json()
    await client.post(f"{API}/bind", json={"code": dist["code"]}, headers=buyer_h)
    order = await till_sale(client, cashier, store, [(sku, 3)], member_id=buyer.id)
    # Default rates: level 1 at 5%: 149.97 × 5% = 7.4985 → 7.50 (half up).
    assert (await client.post(f"{API}/sync", headers=hq)).json()["accrued"] == 750
    line = order["lines"][0]
    await return_units(client, cashier, order, store, {line["id"]: 3})
    assert (await client.post(f"{API}/sync", headers=hq)).json()["reversed"] == 750
    assert [c["status"] for c in (await client.get(f"{API}/me/commissions", headers=referrer_h)).json()] == [
        "reversed"
    ]
    assert await _balances(session, dist["id"]) == (0, 0, 0, 0)
    # A disabled distributor earns nothing new.
    r = await client.patch(f"{API}/distributors/{dist['id']}", json={"status": "disabled"}, headers=hq)
    assert r.json()["status"] == "disabled"
    await till_sale(client, cashier, store, [(sku, 1)], member_id=buyer.id)
    assert (await client.post(f"{API}/sync", headers=hq)).json()["accrued"] == 0
