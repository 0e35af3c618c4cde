"""The OMO Retail client SDK: typed calls over httpx, sync and async, with the backend's error classes.

Request and response models are the backend's pydantic schemas (``backend.<domain>.schemas``), which
import nothing but pydantic, so a client app carries them without the server stack.
"""

from shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidState,
    NotFound,
    OutOfStock,
    RateLimited,
    RetailError,
    StoreForbidden,
    TokenInvalid,
    Unauthorized,
    ValidationFailed,
)
from shared.sdk.base import NetworkError, Tokens, idempotency_key
from shared.sdk.client import AsyncClient, Client

__all__ = [
    "AsyncClient",
    "BadRequest",
    "Client",
    "Conflict",
    "Forbidden",
    "InvalidState",
    "NetworkError",
    "NotFound",
    "OutOfStock",
    "RateLimited",
    "RetailError",
    "StoreForbidden",
    "TokenInvalid",
    "Tokens",
    "Unauthorized",
    "ValidationFailed",
    "idempotency_key",
]
