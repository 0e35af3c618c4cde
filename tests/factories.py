"""Factory functions that put real rows in the test database. Each takes the session and overrides."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffStore, StaffUser
from backend.catalog.models import Barcode, Category, Product, Sku
from backend.core.security import hash_password
from backend.franchise.models import Merchant
from backend.members.models import Member
from backend.stores.models import Region, Store

_seq = itertools.count(1)
PASSWORD = "correct-horse-9"
_PASSWORD_HASH = hash_password(PASSWORD)

# 上海人民广场 (People's Square) and nearby points.
PEOPLES_SQUARE = (31.2304, 121.4737)
HOURS_ALL_WEEK = {d: ["08:00", "22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
HOURS_24H = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def n() -> int:
    return next(_seq)


async def create_region(session: AsyncSession, **overrides: Any) -> Region:
    i = n()
    region = Region(**{"code": f"R{i}", "name_zh": f"华东{i}区", "name_en": f"East {i}", **overrides})
    session.add(region)
    await session.flush()
    return region


async def create_merchant(session: AsyncSession, **overrides: Any) -> Merchant:
    i = n()
    merchant = Merchant(**{"code": f"M{i}", "name": f"加盟商{i}", "commission_bp": 500, **overrides})
    session.add(merchant)
    await session.flush()
    return merchant


async def create_store(session: AsyncSession, region: Region | None = None, **overrides: Any) -> Store:
    i = n()
    region = region or await create_region(session)
    fields: dict[str, Any] = {
        "code": f"S{i:04d}",
        "name_zh": f"测试门店{i}",
        "name_en": f"Test Store {i}",
        "region_id": region.id,
        "city": "上海",
        "city_tier": 1,
        "address": f"上海市黄浦区测试路{i}号",
        "latitude": PEOPLES_SQUARE[0],
        "longitude": PEOPLES_SQUARE[1],
        "opening_hours": HOURS_24H,
        **overrides,
    }
    store = Store(**fields)
    session.add(store)
    await session.flush()
    return store


async def create_staff(
    session: AsyncSession, roles: list[str], stores: list[Store] | None = None, **overrides: Any
) -> StaffUser:
    i = n()
    staff = StaffUser(
        **{
            "username": f"staff{i}",
            "name": f"店员{i}",
            "password_hash": _PASSWORD_HASH,
            "roles": roles,
            **overrides,
        }
    )
    session.add(staff)
    await session.flush()
    session.add_all(StaffStore(staff_id=staff.id, store_id=s.id) for s in stores or [])
    await session.flush()
    return staff


async def create_member(session: AsyncSession, **overrides: Any) -> Member:
    i = n()
    password = overrides.pop("password", None)
    member = Member(**{"phone": f"139{i:08d}", "name": f"会员{i}", **overrides})
    if password is not None:
        member.password_hash = hash_password(password)
    session.add(member)
    await session.flush()
    return member


async def staff_token(client: httpx.AsyncClient, staff: StaffUser, password: str = PASSWORD) -> str:
    response = await client.post(
        "/api/v1/auth/staff/login", json={"username": staff.username, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def member_token(client: httpx.AsyncClient, app: Any, phone: str) -> str:
    """Sign a member in the way the app does: request a code, read it from the SMS provider, verify."""
    response = await client.post("/api/v1/auth/otp/request", json={"phone": phone})
    assert response.status_code == 202, response.text
    code = app.state.sms.last_codes[phone]
    response = await client.post("/api/v1/auth/otp/verify", json={"phone": phone, "code": code})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_sku(
    session: AsyncSession,
    *,
    category: Category | None = None,
    price: int = 1000,
    cost_price: int | None = 600,
    name: str = "牛奶",
    shelf: str | None = None,
    barcode: str | None = None,
    status: str = "on_sale",
    specs: dict[str, Any] | None = None,
) -> Sku:
    """A SKU of its own product (on sale by default), optionally with an EAN-13 barcode."""
    i = n()
    if category is None:
        category = Category(code=f"CAT{i}", name_zh=f"类目{i}", name_en=f"Category {i}")
        session.add(category)
        await session.flush()
    product = Product(
        code=f"PRD{i}",
        category_id=category.id,
        name_zh=f"{name}{i}",
        name_en=f"Item {i}",
        status=status,
        attributes={},
        spec_names=list((specs or {}).keys()),
    )
    session.add(product)
    await session.flush()
    sku = Sku(
        product_id=product.id,
        code=f"SKU{i}",
        specs=specs or {},
        base_price=price,
        cost_price=cost_price,
        shelf_location=shelf,
    )
    session.add(sku)
    await session.flush()
    if barcode:
        session.add(Barcode(sku_id=sku.id, code=barcode, symbology="ean13"))
        await session.flush()
    return sku
