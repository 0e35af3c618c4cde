"""All SQL of the auth domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import (
    AuthSession,
    Device,
    LoginThrottle,
    OneTimeCode,
    RefreshToken,
    StaffStore,
    StaffUser,
)
from backend.stores.models import Store


async def staff_by_username(session: AsyncSession, username: str) -> StaffUser | None:
    return await session.scalar(select(StaffUser).where(StaffUser.username == username))


async def staff_by_id(session: AsyncSession, staff_id: int) -> StaffUser | None:
    return await session.get(StaffUser, staff_id)


async def staff_store_ids(session: AsyncSession, staff_id: int) -> list[int]:
    rows = await session.scalars(
        select(StaffStore.store_id).where(StaffStore.staff_id == staff_id).order_by(StaffStore.store_id)
    )
    return list(rows)


async def merchant_store_ids(session: AsyncSession, merchant_id: int) -> list[int]:
    rows = await session.scalars(select(Store.id).where(Store.merchant_id == merchant_id).order_by(Store.id))
    return list(rows)


async def set_staff_stores(session: AsyncSession, staff_id: int, store_ids: Iterable[int]) -> None:
    await session.execute(delete(StaffStore).where(StaffStore.staff_id == staff_id))
    session.add_all(StaffStore(staff_id=staff_id, store_id=sid) for sid in sorted(set(store_ids)))
    await session.flush()


async def list_staff(
    session: AsyncSession, store_ids: frozenset[int] | None, merchant_id: int | None = None
) -> list[StaffUser]:
    query = select(StaffUser).order_by(StaffUser.id)
    if store_ids is not None:
        query = query.where(
            StaffUser.id.in_(select(StaffStore.staff_id).where(StaffStore.store_id.in_(store_ids)))
        )
    if merchant_id is not None:
        query = query.where(StaffUser.merchant_id == merchant_id)
    return list(await session.scalars(query))


async def existing_store_ids(session: AsyncSession, store_ids: Iterable[int]) -> set[int]:
    ids = set(store_ids)
    if not ids:
        return set()
    return set(await session.scalars(select(Store.id).where(Store.id.in_(ids))))


async def latest_code(session: AsyncSession, phone: str) -> OneTimeCode | None:
    return await session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.used_at.is_(None))
        .order_by(OneTimeCode.id.desc())
        .limit(1)
    )


async def count_codes_since(session: AsyncSession, phone: str, since: datetime) -> int:
    rows = await session.scalars(
        select(OneTimeCode.id).where(OneTimeCode.phone == phone, OneTimeCode.created_at >= since)
    )
    return len(list(rows))


async def get_throttle(session: AsyncSession, key: str) -> LoginThrottle | None:
    return await session.get(LoginThrottle, key)


async def refresh_token_by_hash(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )


async def get_auth_session(session: AsyncSession, session_id: str) -> AuthSession | None:
    return await session.get(AuthSession, session_id)


async def revoke_session(session: AsyncSession, session_id: str, reason: str, now: datetime) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason)
    )


async def mark_refresh_used(session: AsyncSession, token_id: int, now: datetime) -> bool:
    """Consume a refresh token once; False if another request already used it."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1


async def device_by_token_hash(session: AsyncSession, token_hash: str) -> Device | None:
    return await session.scalar(select(Device).where(Device.token_hash == token_hash))


async def list_devices(session: AsyncSession, store_ids: frozenset[int] | None) -> list[Device]:
    query = select(Device).order_by(Device.id)
    if store_ids is not None:
        query = query.where(Device.store_id.in_(store_ids))
    return list(await session.scalars(query))
