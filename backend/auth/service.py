"""Sign-in rules: one-time codes, passwords, token rotation and revocation, lockout, devices, staff."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import repository as repo
from backend.auth.errors import AccountLocked, CodeExpired, InvalidCredentials, RefreshReused
from backend.auth.models import AuthSession, Device, OneTimeCode, RefreshToken, StaffUser
from backend.auth.principal import Principal, StaffRole
from backend.auth.schemas import DeviceCreate, StaffCreate, StaffUpdate, TokenPair
from backend.auth.sms import SmsProvider
from backend.core import audit
from backend.core.errors import Conflict, Forbidden, NotFound, RateLimited, TokenInvalid, ValidationFailed
from backend.core.security import (
    encode_access_token,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.members import repository as members_repo

OTP_PER_HOUR = 10
OTP_RESEND_SECONDS = 30


async def request_code(session: AsyncSession, settings: Settings, sms: SmsProvider, phone: str) -> int:
    """Send a six-digit code; at most one per 30 s and ten per hour for a phone."""
    now = utcnow()
    last = await repo.latest_code(session, phone)
    if last and (now - last.created_at).total_seconds() < OTP_RESEND_SECONDS:
        raise RateLimited("Wait before asking for another code.", detail={"retry_after": OTP_RESEND_SECONDS})
    if await repo.count_codes_since(session, phone, now - timedelta(hours=1)) >= OTP_PER_HOUR:
        raise RateLimited("Too many codes requested for this phone; try again later.")
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        OneTimeCode(
            phone=phone,
            code_hash=token_digest(f"{phone}:{code}"),
            expires_at=now + timedelta(seconds=settings.otp_ttl_seconds),
        )
    )
    await session.flush()
    await sms.send_code(phone, code)
    return settings.otp_ttl_seconds


async def _check_lock(session: AsyncSession, key: str) -> None:
    throttle = await repo.get_throttle(session, key)
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        retry = int((throttle.locked_until - utcnow()).total_seconds()) + 1
        raise AccountLocked(detail={"retry_after": retry})


async def _record_failure(session: AsyncSession, settings: Settings, key: str) -> None:
    from backend.auth.models import LoginThrottle

    now = utcnow()
    window = timedelta(seconds=settings.login_lockout_seconds)
    throttle = await repo.get_throttle(session, key)
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0, window_started_at=now)
        session.add(throttle)
    if now - throttle.window_started_at > window:
        throttle.failures, throttle.window_started_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    if throttle.failures >= settings.login_max_failures:
        throttle.locked_until = now + window
    await session.flush()


async def _clear_failures(session: AsyncSession, key: str) -> None:
    throttle = await repo.get_throttle(session, key)
    if throttle:
        await session.delete(throttle)


async def verify_code(
    session: AsyncSession, settings: Settings, phone: str, code: str
) -> tuple[TokenPair, bool]:
    """Check a code; sign the member in, registering them on first use."""
    key = f"otp:{phone}"
    await _check_lock(session, key)
    otp = await repo.latest_code(session, phone)
    if otp is None or otp.expires_at < utcnow() or otp.attempts >= settings.otp_max_attempts:
        raise CodeExpired()
    if not secrets.compare_digest(otp.code_hash, token_digest(f"{phone}:{code}")):
        otp.attempts += 1
        await _record_failure(session, settings, key)
        raise InvalidCredentials()
    otp.used_at = utcnow()
    await _clear_failures(session, key)
    member = await members_repo.by_phone(session, phone)
    created = member is None
    if member is None:
        member = await members_repo.create(session, phone)
    pair = await issue_tokens(session, settings, member_principal(member.id))
    pair.created = created
    return pair, created


async def password_login(session: AsyncSession, settings: Settings, phone: str, password: str) -> TokenPair:
    key = f"member:{phone}"
    await _check_lock(session, key)
    member = await members_repo.by_phone(session, phone)
    if not verify_password(password, member.password_hash if member else None) or member is None:
        await _record_failure(session, settings, key)
        raise InvalidCredentials()
    await _clear_failures(session, key)
    return await issue_tokens(session, settings, member_principal(member.id))


def member_principal(member_id: int) -> Principal:
    return Principal(kind="member", id=member_id)


async def staff_principal(session: AsyncSession, staff: StaffUser) -> Principal:
    roles = frozenset(staff.roles)
    store_ids: frozenset[int] | None
    if StaffRole.HQ_ADMIN in roles:
        store_ids = None
    elif StaffRole.FRANCHISEE_ADMIN in roles and staff.merchant_id is not None:
        store_ids = frozenset(await repo.merchant_store_ids(session, staff.merchant_id))
    else:
        store_ids = frozenset(await repo.staff_store_ids(session, staff.id))
    return Principal(
        kind="staff", id=staff.id, roles=roles, store_ids=store_ids, merchant_id=staff.merchant_id
    )


async def staff_login(session: AsyncSession, settings: Settings, username: str, password: str) -> TokenPair:
    key = f"staff:{username.lower()}"
    await _check_lock(session, key)
    staff = await repo.staff_by_username(session, username)
    valid = verify_password(password, staff.password_hash if staff else None)
    if staff is None or not valid or not staff.active:
        await _record_failure(session, settings, key)
        raise InvalidCredentials()
    await _clear_failures(session, key)
    return await issue_tokens(session, settings, await staff_principal(session, staff))


def _claims(principal: Principal, session_id: str) -> dict[str, Any]:
    return {
        "sub": f"{principal.kind}:{principal.id}",
        "sid": session_id,
        "roles": sorted(principal.roles),
        "stores": None if principal.store_ids is None else sorted(principal.store_ids),
        "mid": principal.merchant_id,
    }


async def _new_refresh(session: AsyncSession, settings: Settings, session_id: str) -> str:
    token = new_token("omor_")
    session.add(
        RefreshToken(
            session_id=session_id,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
        )
    )
    await session.flush()
    return token


async def issue_tokens(
    session: AsyncSession, settings: Settings, principal: Principal, session_id: str | None = None
) -> TokenPair:
    if session_id is None:
        session_id = secrets.token_hex(16)
        session.add(AuthSession(id=session_id, subject_kind=principal.kind, subject_id=principal.id))
        await session.flush()
    access = encode_access_token(
        settings.secret_key, _claims(principal, session_id), settings.access_token_minutes
    )
    refresh = await _new_refresh(session, settings, session_id)
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=settings.access_token_minutes * 60,
        subject_kind=principal.kind,
        subject_id=principal.id,
    )


async def refresh(session: AsyncSession, settings: Settings, token: str) -> TokenPair:
    """Rotate: the old refresh token is spent; presenting a spent one revokes the whole sign-in."""
    now = utcnow()
    row = await repo.refresh_token_by_hash(session, token_digest(token))
    if row is None:
        raise TokenInvalid()
    auth_session = await repo.get_auth_session(session, row.session_id)
    if auth_session is None or auth_session.revoked_at is not None:
        raise TokenInvalid("This sign-in has been revoked.")
    if row.expires_at < now:
        raise TokenInvalid("The refresh token has expired.")
    if row.used_at is not None or not await repo.mark_refresh_used(session, row.id, now):
        await repo.revoke_session(session, row.session_id, "refresh_reuse", now)
        raise RefreshReused()
    principal = await principal_for_subject(session, auth_session.subject_kind, auth_session.subject_id)
    return await issue_tokens(session, settings, principal, session_id=auth_session.id)


async def principal_for_subject(session: AsyncSession, kind: str, subject_id: int) -> Principal:
    if kind == "member":
        if await members_repo.by_id(session, subject_id) is None:
            raise TokenInvalid("The account no longer exists.")
        return member_principal(subject_id)
    staff = await repo.staff_by_id(session, subject_id)
    if staff is None or not staff.active:
        raise TokenInvalid("The account is disabled.")
    return await staff_principal(session, staff)


async def logout(session: AsyncSession, principal: Principal) -> None:
    if principal.session_id:
        await repo.revoke_session(session, principal.session_id, "logout", utcnow())


async def _validate_staff_scope(session: AsyncSession, actor: Principal, store_ids: list[int]) -> None:
    missing = set(store_ids) - await repo.existing_store_ids(session, store_ids)
    if missing:
        raise ValidationFailed("Unknown stores.", detail={"store_ids": sorted(missing)})
    for store_id in store_ids:
        actor.require_store(store_id)


async def create_staff(session: AsyncSession, actor: Principal, data: StaffCreate) -> StaffUser:
    if not actor.is_hq and {StaffRole.HQ_ADMIN, StaffRole.FRANCHISEE_ADMIN} & set(data.roles):
        raise Forbidden("Only HQ may create HQ or franchisee accounts.")
    if not actor.is_hq and not data.store_ids:
        raise ValidationFailed("A store account needs at least one store.", detail={"store_ids": []})
    await _validate_staff_scope(session, actor, data.store_ids)
    if await repo.staff_by_username(session, data.username):
        raise Conflict("That username is taken.", detail={"username": data.username})
    merchant_id = data.merchant_id if actor.is_hq else actor.merchant_id
    staff = StaffUser(
        username=data.username,
        name=data.name,
        phone=data.phone,
        password_hash=hash_password(data.password),
        roles=[str(r) for r in data.roles],
        merchant_id=merchant_id,
    )
    session.add(staff)
    await session.flush()
    await repo.set_staff_stores(session, staff.id, data.store_ids)
    audit.record(session, actor, "staff.create", "staff", staff.id, after={"roles": staff.roles})
    return staff


async def update_staff(
    session: AsyncSession, actor: Principal, staff_id: int, data: StaffUpdate
) -> StaffUser:
    staff = await repo.staff_by_id(session, staff_id)
    if staff is None:
        raise NotFound("No such staff member.")
    current = await repo.staff_store_ids(session, staff.id)
    if not actor.is_hq and not set(current) <= (actor.store_ids or set()):
        raise Forbidden("This account also works for stores you do not manage.")
    before = {"roles": staff.roles, "store_ids": current, "active": staff.active}
    if data.roles is not None:
        if not actor.is_hq and {StaffRole.HQ_ADMIN, StaffRole.FRANCHISEE_ADMIN} & set(data.roles):
            raise Forbidden("Only HQ may grant HQ or franchisee roles.")
        staff.roles = [str(r) for r in data.roles]
    if data.store_ids is not None:
        await _validate_staff_scope(session, actor, data.store_ids)
        await repo.set_staff_stores(session, staff.id, data.store_ids)
    if data.name is not None:
        staff.name = data.name
    if data.active is not None:
        staff.active = data.active
    if data.password is not None:
        staff.password_hash = hash_password(data.password)
    after = {
        "roles": staff.roles,
        "store_ids": await repo.staff_store_ids(session, staff.id),
        "active": staff.active,
    }
    audit.record(session, actor, "staff.update", "staff", staff.id, before=before, after=after)
    return staff


async def register_device(session: AsyncSession, actor: Principal, data: DeviceCreate) -> tuple[Device, str]:
    actor.require_role(StaffRole.STORE_MANAGER)
    await _validate_staff_scope(session, actor, [data.store_id])
    token = new_token("omod_")
    device = Device(store_id=data.store_id, name=data.name, kind=data.kind, token_hash=token_digest(token))
    session.add(device)
    await session.flush()
    audit.record(session, actor, "device.register", "device", device.id, store_id=data.store_id)
    return device, token


async def revoke_device(session: AsyncSession, actor: Principal, device_id: int) -> Device:
    device = await session.get(Device, device_id)
    if device is None or not actor.can_act_for(device.store_id):
        raise NotFound("No such device.")
    actor.require_role(StaffRole.STORE_MANAGER)
    device.revoked_at = device.revoked_at or utcnow()
    audit.record(session, actor, "device.revoke", "device", device.id, store_id=device.store_id)
    return device
