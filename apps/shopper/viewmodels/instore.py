"""In-store mode: the phone listens for the stores' paired beacons (bleak, or a radio simulator on
machines without Bluetooth), detects an arrival with hysteresis and dwell time, reports it to the store,
and shows the welcome and the coupon the store pushed."""

from __future__ import annotations

from typing import Any

from apps.shopper.viewmodels.base import ViewModel
from backend.stores.schemas import ArrivalDecision, Beacon
from shared.devices.beacons import (
    ArrivalDetector,
    BeaconBinding,
    BeaconRegistry,
    BeaconScanner,
    PresenceEvent,
    PresenceKind,
    PresenceTracker,
)
from shared.i18n import pick
from shared.sdk import AsyncClient


def binding_of(beacon: Beacon) -> BeaconBinding:
    return BeaconBinding(
        str(beacon.store_id),
        beacon.zone,
        uuid=beacon.uuid if beacon.kind == "ibeacon" else None,
        major=beacon.major if beacon.kind == "ibeacon" else None,
        minor=beacon.minor if beacon.kind == "ibeacon" else None,
        namespace=beacon.namespace if beacon.kind != "ibeacon" else None,
        instance=beacon.instance if beacon.kind != "ibeacon" else None,
        measured_power=beacon.measured_power,
        label=beacon.label,
    )


class InStoreVM(ViewModel):
    """Arrival detection over the stores' paired beacons, and the welcome the store answers with."""

    def __init__(
        self,
        client: AsyncClient,
        scanner: BeaconScanner | None = None,
        *,
        dwell_s: float = 6.0,
        window_s: float = 2.0,
    ) -> None:
        super().__init__()
        self.client = client
        self.scanner = scanner or BeaconScanner()
        self.dwell_s, self.window_s = dwell_s, window_s
        self.registry = BeaconRegistry()
        self.tracker = PresenceTracker(self.registry, self._detector)
        self.bluetooth: bool | None = None
        self.listening = False
        self.arrival: PresenceEvent | None = None
        self.welcome: ArrivalDecision | None = None
        self.welcome_store_id: int | None = None

    def _detector(self, binding: BeaconBinding) -> ArrivalDetector:
        return ArrivalDetector(store_id=binding.store_id, zone=binding.zone, dwell_in_s=self.dwell_s)

    async def prepare(self) -> bool:
        """Learn which beacons belong to which store (the stores' beacon list)."""
        found = await self._run(self.client.stores.beacons())
        if found is None:
            return False
        for beacon in found:
            try:
                self.registry.add(binding_of(beacon))
            except ValueError:
                continue
        self.notify()
        return len(self.registry) > 0

    async def scan_once(self) -> bool:
        """Listen for one window; True once an arrival was detected (and reported to the store)."""
        status, seen = await self.scanner.scan(self.window_s)
        self.bluetooth = status.available
        if not status.available:
            self.notify()
            return False
        for sighting in seen:
            for event in self.tracker.feed(sighting):
                if event.kind == PresenceKind.ARRIVAL:
                    await self._arrived(event)
        self.notify()
        return self.arrival is not None

    async def listen(self, max_scans: int = 30) -> bool:
        """Scan until an arrival (or ``max_scans`` windows, or no Bluetooth); True on arrival."""
        if not len(self.registry) and not await self.prepare():
            return False
        self.listening = True
        self.notify()
        try:
            for _ in range(max_scans):
                if await self.scan_once() or self.bluetooth is False:
                    break
        finally:
            self.listening = False
            self.notify()
        return self.arrival is not None

    async def _arrived(self, event: PresenceEvent) -> None:
        self.arrival = event
        decision = await self._run(self.client.stores.arrive(int(event.store_id), event.zone or "entrance"))
        if decision is not None:
            self.welcome, self.welcome_store_id = decision, int(event.store_id)

    @property
    def shows_welcome(self) -> bool:
        return self.welcome is not None and self.welcome.pushed

    def message(self, lang: str) -> str | None:
        if self.welcome is None or not self.welcome.pushed:
            return None
        return pick(lang, self.welcome.message_zh or "", self.welcome.message_en)

    @property
    def coupon(self) -> dict[str, Any] | None:
        """The coupon the store pushed with the welcome, if any."""
        reward = self.welcome.reward if self.welcome else None
        return reward if reward and reward.get("kind") == "coupon" else None

    def dismiss(self) -> None:
        self.welcome = None
        self.notify()
