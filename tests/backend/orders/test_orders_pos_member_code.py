"""Spending a member's balances at the till needs their current signed member code: stored value, points
and coupons are refused for a bare member id, a forged code, an expired code or another member's code;
a till quote prices the basket exactly as the sale then charges it; an offline sale that spent balances
replays after its code lapsed (checked as of when it was made, within the replay window)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.core.security import qr_private_key
from backend.marketing.models import Coupon
from shared import codes
from tests.backend.marketing.factories import create_coupon, create_template
from tests.backend.members.factories import balances, top_up
from tests.backend.orders.factories import member_code, put_stock, shopper, staff
from tests.factories import create_sku, create_store


async def _world(client, app, session):  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session, price=5000)
    await put_stock(session, store, sku, 20)
    cashier = await staff(client, session, ["cashier"], [store])
    member_id, member = await shopper(client, app, session)
    template = await create_template(session, kind="fixed", amount=1000, threshold=0)
    coupon = await create_coupon(session, template, member_id)
    await session.commit()
    await top_up(client, cashier, member_id, store, 20000)
    return store, sku, cashier, member_id, member, coupon


def _sale(store, sku, member_id, tenders, **extra):  # type: ignore[no-untyped-def]
    return {
        "client_id": f"till-{uuid.uuid4().hex[:12]}",
        "store_id": store.id,
        "member_id": member_id,
        "lines": [{"sku_id": sku.id, "quantity": 1}],
        "tenders": tenders,
        **extra,
    }


async def _coupon_status(app, coupon_id: int) -> str:  # type: ignore[no-untyped-def]
    async with app.state.db.sessionmaker() as check:
        found = await check.get(Coupon, coupon_id)
        assert found is not None
        return found.status


async def test_stored_value_needs_the_members_own_current_code(app, client, session, settings):
    store, sku, cashier, member_id, member, coupon = await _world(client, app, session)
    key = qr_private_key(settings.var_dir)
    wallet = [{"method": "stored_value", "amount": 4000}]

    bare = await client.post("/api/v1/pos/sales", json=_sale(store, sku, member_id, wallet), headers=cashier)
    assert bare.status_code == 403 and bare.json()["error"] == "member_code_required", bare.text

    forged = codes.sign(Ed25519PrivateKey.generate(), "member", {"m": member_id}, 60)
    refused = await client.post(
        "/api/v1/pos/sales", json=_sale(store, sku, member_id, wallet, member_code=forged), headers=cashier
    )
    assert refused.status_code == 400 and refused.json()["error"] == "member_code_invalid"
    assert refused.json()["detail"]["reason"] == "signature does not match"

    expired = codes.sign(key, "member", {"m": member_id}, 60, now=time.time() - 3600)
    refused = await client.post(
        "/api/v1/pos/sales", json=_sale(store, sku, member_id, wallet, member_code=expired), headers=cashier
    )
    assert refused.status_code == 400 and refused.json()["detail"]["reason"] == "code has expired"

    other_id, other = await shopper(client, app, session)
    theirs = await member_code(client, other)
    refused = await client.post(
        "/api/v1/pos/sales", json=_sale(store, sku, member_id, wallet, member_code=theirs), headers=cashier
    )
    assert refused.status_code == 400 and refused.json()["error"] == "member_code_invalid"
    assert refused.json()["detail"]["reason"] == "code belongs to another member"

    points = [{"method": "points", "amount": 100}, {"method": "cash", "amount": 3900}]
    refused = await client.post(
        "/api/v1/pos/sales", json=_sale(store, sku, member_id, points), headers=cashier
    )
    assert refused.status_code == 403
    named = _sale(store, sku, member_id, [{"method": "cash", "amount": 5000}], coupon_ids=[coupon.id])
    refused = await client.post("/api/v1/pos/sales", json=named, headers=cashier)
    assert refused.status_code == 403
    # Nothing was spent by the refused sales.
    assert (await balances(app, member_id))["stored_value"] == 20000
    assert await _coupon_status(app, coupon.id) == "unused"

    own = await member_code(client, member)
    done = await client.post(
        "/api/v1/pos/sales", json=_sale(store, sku, None, wallet, member_code=own), headers=cashier
    )
    assert done.status_code == 201, done.text
    order = done.json()
    # The code alone names the member: their coupon (10 yuan off) is used, the rest from stored value.
    assert order["member_id"] == member_id and order["total"] == 4000
    assert (await balances(app, member_id))["stored_value"] == 16000
    assert await _coupon_status(app, coupon.id) == "used"


async def test_a_member_found_by_phone_earns_but_spends_no_coupon(app, client, session):
    store, sku, cashier, member_id, _member, coupon = await _world(client, app, session)
    sale = _sale(store, sku, member_id, [{"method": "cash", "amount": 5000}])
    done = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert done.status_code == 201, done.text
    assert done.json()["total"] == 5000 and done.json()["member_id"] == member_id
    assert await _coupon_status(app, coupon.id) == "unused"


async def test_the_till_quote_is_what_the_sale_charges(app, client, session):
    store, sku, cashier, member_id, member, coupon = await _world(client, app, session)
    lines = [{"sku_id": sku.id, "quantity": 2}]
    plain = await client.post(
        "/api/v1/pos/quote",
        json={"store_id": store.id, "lines": lines, "member_id": member_id},
        headers=cashier,
    )
    assert plain.status_code == 200 and plain.json()["total"] == 10000 and plain.json()["coupon_ids"] == []
    code = await member_code(client, member)
    body = {"store_id": store.id, "lines": lines, "member_id": member_id, "member_code": code}
    quoted = await client.post("/api/v1/pos/quote", json=body, headers=cashier)
    assert quoted.status_code == 200, quoted.text
    assert quoted.json()["total"] == 9000 and quoted.json()["coupon_ids"] == [coupon.id]
    sale = {
        **_sale(store, sku, member_id, [{"method": "cash", "amount": 9000}], member_code=code),
        "lines": lines,
    }
    done = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert done.status_code == 201, done.text
    assert done.json()["total"] == quoted.json()["total"]
    forged = codes.sign(Ed25519PrivateKey.generate(), "member", {"m": member_id}, 60)
    refused = await client.post("/api/v1/pos/quote", json={**body, "member_code": forged}, headers=cashier)
    assert refused.status_code == 400


async def test_an_offline_sale_that_spent_balances_replays_after_its_code_lapsed(
    app, client, session, settings
):
    store, sku, cashier, member_id, _member, coupon = await _world(client, app, session)
    key = qr_private_key(settings.var_dir)
    made = datetime.now(UTC) - timedelta(hours=2)
    # The code was scanned when the sale was made, two hours ago; it lapsed a minute later.
    then = codes.sign(key, "member", {"m": member_id}, 60, now=made.timestamp() - 30)
    sale = _sale(
        store,
        sku,
        member_id,
        [{"method": "stored_value", "amount": 2000}, {"method": "cash", "amount": 5000}],
        member_code=then,
        created_at=made.isoformat(),
    )
    first = await client.post("/api/v1/pos/offline-sales", json={"sales": [sale]}, headers=cashier)
    assert first.status_code == 200 and first.json()[0]["status"] == "applied", first.text
    again = await client.post("/api/v1/pos/offline-sales", json={"sales": [sale]}, headers=cashier)
    assert again.json()[0]["status"] == "duplicate"
    assert (await balances(app, member_id))["stored_value"] == 18000

    # The same lapsed code on a sale said to be made now is refused; so is one made too long ago.
    late = {**sale, "client_id": f"till-{uuid.uuid4().hex[:12]}", "created_at": datetime.now(UTC).isoformat()}
    old_at = datetime.now(UTC) - timedelta(days=4)
    stale = {
        **sale,
        "client_id": f"till-{uuid.uuid4().hex[:12]}",
        "created_at": old_at.isoformat(),
        "member_code": codes.sign(key, "member", {"m": member_id}, 60, now=old_at.timestamp()),
    }
    results = (
        await client.post("/api/v1/pos/offline-sales", json={"sales": [late, stale]}, headers=cashier)
    ).json()
    assert [(r["status"], r["error"]) for r in results] == [
        ("rejected", "member_code_invalid"),
        ("rejected", "member_code_invalid"),
    ]
