"""Finding the shopper's store: a location (device or a demo city) → nearest stores → the chosen one."""

from __future__ import annotations

from dataclasses import dataclass

from apps.shopper.viewmodels.base import KeyValueStore, ViewModel
from backend.stores.schemas import NearbyStore, Store
from shared.errors import RetailError
from shared.sdk import AsyncClient

STORE_KEY = "omo.shopper.store_id"


@dataclass(frozen=True)
class Place:
    key: str
    name_zh: str
    name_en: str
    latitude: float
    longitude: float


# Offered when the device cannot tell where it is (web build, permission refused).
DEMO_PLACES = (
    Place("shanghai", "上海 · 人民广场", "Shanghai · People's Square", 31.2304, 121.4737),
    Place("beijing", "北京 · 王府井", "Beijing · Wangfujing", 39.9139, 116.4103),
    Place("guangzhou", "广州 · 天河", "Guangzhou · Tianhe", 23.1291, 113.3240),
    Place("shenzhen", "深圳 · 福田", "Shenzhen · Futian", 22.5410, 114.0550),
    Place("hangzhou", "杭州 · 西湖", "Hangzhou · West Lake", 30.2590, 120.1500),
)
DEVICE_PLACE_KEY = "device"
# Stores farther than this are not suggested (a shopper in Shanghai does not want a Beijing store).
NEARBY_RADIUS_M = 50_000


class StorePickerVM(ViewModel):
    def __init__(
        self, client: AsyncClient, store: KeyValueStore, places: tuple[Place, ...] = DEMO_PLACES
    ) -> None:
        super().__init__()
        self.client = client
        self.store = store
        self.places = places
        self.place: Place | None = None
        self.nearby: list[NearbyStore] = []
        self.chosen: Store | None = None
        self.searched = False

    async def restore(self) -> bool:
        """Reload the store chosen in an earlier run (if it still exists)."""
        saved = await self.store.get(STORE_KEY)
        if not saved:
            return False
        try:
            self.chosen = await self.client.stores.get(int(saved))
        except RetailError:
            self.chosen = None
            await self.store.remove(STORE_KEY)
        self.notify()
        return self.chosen is not None

    async def use_place(self, key: str) -> None:
        place = next(p for p in self.places if p.key == key)
        await self.locate(place.latitude, place.longitude, place)

    async def locate(self, latitude: float, longitude: float, place: Place | None = None) -> None:
        """Look up the stores nearest to a point; the nearest becomes the suggestion."""
        self.place = place or Place(DEVICE_PLACE_KEY, "当前位置", "My location", latitude, longitude)
        found = await self._run(
            self.client.stores.nearby(latitude, longitude, radius_m=NEARBY_RADIUS_M, limit=10)
        )
        self.nearby = found or []
        self.searched = found is not None
        self.notify()

    @property
    def nearest(self) -> NearbyStore | None:
        open_stores = [s for s in self.nearby if s.kind == "store" and s.status == "open"]
        return open_stores[0] if open_stores else None

    def distance_to(self, store_id: int) -> int | None:
        return next((s.distance_m for s in self.nearby if s.id == store_id), None)

    async def choose(self, store_id: int) -> None:
        self.chosen = next((s for s in self.nearby if s.id == store_id), None)
        if self.chosen is None:
            self.chosen = await self._run(self.client.stores.get(store_id))
        if self.chosen is not None:
            await self.store.set(STORE_KEY, str(self.chosen.id))
        self.notify()

    async def choose_nearest(self) -> bool:
        nearest = self.nearest
        if nearest is None:
            return False
        await self.choose(nearest.id)
        return True

    async def change(self) -> None:
        """Forget the chosen store so the shopper can pick another."""
        self.chosen = None
        await self.store.remove(STORE_KEY)
        self.notify()
