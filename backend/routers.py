"""The API's routers, mounted under /api/v1 in this order."""

from fastapi import APIRouter

from backend.auth.router import router as auth_router
from backend.core.router import router as core_router
from backend.stores.router import router as stores_router

ROUTERS: list[APIRouter] = [
    core_router,
    auth_router,
    stores_router,
]
