from __future__ import annotations

from backend.core.errors import RateLimited, TokenInvalid, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    default_message = "Wrong phone, username, password or code."
    keeps_changes = True


class AccountLocked(RateLimited):
    code = "account_locked"
    default_message = "Too many failed attempts; the account is locked for a while."
    keeps_changes = True


class CodeExpired(Unauthorized):
    code = "code_expired"
    default_message = "The code has expired or was used; request a new one."


class RefreshReused(TokenInvalid):
    code = "refresh_reused"
    default_message = "The refresh token was already used; the sign-in has been revoked."
    keeps_changes = True
