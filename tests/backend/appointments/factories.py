"""Factories for bookable services: service SKUs with offerings, technicians with shifts, members."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments.models import ServiceOffering, Shift, TechnicianProfile
from backend.auth.service import issue_tokens, member_principal
from backend.catalog.models import Product
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.stores.models import Store
from tests.factories import create_member, create_sku, create_staff

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_day(days_ahead: int = 2, tz: ZoneInfo = SHANGHAI) -> date:
    return utcnow().astimezone(tz).date() + timedelta(days=days_ahead)


def at(day: date, hhmm: str, tz: ZoneInfo = SHANGHAI) -> datetime:
    """A local wall-clock time on ``day`` as an aware datetime in ``tz``."""
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=tz)


async def create_service(session: AsyncSession, *, price: int = 8800, **offering: Any) -> ServiceOffering:
    """A service product's SKU (日常保洁 by default) with its bookable offering."""
    sku = await create_sku(session, name="日常保洁", price=price, cost_price=None, specs={"面积": "60㎡以下"})
    product = await session.scalar(select(Product).where(Product.id == sku.product_id))
    assert product is not None
    product.kind = "service"
    fields: dict[str, Any] = {
        "sku_id": sku.id,
        "duration_min": 60,
        "buffer_min": 30,
        "cancel_fee": 2000,
        **offering,
    }
    row = ServiceOffering(**fields)
    session.add(row)
    await session.flush()
    return row


async def create_technician(
    session: AsyncSession,
    store: Store,
    *,
    skills: list[str] | None = None,
    capacity: int = 1,
    shifts: list[tuple[date, str, str]] = (),  # type: ignore[assignment]
    breaks: list[list[str]] | None = None,
) -> TechnicianProfile:
    staff = await create_staff(session, ["technician"], [store])
    tech = TechnicianProfile(
        staff_id=staff.id, home_store_id=store.id, skills=skills or ["clean"], capacity=capacity
    )
    session.add(tech)
    await session.flush()
    for day, start, end in shifts:
        session.add(
            Shift(technician_id=tech.staff_id, local_date=day, start=start, end=end, breaks=breaks or [])
        )
    await session.flush()
    return tech


async def signed_in_member(session: AsyncSession, settings: Settings) -> tuple[int, str]:
    """A member and an access token issued the way sign-in issues them."""
    member = await create_member(session)
    pair = await issue_tokens(session, settings, member_principal(member.id))
    return member.id, pair.access_token


async def pay_ref(client: Any, headers: dict[str, str], ref_type: str, ref_id: int) -> dict[str, Any]:
    """Pay a reference through the sandbox gateway as a shopper does: open, confirm on the pay page, sync."""
    response = await client.post(
        "/api/v1/payments", json={"ref_type": ref_type, "ref_id": str(ref_id)}, headers=headers
    )
    assert response.status_code == 201, response.text
    started = response.json()
    path = started["pay_url"].split("/api/v1", 1)[1]
    confirmed = await client.post(f"/api/v1{path}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    synced = await client.post(f"/api/v1/payments/{started['id']}/sync", headers=headers)
    assert synced.status_code == 200 and synced.json()["status"] == "succeeded", synced.text
    return synced.json()


def png(width: int = 40, height: int = 30, colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()
