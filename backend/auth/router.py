from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from backend.auth import repository as repo
from backend.auth import service
from backend.auth.deps import AppSettings, CurrentPrincipal, CurrentStaff, forget_revocation
from backend.auth.principal import StaffRole
from backend.auth.schemas import (
    Device,
    DeviceCreate,
    DeviceRegistered,
    Me,
    OtpRequest,
    OtpSent,
    OtpVerify,
    PasswordLogin,
    RefreshRequest,
    Staff,
    StaffCreate,
    StaffLogin,
    StaffUpdate,
    TokenPair,
)
from backend.core.db import DbSession
from backend.core.errors import NotFound
from backend.core.privacy import mask_phone
from backend.core.ratelimit import Rule, client_ip
from backend.members import repository as members_repo

router = APIRouter(prefix="/auth", tags=["auth"])


async def _sign_in_limit(request: Request) -> None:
    """Sign-in attempts per client IP, whatever the account (on top of per-account lockout)."""
    limit = request.app.state.settings.login_ip_limit_per_minute
    await request.app.state.rate_limiter.hit(Rule("sign_in", limit, 60), client_ip(request))


SignInLimit = [Depends(_sign_in_limit)]


@router.post(
    "/otp/request", response_model=OtpSent, status_code=status.HTTP_202_ACCEPTED, dependencies=SignInLimit
)
async def request_code(
    body: OtpRequest, request: Request, session: DbSession, settings: AppSettings
) -> OtpSent:
    """Send a one-time sign-in code to a phone."""
    ttl = await service.request_code(session, settings, request.app.state.sms, body.phone)
    return OtpSent(phone=body.phone, expires_in=ttl)


@router.post("/otp/verify", response_model=TokenPair, dependencies=SignInLimit)
async def verify_code(body: OtpVerify, session: DbSession, settings: AppSettings) -> TokenPair:
    """Sign in (or register) a shopper with the code sent to their phone."""
    pair, _created = await service.verify_code(session, settings, body.phone, body.code)
    return pair


@router.post("/login", response_model=TokenPair, dependencies=SignInLimit)
async def password_login(body: PasswordLogin, session: DbSession, settings: AppSettings) -> TokenPair:
    """Sign a shopper in with phone and password."""
    return await service.password_login(session, settings, body.phone, body.password)


@router.post("/staff/login", response_model=TokenPair, dependencies=SignInLimit)
async def staff_login(body: StaffLogin, session: DbSession, settings: AppSettings) -> TokenPair:
    """Sign a staff member in; the token carries their roles and stores."""
    return await service.staff_login(session, settings, body.username, body.password)


@router.post("/refresh", response_model=TokenPair, dependencies=SignInLimit)
async def refresh(body: RefreshRequest, session: DbSession, settings: AppSettings) -> TokenPair:
    """Exchange a refresh token for a new pair; the old refresh token is spent."""
    return await service.refresh(session, settings, body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, session: DbSession) -> None:
    """End this sign-in: its access and refresh tokens stop working."""
    await service.logout(session, principal)
    if principal.session_id:
        forget_revocation(principal.session_id)


@router.get("/me", response_model=Me)
async def me(principal: CurrentPrincipal, session: DbSession) -> Me:
    """Who the token belongs to."""
    name = phone = None
    if principal.is_member:
        member = await members_repo.by_id(session, principal.id)
        if member:
            name, phone = member.name, mask_phone(member.phone)
    elif principal.is_staff:
        staff = await repo.staff_by_id(session, principal.id)
        name = staff.name if staff else None
    return Me(
        kind=principal.kind,
        id=principal.id,
        roles=sorted(principal.roles),
        store_ids=None if principal.store_ids is None else sorted(principal.store_ids),
        merchant_id=principal.merchant_id,
        name=name,
        phone_masked=phone,
    )


async def _staff_out(session: DbSession, staff_id: int) -> Staff:
    staff = await repo.staff_by_id(session, staff_id)
    if staff is None:
        raise NotFound("No such staff member.")
    return Staff(
        id=staff.id,
        username=staff.username,
        name=staff.name,
        roles=list(staff.roles),
        store_ids=await repo.staff_store_ids(session, staff.id),
        merchant_id=staff.merchant_id,
        active=staff.active,
    )


@router.get("/staff", response_model=list[Staff])
async def list_staff(principal: CurrentStaff, session: DbSession) -> list[Staff]:
    """Staff accounts of the stores the caller manages."""
    principal.require_role(StaffRole.STORE_MANAGER, StaffRole.FRANCHISEE_ADMIN)
    rows = await repo.list_staff(
        session, principal.store_ids, None if principal.is_hq else principal.merchant_id
    )
    return [await _staff_out(session, s.id) for s in rows]


@router.post("/staff", response_model=Staff, status_code=status.HTTP_201_CREATED)
async def create_staff(body: StaffCreate, principal: CurrentStaff, session: DbSession) -> Staff:
    """Create a staff account with roles and stores."""
    principal.require_role(StaffRole.STORE_MANAGER, StaffRole.FRANCHISEE_ADMIN)
    staff = await service.create_staff(session, principal, body)
    return await _staff_out(session, staff.id)


@router.patch("/staff/{staff_id}", response_model=Staff)
async def update_staff(
    staff_id: int, body: StaffUpdate, principal: CurrentStaff, session: DbSession
) -> Staff:
    """Change a staff account's roles, stores, name, password or whether it is active."""
    principal.require_role(StaffRole.STORE_MANAGER, StaffRole.FRANCHISEE_ADMIN)
    staff = await service.update_staff(session, principal, staff_id, body)
    return await _staff_out(session, staff.id)


@router.post("/devices", response_model=DeviceRegistered, status_code=status.HTTP_201_CREATED)
async def register_device(
    body: DeviceCreate, principal: CurrentStaff, session: DbSession
) -> DeviceRegistered:
    """Register a kiosk or till bound to one store; the token is shown once."""
    device, token = await service.register_device(session, principal, body)
    return DeviceRegistered(device=Device.model_validate(device), token=token)


@router.get("/devices", response_model=list[Device])
async def list_devices(principal: CurrentStaff, session: DbSession) -> list[Device]:
    """Devices of the stores the caller works for."""
    return [Device.model_validate(d) for d in await repo.list_devices(session, principal.store_ids)]


@router.delete("/devices/{device_id}", response_model=Device)
async def revoke_device(device_id: int, principal: CurrentStaff, session: DbSession) -> Device:
    """Revoke a device's token."""
    return Device.model_validate(await service.revoke_device(session, principal, device_id))
