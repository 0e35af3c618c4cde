"""Orders factories: SKUs on sale with stock put in through the inventory primitives, signed-in callers,
and the sandbox payment flow a shopper goes through."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Sku
from backend.core.time import utcnow
from backend.inventory.service import stock
from backend.stores.models import Store
from tests.factories import bearer, create_member, create_staff, member_token, staff_token

_seq = itertools.count(1)


async def put_stock(session: AsyncSession, store: Store, sku: Sku, qty: int) -> None:
    if qty == 0:
        from backend.inventory.repository import ensure_stock

        await ensure_stock(session, store.id, sku.id)
        return
    await stock.receive(session, store.id, sku.id, qty, ref_type="test", ref_id=f"seed-{next(_seq)}")


async def shopper(client: httpx.AsyncClient, app: Any, session: AsyncSession) -> tuple[int, dict[str, str]]:
    member = await create_member(session)
    await session.commit()
    return member.id, bearer(await member_token(client, app, member.phone))


async def staff(
    client: httpx.AsyncClient, session: AsyncSession, roles: list[str], stores: list[Store]
) -> dict[str, str]:
    person = await create_staff(session, roles, stores)
    await session.commit()
    return bearer(await staff_token(client, person))


def slot(hours: int = 2) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def place(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], idem: str | None = None
) -> httpx.Response:
    return await client.post(
        "/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": idem or uuid.uuid4().hex}
    )


def pickup_body(store: Store, lines: list[tuple[Sku, int]]) -> dict[str, Any]:
    return {
        "fulfilment": "pickup",
        "store_id": store.id,
        "pickup_slot_start": slot(),
        "lines": [{"sku_id": s.id, "quantity": q} for s, q in lines],
    }


ADDRESS = {"contact_name": "张三", "phone": "13900000000", "text": "上海市黄浦区南京东路1号"}


async def pay(client: httpx.AsyncClient, headers: dict[str, str], order_id: int) -> dict[str, Any]:
    """Pay through the sandbox gateway as a shopper does: open the payment, confirm on the pay page."""
    response = await client.post(f"/api/v1/orders/{order_id}/payment", headers=headers)
    assert response.status_code == 200, response.text
    started = response.json()
    path = started["pay_url"].split("/api/v1", 1)[1]
    response = await client.post(f"/api/v1{path}/confirm")
    assert response.status_code == 200, response.text
    response = await client.post(f"/api/v1/payments/{started['payment_id']}/sync", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded", response.text
    response = await client.get(f"/api/v1/orders/{order_id}", headers=headers)
    assert response.json()["status"] == "paid", response.text
    return response.json()


async def stock_row(session: AsyncSession, store: Store, sku: Sku) -> tuple[int, int]:
    from sqlalchemy import select

    from backend.inventory.models import Stock

    row = (
        await session.execute(
            select(Stock.on_hand, Stock.reserved)
            .where(Stock.store_id == store.id, Stock.sku_id == sku.id)
            .execution_options(populate_existing=True)
        )
    ).first()
    await session.commit()
    return (row[0], row[1]) if row else (0, 0)


async def member_code(client: httpx.AsyncClient, member: dict[str, str]) -> str:
    """The member's current signed member code, as their phone shows it to the till."""
    response = await client.get("/api/v1/members/me/code", headers=member)
    assert response.status_code == 200, response.text
    return str(response.json()["code"])
