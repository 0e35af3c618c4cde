"""Request dependencies that say who is calling and what they may do."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.auth import repository as repo
from backend.auth.principal import Principal
from backend.core.db import Database
from backend.core.errors import Forbidden, TokenInvalid, Unauthorized
from backend.core.security import decode_access_token, token_digest
from backend.core.settings import Settings
from backend.core.time import utcnow

bearer = HTTPBearer(auto_error=False)

# Revocation is checked against the database, remembered for a few seconds per process.
_REVOCATION_TTL = 3.0
_revocation_cache: dict[str, tuple[float, bool]] = {}


async def _session_revoked(db: Database, session_id: str) -> bool:
    now = time.monotonic()
    hit = _revocation_cache.get(session_id)
    if hit and now - hit[0] < _REVOCATION_TTL:
        return hit[1]
    async with db.read_sessionmaker() as session:
        auth_session = await repo.get_auth_session(session, session_id)
    revoked = auth_session is None or auth_session.revoked_at is not None
    if len(_revocation_cache) > 50_000:
        _revocation_cache.clear()
    _revocation_cache[session_id] = (now, revoked)
    return revoked


def forget_revocation(session_id: str) -> None:
    _revocation_cache.pop(session_id, None)


async def _device_principal(db: Database, token: str) -> Principal:
    async with db.sessionmaker() as session:
        device = await repo.device_by_token_hash(session, token_digest(token))
        if device is None or device.revoked_at is not None:
            raise TokenInvalid("Unknown or revoked device.")
        if device.last_seen_at is None or (utcnow() - device.last_seen_at).total_seconds() > 60:
            device.last_seen_at = utcnow()
            await session.commit()
        return Principal(kind="device", id=device.id, store_ids=frozenset({device.store_id}))


async def principal_from_token(request: Request, token: str) -> Principal:
    """Resolve an access token (or a device token) to a principal; raise TokenInvalid otherwise."""
    db: Database = request.app.state.db
    if token.startswith("omod_"):
        return await _device_principal(db, token)
    settings: Settings = request.app.state.settings
    claims = decode_access_token(settings.secret_key, token)
    kind, _, subject = str(claims["sub"]).partition(":")
    if kind not in ("member", "staff") or not subject.isdigit():
        raise TokenInvalid()
    session_id = claims.get("sid")
    if not session_id or await _session_revoked(db, session_id):
        raise TokenInvalid("This sign-in has been revoked.")
    stores = claims.get("stores")
    return Principal(
        kind=kind,  # type: ignore[arg-type]
        id=int(subject),
        roles=frozenset(claims.get("roles") or ()),
        store_ids=None if stores is None else frozenset(stores),
        merchant_id=claims.get("mid"),
        session_id=session_id,
    )


async def optional_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal | None:
    if credentials is None:
        return None
    return await principal_from_token(request, credentials.credentials)


async def current_principal(principal: Principal | None = Depends(optional_principal)) -> Principal:
    if principal is None:
        raise Unauthorized()
    return principal


async def current_member(principal: Principal = Depends(current_principal)) -> Principal:
    if not principal.is_member:
        raise Forbidden("This is for signed-in shoppers.")
    return principal


async def current_staff(principal: Principal = Depends(current_principal)) -> Principal:
    if not principal.is_staff:
        raise Forbidden("This is for store staff.")
    return principal


async def current_device(principal: Principal = Depends(current_principal)) -> Principal:
    if not principal.is_device:
        raise Forbidden("This is for registered store devices.")
    return principal


def staff_with(*roles: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency admitting staff with any of ``roles`` (HQ admins always)."""

    async def dependency(principal: Principal = Depends(current_staff)) -> Principal:
        principal.require_role(*roles)
        return principal

    return dependency


async def store_actor(principal: Principal = Depends(current_principal)) -> Principal:
    """Staff or a store device: whoever acts for a store at a till."""
    if not (principal.is_staff or principal.is_device):
        raise Forbidden("This is for store staff and devices.")
    return principal


async def current_hq(principal: Principal = Depends(current_staff)) -> Principal:
    if not principal.is_hq:
        raise Forbidden("This is for HQ.")
    return principal


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentMember = Annotated[Principal, Depends(current_member)]
CurrentStaff = Annotated[Principal, Depends(current_staff)]
CurrentDevice = Annotated[Principal, Depends(current_device)]
StoreActor = Annotated[Principal, Depends(store_actor)]
CurrentHQ = Annotated[Principal, Depends(current_hq)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
