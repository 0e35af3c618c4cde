"""One-tap markdowns at the store: a clerk marks down a near-expiry batch of their own store and the
store's price follows at once (audit-logged, announced); another store's batch, a batch far from expiry
and roles that do not do stock work are refused with a clear 4xx; the rules job leaves it alone."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.core.events import Event
from backend.core.time import utcnow
from backend.inventory.models import StockBatch
from backend.pricing.days import local_date
from tests.backend.inventory.factories import put_stock, staff_headers
from tests.factories import create_sku, create_store

API = "/api/v1/pricing"


async def _batch(session, store, sku, batch_no: str) -> int:  # type: ignore[no-untyped-def]
    found = await session.scalar(
        select(StockBatch.id).where(
            StockBatch.store_id == store.id, StockBatch.sku_id == sku.id, StockBatch.batch_no == batch_no
        )
    )
    assert found is not None
    return found


async def test_a_clerk_marks_down_a_near_expiry_batch_of_their_store(app, client: httpx.AsyncClient, session):
    a = await create_store(session)
    b = await create_store(session)
    milk = await create_sku(session, price=1200)
    today = local_date(utcnow())
    await put_stock(session, a, milk, 5, batch_no="M1", expires_on=today + timedelta(days=2))
    await put_stock(session, a, milk, 5, batch_no="M9", expires_on=today + timedelta(days=60))
    await put_stock(session, b, milk, 5, batch_no="B1", expires_on=today + timedelta(days=2))
    await session.commit()
    near, far, theirs = (
        await _batch(session, a, milk, "M1"),
        await _batch(session, a, milk, "M9"),
        await _batch(session, b, milk, "B1"),
    )
    clerk = await staff_headers(client, session, ["clerk"], [a])
    picker = await staff_headers(client, session, ["picker"], [a])
    hq = await staff_headers(client, session, ["hq_admin"], None)

    done = await client.post(
        f"{API}/stores/{a.id}/markdowns", json={"batch_id": near, "percent_bp": 3000}, headers=clerk
    )
    assert done.status_code == 200, done.text
    assert done.json()["rule_id"] is None and done.json()["percent_bp"] == 3000
    price = (await client.get(f"{API}/price", params={"sku_id": milk.id, "store_id": a.id})).json()
    assert price["price"] == 840 and price["reason"] == "markdown"
    other = (await client.get(f"{API}/price", params={"sku_id": milk.id, "store_id": b.id})).json()
    assert other["price"] == 1200

    audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "markdown.store_set"))
    assert audit is not None and audit.store_id == a.id and audit.after["percent_bp"] == 3000
    event = await session.scalar(
        select(Event).where(Event.topic == f"store:{a.id}:stock", Event.type == "pricing.markdown_changed")
    )
    assert event is not None
    await session.commit()

    # Another store: its own path is forbidden, and its batch is not found through this store.
    refused = await client.post(
        f"{API}/stores/{b.id}/markdowns", json={"batch_id": theirs, "percent_bp": 3000}, headers=clerk
    )
    assert refused.status_code == 403 and refused.json()["error"] == "store_forbidden"
    refused = await client.post(
        f"{API}/stores/{a.id}/markdowns", json={"batch_id": theirs, "percent_bp": 3000}, headers=clerk
    )
    assert refused.status_code == 404 and refused.json()["error"] == "batch_not_found"
    # Far from expiry; a role that does not mark down; a percentage out of range.
    refused = await client.post(
        f"{API}/stores/{a.id}/markdowns", json={"batch_id": far, "percent_bp": 3000}, headers=clerk
    )
    assert refused.status_code == 409 and refused.json()["error"] == "not_near_expiry", refused.text
    refused = await client.post(
        f"{API}/stores/{a.id}/markdowns", json={"batch_id": near, "percent_bp": 5000}, headers=picker
    )
    assert refused.status_code == 403
    refused = await client.post(
        f"{API}/stores/{a.id}/markdowns", json={"batch_id": near, "percent_bp": 9900}, headers=clerk
    )
    assert refused.status_code == 422

    # The rules job keeps a hand-set markdown (no rule covers it).
    assert (await client.post(f"{API}/markdowns/apply", headers=hq)).status_code == 200
    listed = (await client.get(f"{API}/markdowns", params={"store_id": a.id}, headers=clerk)).json()
    assert [(m["batch_id"], m["percent_bp"]) for m in listed] == [(near, 3000)]
