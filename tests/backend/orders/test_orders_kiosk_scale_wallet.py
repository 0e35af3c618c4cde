"""Kiosk checkout: scale labels charged what the label says, members' balances spent only with their
current member code, and stored value paying the whole basket or sharing it with the QR payment."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from backend.catalog.models import Sku
from backend.core.security import qr_private_key
from backend.core.time import utcnow
from backend.orders import kiosk as kiosk_service
from backend.orders.models import KioskCheckout, Order, OrderLine, Tender
from backend.orders.pricer import scale_price
from shared import codes
from shared.devices.gtin import make_in_store
from tests.backend.orders.factories import member_code, put_stock, shopper, staff, stock_row
from tests.factories import bearer, create_sku, create_staff, create_store, staff_token


async def _kiosk(client: httpx.AsyncClient, session: Any, store: Any) -> dict[str, str]:
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    token = await staff_token(client, manager)
    registered = await client.post(
        "/api/v1/auth/devices", json={"store_id": store.id, "name": "自助机"}, headers=bearer(token)
    )
    return bearer(registered.json()["token"])


async def _pay_qr(client: httpx.AsyncClient, kiosk: dict[str, str], client_id: str) -> dict[str, Any]:
    """The kiosk opens the sandbox QR payment and the shopper's phone pays it."""
    created = await client.post(
        "/api/v1/payments",
        json={"ref_type": "kiosk_sale", "ref_id": client_id, "provider": "sandbox"},
        headers={**kiosk, "Idempotency-Key": client_id},
    )
    assert created.status_code in (200, 201), created.text
    payment = created.json()
    path = payment["pay_url"].split("/api/v1", 1)[1]
    assert (await client.post(f"/api/v1{path}/confirm")).status_code == 200
    synced = await client.post(f"/api/v1/payments/{payment['id']}/sync", headers=kiosk)
    assert synced.json()["status"] == "succeeded"
    return payment


async def _balance(client: httpx.AsyncClient, member: dict[str, str]) -> int:
    return int((await client.get("/api/v1/members/me/wallet", headers=member)).json()["stored_value"])


def test_weight_is_priced_per_kg_half_up() -> None:
    assert scale_price(150, 50, 612) == 1836  # 30.00/kg × 0.612 kg
    assert scale_price(999, 1000, 333) == 333  # 332.667 fen rounds up
    assert scale_price(999, 1000, 332) == 332  # 331.668 fen rounds up too
    assert scale_price(2590, None, 500) == 1295  # no unit weight: the price is per kg


async def test_scale_labels_are_charged_what_the_label_says(client, session):
    store = await create_store(session)
    milk = await create_sku(session, price=650)
    grapes = await create_sku(session, name="葡萄", price=150, barcode=make_in_store("26", 77, 0))
    cherries = await create_sku(session, name="樱桃", price=430, barcode=make_in_store("21", 43, 0))
    await session.execute(update(Sku).where(Sku.id == grapes.id).values(weight_g=50))
    for sku, qty in ((milk, 10), (grapes, 3), (cherries, 2)):
        await put_stock(session, store, sku, qty)
    await session.commit()
    kiosk = await _kiosk(client, session, store)
    cart_session = uuid.uuid4().hex
    added = await client.post(
        "/api/v1/cart/lines",
        params={"session_id": cart_session},
        json={"sku_id": milk.id, "quantity": 1},
        headers=kiosk,
    )
    assert added.status_code in (200, 201), added.text
    heavy, light, priced_label = (
        make_in_store("26", 77, 612),
        make_in_store("26", 77, 480),
        make_in_store("21", 43, 1290),
    )
    labels = [{"barcode": code, "quantity": 1} for code in (heavy, light, priced_label)]

    basket = await client.post(
        "/api/v1/pos/kiosk-baskets", json={"cart_session_id": cart_session, "lines": labels}, headers=kiosk
    )
    assert basket.status_code == 200, basket.text
    by_label = {ln["label"]: ln for ln in basket.json()["lines"]}
    assert by_label[heavy]["weight_g"] == 612 and by_label[heavy]["price_per_kg"] == 3000
    assert by_label[heavy]["unit_price"] == 1836 and by_label[heavy]["line_total"] == 1836
    assert by_label[light]["line_total"] == 1440
    assert by_label[priced_label]["label_price"] == 1290 and by_label[priced_label]["line_total"] == 1290
    assert by_label[None]["sku_id"] == milk.id
    assert basket.json()["total"] == 650 + 1836 + 1440 + 1290 and basket.json()["valid"]

    client_id = uuid.uuid4().hex
    opened = await client.post(
        "/api/v1/pos/kiosk-checkouts",
        json={"client_id": client_id, "cart_session_id": cart_session, "lines": labels},
        headers=kiosk,
    )
    assert opened.status_code == 201, opened.text
    assert opened.json()["total"] == 5216 and opened.json()["due"] == 5216
    payment = await _pay_qr(client, kiosk, client_id)
    assert payment["amount"] == 5216

    sale = await client.post(f"/api/v1/pos/kiosk-checkouts/{client_id}/sale", headers=kiosk)
    assert sale.status_code == 200, sale.text
    order = sale.json()
    assert order["total"] == 5216 and order["channel"] == "kiosk"
    rows = list(await session.scalars(select(OrderLine).where(OrderLine.order_id == order["id"])))
    await session.commit()
    weighed = sorted(
        (ln.specs.get("净重"), ln.unit_price, ln.quantity) for ln in rows if ln.sku_id == grapes.id
    )
    assert weighed == [("480 g", 1440, 1), ("612 g", 1836, 1)]
    # One label is one pack, one unit of stock.
    assert await stock_row(session, store, grapes) == (1, 0)
    assert await stock_row(session, store, cherries) == (1, 0)
    receipt = (await client.get(f"/api/v1/orders/{order['id']}/receipt", headers=kiosk)).json()
    text = receipt["text"]
    assert "612 g ¥30.00/kg\n  1 x 18.36" in text and "480 g ¥30.00/kg\n  1 x 14.40" in text, text
    assert " ¥12.90\n  1 x 12.90" in text
    # Asking for the sale again returns the same one.
    again = await client.post(f"/api/v1/pos/kiosk-checkouts/{client_id}/sale", headers=kiosk)
    assert again.json()["id"] == order["id"]

    # Never oversold: one pack of grapes is left, two labels are refused before any payment.
    short = await client.post(
        "/api/v1/pos/kiosk-checkouts",
        json={"client_id": uuid.uuid4().hex, "lines": labels[:2]},
        headers=kiosk,
    )
    assert short.status_code == 409 and short.json()["error"] == "out_of_stock", short.text
    nothing = await client.post(
        "/api/v1/pos/kiosk-baskets",
        json={
            "cart_session_id": cart_session,
            "lines": [{"barcode": make_in_store("26", 77, 0), "quantity": 1}],
        },
        headers=kiosk,
    )
    assert nothing.status_code == 200 and nothing.json()["lines"][0]["label"] is None  # the item's own code
    unknown = await client.post(
        "/api/v1/pos/kiosk-baskets",
        json={
            "cart_session_id": cart_session,
            "lines": [{"barcode": make_in_store("25", 99, 500), "quantity": 1}],
        },
        headers=kiosk,
    )
    assert unknown.status_code == 404, unknown.text


async def _member_with_balance(client, app, session, store, amount: int) -> tuple[int, dict[str, str]]:
    member_id, member = await shopper(client, app, session)
    cashier = await staff(client, session, ["cashier"], [store])
    topped = await client.post(
        f"/api/v1/members/{member_id}/stored-value/topups",
        json={"amount": amount, "tender": "cash", "store_id": store.id},
        headers={**cashier, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert topped.status_code == 201, topped.text
    return member_id, member


async def test_spending_a_members_balance_needs_their_current_code(client, app, session, settings):
    store = await create_store(session)
    milk = await create_sku(session, price=650)
    await put_stock(session, store, milk, 10)
    await session.commit()
    kiosk = await _kiosk(client, session, store)
    member_id, member = await _member_with_balance(client, app, session, store, 5000)
    other_id, other = await shopper(client, app, session)
    good = await member_code(client, member)
    key = qr_private_key(settings.var_dir)
    expired = codes.sign(key, "member", {"m": member_id}, 60, now=time.time() - 3600)
    forged = codes.sign(key, "member", {"m": member_id}, 60)[:-6] + "AAAAAA"
    someone_else = await member_code(client, other)

    def body(**extra: Any) -> dict[str, Any]:
        return {
            "client_id": uuid.uuid4().hex,
            "lines": [{"sku_id": milk.id, "quantity": 1}],
            "member_id": member_id,
            "stored_value": 650,
            **extra,
        }

    cases = [
        ({}, 403, "member_code_required"),
        ({"member_code": forged}, 400, "member_code_invalid"),
        ({"member_code": expired}, 400, "member_code_invalid"),
        ({"member_code": someone_else}, 400, "member_code_invalid"),
    ]
    for extra, status, error in cases:
        refused = await client.post("/api/v1/pos/kiosk-checkouts", json=body(**extra), headers=kiosk)
        assert refused.status_code == status and refused.json()["error"] == error, (extra, refused.text)
    assert "expired" in str(
        (
            await client.post("/api/v1/pos/kiosk-checkouts", json=body(member_code=expired), headers=kiosk)
        ).json()
    )
    # A QR checkout naming the member (their coupons may be used) needs the code too.
    qr_only = await client.post("/api/v1/pos/kiosk-checkouts", json=body(stored_value=0), headers=kiosk)
    assert qr_only.status_code == 403
    assert await _balance(client, member) == 5000
    paid = await client.post("/api/v1/pos/kiosk-checkouts", json=body(member_code=good), headers=kiosk)
    assert paid.status_code == 201 and paid.json()["status"] == "paid", paid.text
    assert await _balance(client, member) == 5000 - 650
    assert other_id != member_id


async def test_stored_value_pays_all_or_shares_the_basket_with_the_qr(client, app, session):
    store = await create_store(session)
    milk, bread = await create_sku(session, price=650), await create_sku(session, price=1200)
    await put_stock(session, store, milk, 10)
    await put_stock(session, store, bread, 10)
    await session.commit()
    kiosk = await _kiosk(client, session, store)
    member_id, member = await _member_with_balance(client, app, session, store, 3000)
    lines = [{"sku_id": milk.id, "quantity": 1}, {"sku_id": bread.id, "quantity": 1}]  # 18.50

    async def open_(stored_value: int, points: int = 0) -> httpx.Response:
        return await client.post(
            "/api/v1/pos/kiosk-checkouts",
            json={
                "client_id": uuid.uuid4().hex,
                "lines": lines,
                "member_id": member_id,
                "member_code": await member_code(client, member),
                "stored_value": stored_value,
                "points_amount": points,
            },
            headers=kiosk,
        )

    # The whole basket from stored value: sold at once.
    whole = await open_(1850)
    assert whole.status_code == 201 and whole.json()["status"] == "paid" and whole.json()["due"] == 0
    assert await _balance(client, member) == 3000 - 1850
    # More than the basket, or points that would leave the rest unpaid: refused, nothing taken.
    assert (await open_(1851)).status_code == 422
    assert (await open_(0, points=100)).status_code == 422
    assert await _balance(client, member) == 1150

    # Part from stored value, the QR pays the rest: the balance is held until the QR is paid.
    part = await open_(1150)
    assert part.status_code == 201, part.text
    client_id = part.json()["client_id"]
    assert part.json()["status"] == "awaiting_payment" and part.json()["due"] == 700
    assert await _balance(client, member) == 0
    payment = await _pay_qr(client, kiosk, client_id)
    assert payment["amount"] == 700
    order = (await client.post(f"/api/v1/pos/kiosk-checkouts/{client_id}/sale", headers=kiosk)).json()
    assert order["total"] == 1850 and order["member_id"] == member_id
    tenders = sorted(
        (t.method, t.amount)
        for t in await session.scalars(select(Tender).where(Tender.order_id == order["id"]))
    )
    sales = list(await session.scalars(select(Order).where(Order.client_id == client_id)))
    await session.commit()
    assert tenders == [("sandbox_qr", 700), ("stored_value", 1150)] and len(sales) == 1
    assert await _balance(client, member) == 0

    # Walking away from a part-paid checkout gives the stored value back; it cannot be paid after.
    cashier = await staff(client, session, ["cashier"], [store])
    await client.post(
        f"/api/v1/members/{member_id}/stored-value/topups",
        json={"amount": 1000, "tender": "cash", "store_id": store.id},
        headers={**cashier, "Idempotency-Key": uuid.uuid4().hex},
    )
    left = await open_(1000)
    assert left.status_code == 201 and await _balance(client, member) == 0
    left_id = left.json()["client_id"]
    shown = await client.post(
        "/api/v1/payments",
        json={"ref_type": "kiosk_sale", "ref_id": left_id, "provider": "sandbox"},
        headers={**kiosk, "Idempotency-Key": left_id},
    )
    assert shown.status_code == 201 and shown.json()["amount"] == 850
    cancelled = await client.post(f"/api/v1/pos/kiosk-checkouts/{left_id}/cancel", headers=kiosk)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert await _balance(client, member) == 1000
    closed = await client.get(f"/api/v1/payments/{shown.json()['id']}", headers=kiosk)
    assert closed.json()["status"] == "closed", closed.text
    late = await client.post(
        "/api/v1/payments",
        json={"ref_type": "kiosk_sale", "ref_id": left_id, "provider": "sandbox"},
        headers=kiosk,
    )
    assert late.status_code == 403
    unpaid = await client.post(f"/api/v1/pos/kiosk-checkouts/{left_id}/sale", headers=kiosk)
    assert unpaid.status_code == 409


async def test_a_checkout_the_kiosk_abandoned_is_closed_and_its_holds_given_back(client, app, session):
    store = await create_store(session)
    milk, bread = await create_sku(session, price=650), await create_sku(session, price=1200)
    await put_stock(session, store, milk, 10)
    await put_stock(session, store, bread, 10)
    await session.commit()
    kiosk = await _kiosk(client, session, store)
    member_id, member = await _member_with_balance(client, app, session, store, 1000)
    opened = await client.post(
        "/api/v1/pos/kiosk-checkouts",
        json={
            "client_id": uuid.uuid4().hex,
            "lines": [{"sku_id": milk.id, "quantity": 1}, {"sku_id": bread.id, "quantity": 1}],
            "member_id": member_id,
            "member_code": await member_code(client, member),
            "stored_value": 1000,
        },
        headers=kiosk,
    )
    assert opened.status_code == 201 and opened.json()["status"] == "awaiting_payment", opened.text
    fresh_id = (
        await client.post(
            "/api/v1/pos/kiosk-checkouts",
            json={"client_id": uuid.uuid4().hex, "lines": [{"sku_id": milk.id, "quantity": 1}]},
            headers=kiosk,
        )
    ).json()["client_id"]
    assert await _balance(client, member) == 0
    # The kiosk dies: nobody cancels. An hour and a bit later the sweeper closes it, not the fresh one.
    await session.execute(
        update(KioskCheckout)
        .where(KioskCheckout.client_id == opened.json()["client_id"])
        .values(created_at=utcnow() - timedelta(minutes=61))
    )
    await session.commit()
    async with app.state.db.sessionmaker() as sweep:
        assert await kiosk_service.cancel_stale(sweep, utcnow()) == 1
        await sweep.commit()
    async with app.state.db.sessionmaker() as sweep:
        assert await kiosk_service.cancel_stale(sweep, utcnow()) == 0
    assert await _balance(client, member) == 1000
    statuses = {
        c.client_id: c.status
        for c in await session.scalars(select(KioskCheckout).execution_options(populate_existing=True))
    }
    assert statuses == {opened.json()["client_id"]: "cancelled", fresh_id: "awaiting_payment"}
