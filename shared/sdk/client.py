"""``Client`` (sync) and ``AsyncClient``: every domain's calls, one attribute per domain."""

from __future__ import annotations

from typing import Any

import httpx

from shared.sdk.aftersales import AftersalesAPI
from shared.sdk.appointments import AppointmentsAPI
from shared.sdk.assistant import AssistantAPI
from shared.sdk.auth import AuthAPI
from shared.sdk.base import AsyncBaseClient, BaseClient, Call, Resource, Tokens
from shared.sdk.campaigns import CampaignsAPI
from shared.sdk.catalog import CatalogAPI
from shared.sdk.distribution import DistributionAPI
from shared.sdk.franchise import FranchiseAPI
from shared.sdk.inspection import InspectionAPI
from shared.sdk.intelligence import IntelligenceAPI
from shared.sdk.inventory import InventoryAPI
from shared.sdk.marketing import MarketingAPI
from shared.sdk.members import MembersAPI
from shared.sdk.orders import OrdersAPI
from shared.sdk.payments import PaymentsAPI
from shared.sdk.pricing import PricingAPI
from shared.sdk.stores import StoresAPI
from shared.sdk.tickets import TicketsAPI
from shared.sdk.vision import VisionAPI


class CoreAPI(Resource):
    def qr_public_key(self) -> dict[str, str]:
        return self._call(Call("GET", "/keys/qr", auth=False))


class _Domains:
    """Attaches each domain's resource to a client; add a line here for a new domain."""

    def _attach(self, runner: Any, tokens: Tokens) -> None:
        self.auth = AuthAPI(runner, tokens)
        self.stores = StoresAPI(runner)
        self.catalog = CatalogAPI(runner)
        self.inventory = InventoryAPI(runner)
        self.pricing = PricingAPI(runner)
        self.members = MembersAPI(runner)
        self.payments = PaymentsAPI(runner)
        self.orders = OrdersAPI(runner)
        self.marketing = MarketingAPI(runner)
        self.campaigns = CampaignsAPI(runner)
        self.appointments = AppointmentsAPI(runner)
        self.intelligence = IntelligenceAPI(runner)
        self.aftersales = AftersalesAPI(runner)
        self.tickets = TicketsAPI(runner)
        self.distribution = DistributionAPI(runner)
        self.franchise = FranchiseAPI(runner)
        self.assistant = AssistantAPI(runner)
        self.vision = VisionAPI(runner)
        self.inspection = InspectionAPI(runner)
        self.core = CoreAPI(runner)


class Client(BaseClient, _Domains):
    """Synchronous client: ``Client("http://127.0.0.1:8000").stores.nearby(31.23, 121.47)``."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.Client | None = None,
        tokens: Tokens | None = None,
        timeout: float = 15.0,
    ) -> None:
        super().__init__(base_url, http=http, tokens=tokens, timeout=timeout)
        self._attach(self.run, self.tokens)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class AsyncClient(AsyncBaseClient, _Domains):
    """Asynchronous client: ``await AsyncClient(url).stores.nearby(31.23, 121.47)``."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        tokens: Tokens | None = None,
        timeout: float = 15.0,
    ) -> None:
        super().__init__(base_url, http=http, tokens=tokens, timeout=timeout)
        self._attach(self.run, self.tokens)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()
