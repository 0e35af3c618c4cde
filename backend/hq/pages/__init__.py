"""The HQ pages by area; each module has a router and adds itself to the side bar."""

from backend.hq.pages import audit, catalog, inventory, jobs, marketing, members

ROUTERS = [inventory.router, catalog.router, marketing.router, members.router, jobs.router, audit.router]
