"""Typed errors, rendered as ``{"error": code, "message": text, "detail": ...}`` with their status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from sqlalchemy.exc import TimeoutError as PoolTimeout
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


# What every 422 looks like (request validation and ValidationFailed alike), for the OpenAPI document.
HOUSE_ERROR_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "detail": {}},
    "required": ["error", "message"],
}


def _document_house_errors(app: FastAPI) -> None:
    """Make the schema's 422 answer the house error body the handlers send, not FastAPI's default."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            components = schema.get("components", {}).get("schemas", {})
            if "HTTPValidationError" in components:
                components["HTTPValidationError"] = HOUSE_ERROR_SCHEMA
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


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

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        # A value the schema let through but the column cannot hold (an id past 2^31 on PostgreSQL).
        body = ValidationFailed("A value is out of range.", {"reason": type(exc.orig).__name__}).to_dict()
        return JSONResponse(body, status_code=422)

    @app.exception_handler(PoolTimeout)
    async def _busy(_request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every database connection of this process stayed busy past the pool timeout: try again.
        log.warning("database pool exhausted: %s", exc)
        body = ServiceUnavailable("The service is busy; try again.", {"reason": "db_pool_timeout"}).to_dict()
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    _document_house_errors(app)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal_error", "message": "Something went wrong on our side.", "detail": None},
            status_code=500,
        )
