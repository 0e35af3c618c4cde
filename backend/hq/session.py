"""HQ page sessions: the staff tokens live in HttpOnly cookies; forms carry a CSRF token."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response

from backend.auth.deps import principal_from_token
from backend.auth.principal import Principal, StaffRole
from backend.core.errors import Forbidden, RetailError, Unauthorized
from backend.core.security import hmac_sha256

ACCESS_COOKIE = "omo_hq_access"
REFRESH_COOKIE = "omo_hq_refresh"
CSRF_COOKIE = "omo_hq_csrf"
HQ_ROLES = (StaffRole.HQ_ADMIN, StaffRole.FRANCHISEE_ADMIN)


class LoginRequired(Unauthorized):
    code = "hq_login_required"


def set_session(response: Response, access: str, refresh: str, secure: bool) -> None:
    options = {"httponly": True, "samesite": "lax", "secure": secure, "path": "/hq"}
    response.set_cookie(ACCESS_COOKIE, access, **options)
    response.set_cookie(REFRESH_COOKIE, refresh, **options)
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), samesite="lax", secure=secure, path="/hq")


def clear_session(response: Response) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/hq")


async def hq_principal(request: Request) -> Principal:
    """The signed-in HQ or franchisee user, from the session cookie."""
    token = request.cookies.get(ACCESS_COOKIE)
    if not token:
        raise LoginRequired()
    try:
        principal = await principal_from_token(request, token)
    except RetailError as exc:
        raise LoginRequired() from exc
    if not principal.is_staff or not principal.roles.intersection(HQ_ROLES):
        raise Forbidden("The HQ pages are for HQ and franchisee accounts.")
    return principal


def csrf_token(request: Request) -> str:
    """The token a page puts in its forms: bound to this browser's CSRF cookie."""
    secret = request.app.state.settings.secret_key
    return hmac_sha256(secret, request.cookies.get(CSRF_COOKIE, "").encode())


def check_csrf(request: Request, submitted: str | None) -> None:
    if not request.cookies.get(CSRF_COOKIE) or not hmac.compare_digest(submitted or "", csrf_token(request)):
        raise Forbidden("The form has expired; reload the page and try again.")
