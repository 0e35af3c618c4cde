"""Stores, regions and nearby search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.stores.schemas import (
    ArrivalDecision,
    Beacon,
    BeaconVerified,
    HelpCall,
    NearbyStore,
    Region,
    Store,
)
from shared.sdk.base import Call, Resource, idempotency_key


class StoresAPI(Resource):
    def regions(self) -> list[Region]:
        return self._call(Call("GET", "/regions", model=list[Region], auth=False))

    def create_region(self, code: str, name_zh: str, name_en: str) -> Region:
        body = {"code": code, "name_zh": name_zh, "name_en": name_en}
        return self._call(Call("POST", "/regions", json=body, model=Region))

    def list(
        self, city: str | None = None, region_id: int | None = None, kind: str | None = None
    ) -> list[Store]:
        params = {"city": city, "region_id": region_id, "kind": kind}
        return self._call(Call("GET", "/stores", params=params, model=list[Store], auth=False))

    def get(self, store_id: int) -> Store:
        return self._call(Call("GET", f"/stores/{store_id}", model=Store, auth=False))

    def mine(self) -> list[Store]:
        """The stores the signed-in staff member works for."""
        return self._call(Call("GET", "/stores/mine", model=list[Store]))

    def nearby(
        self,
        lat: float,
        lng: float,
        sku_ids: Sequence[int] = (),
        radius_m: int | None = None,
        limit: int = 10,
        in_stock_only: bool = False,
    ) -> list[NearbyStore]:
        params = {
            "lat": lat,
            "lng": lng,
            "sku_ids": list(sku_ids),
            "radius_m": radius_m,
            "limit": limit,
            "in_stock_only": in_stock_only or None,
        }
        return self._call(Call("GET", "/stores/nearby", params=params, model=list[NearbyStore], auth=False))

    def create(self, **fields: Any) -> Store:
        return self._call(Call("POST", "/stores", json=fields, model=Store))

    def update(self, store_id: int, **fields: Any) -> Store:
        return self._call(Call("PATCH", f"/stores/{store_id}", json=fields, model=Store))

    def beacons(self) -> list[Beacon]:
        """Every paired beacon, for matching what the phone sees."""
        return self._call(Call("GET", "/beacons", model=list[Beacon], auth=False))

    def store_beacons(self, store_id: int) -> list[Beacon]:
        return self._call(Call("GET", f"/stores/{store_id}/beacons", model=list[Beacon]))

    def pair_beacon(self, store_id: int, zone: str, **identity: Any) -> Beacon:
        """Bind a beacon (uuid/major/minor or namespace/instance) to a store and zone."""
        body = {"zone": zone, **identity}
        return self._call(Call("POST", f"/stores/{store_id}/beacons", json=body, model=Beacon))

    def verify_beacon(
        self, store_id: int, beacon_id: int, rssi: list[float], max_distance_m: float = 5.0
    ) -> BeaconVerified:
        body = {"rssi": rssi, "max_distance_m": max_distance_m}
        path = f"/stores/{store_id}/beacons/{beacon_id}/verify"
        return self._call(Call("POST", path, json=body, model=BeaconVerified))

    def unpair_beacon(self, store_id: int, beacon_id: int) -> None:
        return self._call(Call("DELETE", f"/stores/{store_id}/beacons/{beacon_id}", expect_empty=True))

    def arrive(self, store_id: int, zone: str = "entrance") -> ArrivalDecision:
        """Report that the member walked into a store; the answer says whether to show a welcome."""
        return self._call(
            Call("POST", f"/stores/{store_id}/arrivals", json={"zone": zone}, model=ArrivalDecision)
        )

    # --- help calls ---

    def call_for_help(
        self,
        reason: str,
        *,
        store_id: int | None = None,
        note: str = "",
        context: dict[str, Any] | None = None,
        client_id: str | None = None,
    ) -> HelpCall:
        """Ask for a staff member (age_check, scan_trouble, payment_trouble, pickup, other)."""
        body = {
            "client_id": client_id or idempotency_key(),
            "reason": reason,
            "store_id": store_id,
            "note": note,
            "context": context or {},
        }
        return self._call(Call("POST", "/help-calls", json=body, model=HelpCall))

    def help_calls(self, store_id: int, open_only: bool = True) -> list[HelpCall]:
        params = {"open_only": "true" if open_only else "false"}
        return self._call(Call("GET", f"/stores/{store_id}/help-calls", params=params, model=list[HelpCall]))

    def answer_help_call(self, call_id: int) -> HelpCall:
        return self._call(Call("POST", f"/help-calls/{call_id}/answer", model=HelpCall))

    def resolve_help_call(self, call_id: int) -> HelpCall:
        return self._call(Call("POST", f"/help-calls/{call_id}/resolve", model=HelpCall))
