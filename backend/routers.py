"""The API's routers, mounted under /api/v1 in this order."""

from fastapi import APIRouter

from backend.appointments.router import router as appointments_router
from backend.auth.router import router as auth_router
from backend.catalog.router import router as catalog_router
from backend.core.router import router as core_router
from backend.inventory.router import router as inventory_router
from backend.marketing.router import router as marketing_router
from backend.members.router import router as members_router
from backend.orders.router import router as orders_router
from backend.payments.router import router as payments_router
from backend.pricing.router import router as pricing_router
from backend.realtime.router import router as realtime_router
from backend.stores.router import router as stores_router

ROUTERS: list[APIRouter] = [
    core_router,
    auth_router,
    stores_router,
    members_router,
    inventory_router,
    catalog_router,
    pricing_router,
    realtime_router,
    payments_router,
    orders_router,
    marketing_router,
    appointments_router,
]
