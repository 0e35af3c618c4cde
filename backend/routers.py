"""The API's routers, mounted under /api/v1 in this order."""

from fastapi import APIRouter

from backend.aftersales.router import router as aftersales_router
from backend.appointments.router import router as appointments_router
from backend.assistant.router import router as assistant_router
from backend.auth.router import router as auth_router
from backend.campaigns.router import router as campaigns_router
from backend.catalog.router import router as catalog_router
from backend.core.router import router as core_router
from backend.distribution.router import router as distribution_router
from backend.franchise.router import router as franchise_router
from backend.inspection.router import router as inspection_router
from backend.intelligence.router import router as intelligence_router
from backend.inventory.router import router as inventory_router
from backend.marketing.router import router as marketing_router
from backend.members.router import router as members_router
from backend.members.router_privacy import router as members_privacy_router
from backend.orders.router import router as orders_router
from backend.payments.router import router as payments_router
from backend.pricing.router import router as pricing_router
from backend.realtime.router import router as realtime_router
from backend.stores.router import router as stores_router
from backend.tickets.router import router as tickets_router
from backend.vision.router import router as vision_router

ROUTERS: list[APIRouter] = [
    campaigns_router,  # first: routes match in order, and the flash-sale buy is the hottest path
    core_router,
    auth_router,
    stores_router,
    members_router,
    members_privacy_router,
    inventory_router,
    catalog_router,
    pricing_router,
    realtime_router,
    payments_router,
    orders_router,
    marketing_router,
    appointments_router,
    assistant_router,
    intelligence_router,
    aftersales_router,
    tickets_router,
    distribution_router,
    franchise_router,
    vision_router,
    inspection_router,
]
