"""Searching the catalog at the chosen store, and one product: specs → SKU, price here, stock per store."""

from __future__ import annotations

import asyncio
from typing import Any

from apps.shopper.viewmodels.base import ViewModel
from apps.shopper.viewmodels.stores import NEARBY_RADIUS_M
from backend.catalog.schemas import CategoryNode, ProductDetail, ProductSummary, Sku
from backend.core.schemas import Page
from backend.intelligence.schemas import RecommendedItem
from backend.marketing.schemas import Promotion
from backend.stores.schemas import NearbyStore
from shared.errors import RetailError
from shared.sdk import AsyncClient
from shared.sdk.base import Call, Resource

HOT_SHOWN = 6
# Sort orders the search screen offers (None: best match for words, best sellers otherwise).
SORTS = (None, "sales", "price_asc", "price_desc", "newest")
PICKS_SHOWN = 6


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
        sort: str | None = None,
    ) -> Any:
        params = {
            "q": q,
            "store_id": store_id,
            "in_stock_at": in_stock_at,
            "category_id": category_id,
            "page": page,
            "page_size": page_size,
            "sort": sort,
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
        self.sort: str | None = None
        self.in_stock_only = False
        self.promotions: list[Promotion] = []
        self.hot: list[ProductSummary] = []
        self.for_you: list[RecommendedItem] = []

    async def load_home(self) -> None:
        """What the home screen shows for the chosen store: promotions running now and its best sellers."""
        if self.store_id is None:
            return
        # Fetched together and shown in one render, so the screen is not rebuilt under a tap.
        got = await self._run(
            asyncio.gather(
                self.client.marketing.active_promotions(self.store_id),
                self.client.catalog.products(
                    store_id=self.store_id,
                    in_stock_at=self.store_id,
                    kind="goods",
                    sort="sales",
                    page_size=HOT_SHOWN,
                ),
            )
        )
        picks = await self._quiet(
            self.client.intelligence.for_you(self.store_id, limit=PICKS_SHOWN + HOT_SHOWN)
        )
        promotions, found = got if got is not None else ([], None)
        self.promotions, self.hot = promotions or [], found.items if found else []
        hot = self.hot_ids
        # 猜你喜欢: picks not already shown among the store's best sellers, one per product.
        seen: set[int] = set()
        for_you: list[RecommendedItem] = []
        for item in picks.items if picks else []:
            if item.product_id not in hot and item.product_id not in seen:
                seen.add(item.product_id)
                for_you.append(item)
        self.for_you = for_you[:PICKS_SHOWN]
        self.notify()

    async def _quiet(self, action):  # type: ignore[no-untyped-def]
        """A call whose failure only means the screen shows less (recommendations)."""
        try:
            return await action
        except RetailError:
            return None

    @property
    def hot_ids(self) -> set[int]:
        return {p.id for p in self.hot}

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id = store_id
            self.results, self.in_stock, self.total, self.searched = [], set(), 0, False
            self.promotions, self.hot, self.for_you = [], [], []

    async def load_categories(self) -> None:
        found = await self._run(self.calls.categories())
        self.categories = found or []
        self.notify()

    async def search(self, query: str | None = None, category_id: int | None = None) -> None:
        self.query = (query if query is not None else self.query).strip()
        self.category_id = category_id
        self.page = 1
        await self._fetch(replace=True)

    async def set_sort(self, sort: str | None) -> None:
        """Order the results (``SORTS``) and search again."""
        self.sort = sort if sort in SORTS else None
        self.page = 1
        await self._fetch(replace=True)

    async def set_in_stock_only(self, only: bool) -> None:
        """Show only what the chosen store has in stock, and search again."""
        self.in_stock_only = only and self.store_id is not None
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
        only_here = self.store_id if self.in_stock_only else None
        found = await self._run(
            self.calls.products(
                q=q,
                store_id=self.store_id,
                in_stock_at=only_here,
                category_id=self.category_id,
                page=self.page,
                page_size=self.page_size,
                sort=self.sort,
            )
        )
        if found is None:
            return
        stocked: set[int] = {p.id for p in found.items} if only_here else set()
        if self.store_id is not None and found.items and not only_here:
            here = await self._run(
                self.calls.products(
                    q=q,
                    store_id=self.store_id,
                    in_stock_at=self.store_id,
                    category_id=self.category_id,
                    page=self.page,
                    page_size=self.page_size,
                    sort=self.sort,
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
        self.also_bought: list[RecommendedItem] = []

    async def load(self, product_id: int, store_id: int | None) -> None:
        self.store_id, self.product_id = store_id, product_id
        product = await self._run(self.calls.product(product_id, store_id))
        # The recommendations are fetched before the product is shown, so the page is drawn once with
        # both (not redrawn under the shopper's first tap).
        also_bought = await self._also_bought(product) if product else []
        self.product, self.also_bought, self.selected = product, also_bought, {}
        if product:
            first = next((s for s in product.skus if s.status == "active"), None)
            if first:
                self.selected = {name: first.specs.get(name, "") for name in product.spec_names}
        self.notify()

    async def _also_bought(self, product: ProductDetail) -> list[RecommendedItem]:
        """买了又买: what shoppers who bought this product also bought (other products, one tile each)."""
        mine = {s.id for s in product.skus}
        seen: set[int] = {product.id}
        picks: list[RecommendedItem] = []
        for sku_id in list(mine)[:3]:
            try:
                found = await self.client.intelligence.bought_together(sku_id, limit=PICKS_SHOWN)
            except RetailError:
                continue
            for item in found.items:
                if item.product_id not in seen and item.sku_id not in mine:
                    seen.add(item.product_id)
                    picks.append(item)
        return sorted(picks, key=lambda i: -i.score)[:PICKS_SHOWN]

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
