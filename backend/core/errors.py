"""Typed errors, rendered as ``{"error": code, "message": text, "detail": ...}`` with their status."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("omo.errors")


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


ERRORS_BY_CODE: dict[str, type[RetailError]] = {}


def _collect(cls: type[RetailError]) -> None:
    ERRORS_BY_CODE.setdefault(cls.code, cls)
    for sub in cls.__subclasses__():
        _collect(sub)


def error_class(code: str) -> type[RetailError]:
    """The error class for a code (subclasses defined in domain modules register on first use)."""
    _collect(RetailError)
    return ERRORS_BY_CODE.get(code, RetailError)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RetailError)
    async def _retail(_request: Request, exc: RetailError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        fields = ", ".join(".".join(e["loc"][1:] or e["loc"]) + ": " + e["msg"] for e in errors[:5])
        body = ValidationFailed(f"Invalid input ({fields}).", errors).to_dict()
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            {"error": code, "message": str(exc.detail), "detail": None},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal_error", "message": "Something went wrong on our side.", "detail": None},
            status_code=500,
        )
