"""The HQ pages by area; each module has a router and adds itself to the side bar."""

from backend.hq.pages import (
    aftersales,
    assistant,
    audit,
    catalog,
    franchise,
    inspection,
    inventory,
    jobs,
    marketing,
    members,
    risk,
    services,
)

ROUTERS = [
    inventory.router,
    catalog.router,
    marketing.router,
    members.router,
    franchise.router,
    inspection.router,
    services.router,
    aftersales.router,
    risk.router,
    assistant.router,
    jobs.router,
    audit.router,
]
