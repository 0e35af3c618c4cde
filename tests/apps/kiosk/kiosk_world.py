"""A store with a registered kiosk, items with real EAN-13 barcodes and stock, a nearby store, a member."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from apps.kiosk.viewmodels import KioskConfig, bind_device
from backend.catalog.models import Sku
from shared.devices.gtin import check_digit, make_in_store
from tests.backend.orders.factories import put_stock
from tests.factories import (
    PASSWORD,
    bearer,
    create_member,
    create_sku,
    create_staff,
    create_store,
    member_token,
)

_seq = itertools.count(100)


def ean13(prefix: str = "690123") -> str:
    body = f"{prefix}{next(_seq):06d}"[:12]
    return body + str(check_digit(body))


@dataclass
class World:
    store: Any
    other: Any
    items: list[tuple[Any, str]]  # (sku, barcode)
    config: KioskConfig
    config_path: Path
    member_id: int
    member_headers: dict[str, str]
    manager: Any
    # A fresh item sold by weight: (sku, a scale label for a 612 g pack); its price is for 50 g.
    weighed: tuple[Any, str] | None = None


async def build_world(
    session: AsyncSession, client: httpx.AsyncClient, app: Any, base_url: str, home: Path
) -> World:
    store = await create_store(session, name_zh="南京西路店", name_en="West Nanjing Rd")
    other = await create_store(
        session, name_zh="人民广场店", name_en="People's Square", latitude=31.2335, longitude=121.4737
    )
    manager = await create_staff(session, ["store_manager"], [store])
    items = []
    for name, price in (("牛奶", 650), ("面包", 1200), ("苹果", 890)):
        code = ean13()
        sku = await create_sku(session, price=price, name=name, barcode=code, shelf="A01")
        await put_stock(session, store, sku, 20)
        await put_stock(session, other, sku, 7)
        items.append((sku, code))
    grapes = await create_sku(
        session, price=150, name="葡萄", barcode=make_in_store("26", 77, 0), shelf="F01"
    )
    await session.execute(update(Sku).where(Sku.id == grapes.id).values(weight_g=50))
    await put_stock(session, store, grapes, 5)
    member = await create_member(session, name="王小明")
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))
    config_path = home / "kiosk.json"
    config = await asyncio.to_thread(
        bind_device, base_url, manager.username, PASSWORD, store.id, "自助收银1", config_path
    )
    return World(
        store,
        other,
        items,
        config,
        config_path,
        member.id,
        headers,
        manager,
        (grapes, make_in_store("26", 77, 612)),
    )


async def member_code(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.get("/api/v1/members/me/code", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["code"]
