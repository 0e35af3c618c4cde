"""Searching the catalog at the chosen store, and one product: specs → SKU, price here, stock per store."""

from __future__ import annotations

from typing import Any

from apps.shopper.viewmodels.base import ViewModel
from apps.shopper.viewmodels.stores import NEARBY_RADIUS_M
from backend.catalog.schemas import CategoryNode, ProductDetail, ProductSummary, Sku
from backend.core.schemas import Page
from backend.marketing.schemas import Promotion
from backend.stores.schemas import NearbyStore
from shared.sdk import AsyncClient
from shared.sdk.base import Call, Resource

HOT_SHOWN = 6


class CatalogCalls(Resource):
    """The catalog calls the shopper app makes (``/catalog``), in the SDK's ``Call`` form."""

    def categories(self) -> Any:
        return self._call(Call("GET", "/catalog/categories", model=list[CategoryNode], auth=False))

    def products(
        self,
        q: str | None = None,
        store_id: int | None = None,
        in_stock_at: int | None = None,
        category_id: int | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> Any:
        params = {
            "q": q,
            "store_id": store_id,
            "in_stock_at": in_stock_at,
            "category_id": category_id,
            "page": page,
            "page_size": page_size,
        }
        return self._call(Call("GET", "/catalog/products", params=params, model=Page[ProductSummary]))

    def product(self, product_id: int, store_id: int | None = None) -> Any:
        params = {"store_id": store_id}
        return self._call(Call("GET", f"/catalog/products/{product_id}", params=params, model=ProductDetail))


def catalog_calls(client: AsyncClient) -> CatalogCalls:
    return CatalogCalls(client.run)


class CatalogVM(ViewModel):
    """Search results with the price at the chosen store and whether it has the product in stock."""

    def __init__(self, client: AsyncClient, page_size: int = 20) -> None:
        super().__init__()
        self.client = client
        self.calls = catalog_calls(client)
        self.page_size = page_size
        self.store_id: int | None = None
        self.query = ""
        self.category_id: int | None = None
        self.categories: list[CategoryNode] = []
        self.results: list[ProductSummary] = []
        self.in_stock: set[int] = set()
        self.total = 0
        self.page = 1
        self.searched = False
        self.promotions: list[Promotion] = []
        self.hot: list[ProductSummary] = []

    async def load_home(self) -> None:
        """What the home screen shows for the chosen store: promotions running now and its best sellers."""
        if self.store_id is None:
            return
        self.promotions = await self._run(self.client.marketing.active_promotions(self.store_id)) or []
        found = await self._run(
            self.client.catalog.products(
                store_id=self.store_id,
                in_stock_at=self.store_id,
                kind="goods",
                sort="sales",
                page_size=HOT_SHOWN,
            )
        )
        self.hot = found.items if found else []
        self.notify()

    @property
    def hot_ids(self) -> set[int]:
        return {p.id for p in self.hot}

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id = store_id
            self.results, self.in_stock, self.total, self.searched = [], set(), 0, False
            self.promotions, self.hot = [], []

    async def load_categories(self) -> None:
        found = await self._run(self.calls.categories())
        self.categories = found or []
        self.notify()

    async def search(self, query: str | None = None, category_id: int | None = None) -> None:
        self.query = (query if query is not None else self.query).strip()
        self.category_id = category_id
        self.page = 1
        await self._fetch(replace=True)

    async def more(self) -> None:
        if self.has_more and not self.busy:
            self.page += 1
            await self._fetch(replace=False)

    @property
    def has_more(self) -> bool:
        return len(self.results) < self.total

    def available(self, product_id: int) -> bool | None:
        """True / False at the chosen store; None when no store is chosen."""
        return None if self.store_id is None else product_id in self.in_stock or product_id in self.hot_ids

    async def _fetch(self, *, replace: bool) -> None:
        q = self.query or None
        found = await self._run(
            self.calls.products(
                q=q,
                store_id=self.store_id,
                category_id=self.category_id,
                page=self.page,
                page_size=self.page_size,
            )
        )
        if found is None:
            return
        stocked: set[int] = set()
        if self.store_id is not None and found.items:
            here = await self._run(
                self.calls.products(
                    q=q,
                    store_id=self.store_id,
                    in_stock_at=self.store_id,
                    category_id=self.category_id,
                    page=self.page,
                    page_size=self.page_size,
                )
            )
            stocked = {p.id for p in here.items} if here else set()
        self.results = found.items if replace else self.results + found.items
        self.in_stock = stocked if replace else self.in_stock | stocked
        self.total, self.searched = found.total, True
        self.notify()


class ProductVM(ViewModel):
    """One product: the shopper picks a value for each spec, which names one SKU."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.calls = catalog_calls(client)
        self.product: ProductDetail | None = None
        self.product_id: int | None = None  # the last one asked for, found or not
        self.store_id: int | None = None
        self.selected: dict[str, str] = {}
        self.stock_nearby: list[NearbyStore] = []

    async def load(self, product_id: int, store_id: int | None) -> None:
        self.store_id, self.product_id = store_id, product_id
        self.product = await self._run(self.calls.product(product_id, store_id))
        self.selected = {}
        if self.product:
            first = next((s for s in self.product.skus if s.status == "active"), None)
            if first:
                self.selected = {name: first.specs.get(name, "") for name in self.product.spec_names}
        self.notify()

    def options(self, spec_name: str) -> list[str]:
        """The values offered for one spec, in the order the SKUs list them."""
        values: list[str] = []
        for sku in self.active_skus:
            value = sku.specs.get(spec_name)
            if value is not None and value not in values:
                values.append(value)
        return values

    @property
    def active_skus(self) -> list[Sku]:
        return [s for s in self.product.skus if s.status == "active"] if self.product else []

    def select(self, spec_name: str, value: str) -> None:
        self.selected[spec_name] = value
        if self.sku is None:
            # Keep the new value and move the other specs to the first SKU that has it.
            match = next((s for s in self.active_skus if s.specs.get(spec_name) == value), None)
            if match:
                self.selected = (
                    {n: match.specs.get(n, "") for n in self.product.spec_names} if self.product else {}
                )
        self.stock_nearby = []
        self.notify()

    @property
    def sku(self) -> Sku | None:
        if not self.product:
            return None
        for sku in self.active_skus:
            if all(sku.specs.get(n) == v for n, v in self.selected.items()):
                return sku
        return None

    @property
    def price(self) -> int | None:
        sku = self.sku
        if sku is None:
            return None
        return sku.price if sku.price is not None else sku.base_price

    async def find_stock_nearby(self, latitude: float, longitude: float) -> None:
        """Which nearby stores have the chosen SKU, nearest first."""
        sku = self.sku
        if sku is None:
            return
        found = await self._run(
            self.client.stores.nearby(
                latitude, longitude, sku_ids=[sku.id], radius_m=NEARBY_RADIUS_M, limit=10
            )
        )
        self.stock_nearby = found or []
        self.notify()
