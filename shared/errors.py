"""The error classes shared by the backend and the SDK.

The backend raises them and renders ``{"error": code, "message": text, "detail": ...}`` with
``status_code``; the SDK turns such a response back into the same class (or, for a domain-specific code,
a subclass of the class for that status, named after the code).
"""

from __future__ import annotations

from typing import Any, ClassVar


class RetailError(Exception):
    """Base of every error the API answers with on purpose."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    default_message: ClassVar[str] = "The request cannot be carried out."
    # True for refusals whose bookkeeping must persist (failed sign-in counters): the request's
    # transaction commits instead of rolling back when this error is raised.
    keeps_changes: ClassVar[bool] = False

    def __init__(self, message: str | None = None, detail: Any = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "detail": self.detail}


class BadRequest(RetailError):
    status_code = 400
    code = "bad_request"


class ValidationFailed(RetailError):
    status_code = 422
    code = "validation_error"
    default_message = "Some fields are not valid."


class Unauthorized(RetailError):
    status_code = 401
    code = "unauthorized"
    default_message = "Sign in first."


class TokenInvalid(Unauthorized):
    code = "token_invalid"
    default_message = "The token is invalid, expired or revoked."


class Forbidden(RetailError):
    status_code = 403
    code = "forbidden"
    default_message = "You may not do this."


class StoreForbidden(Forbidden):
    code = "store_forbidden"
    default_message = "You do not work for this store."


class NotFound(RetailError):
    status_code = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(RetailError):
    status_code = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."


class InvalidState(Conflict):
    code = "invalid_state"
    default_message = "This is not allowed in the current state."


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = "Not enough stock."


class PayloadTooLarge(RetailError):
    status_code = 413
    code = "payload_too_large"
    default_message = "The request body is too large."


class RateLimited(RetailError):
    status_code = 429
    code = "rate_limited"
    default_message = "Too many attempts; try again later."


class ServiceUnavailable(RetailError):
    status_code = 503
    code = "unavailable"
    default_message = "A dependency is not available."


_BY_STATUS: dict[int, type[RetailError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    422: ValidationFailed,
    429: RateLimited,
    503: ServiceUnavailable,
}
_BY_CODE: dict[str, type[RetailError]] = {}


def _register(cls: type[RetailError]) -> None:
    _BY_CODE.setdefault(cls.code, cls)
    for sub in cls.__subclasses__():
        _register(sub)


def error_class(code: str, status: int) -> type[RetailError]:
    """The class for an error code; unknown codes get a subclass of the class for their status."""
    _register(RetailError)
    known = _BY_CODE.get(code)
    if known is not None and known.status_code == status:
        return known
    base = _BY_STATUS.get(status, RetailError)
    name = "".join(part.capitalize() for part in code.split("_")) or "RetailError"
    cls = type(name, (base,), {"code": code, "status_code": status, "__module__": __name__})
    _BY_CODE[code] = cls
    return cls


def from_response(status: int, body: Any) -> RetailError:
    """Rebuild the error an API response describes."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        cls = error_class(body["error"], status)
        return cls(body.get("message"), body.get("detail"))
    cls = _BY_STATUS.get(status, RetailError)
    return cls(f"HTTP {status}", body)
