"""Typed errors, rendered as ``{"error": code, "message": text, "detail": ...}`` with their status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import (  # noqa: F401  (re-exported: the backend's error classes are the SDK's)
    BadRequest,
    Conflict,
    Forbidden,
    InvalidState,
    NotFound,
    OutOfStock,
    PayloadTooLarge,
    RateLimited,
    RetailError,
    ServiceUnavailable,
    StoreForbidden,
    TokenInvalid,
    Unauthorized,
    ValidationFailed,
)

log = logging.getLogger("omo.errors")


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
