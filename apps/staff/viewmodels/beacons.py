"""Pairing the store's beacons: scan nearby (bleak, or the radio simulator on machines without
Bluetooth), bind the nearest unbound beacon to this store and a zone, verify it by the signal heard
standing next to it."""

from __future__ import annotations

import uuid as uuidlib

from apps.staff.viewmodels.base import StaffViewModel
from backend.stores.schemas import Beacon, BeaconVerified
from shared.devices.beacons import (
    BeaconScanner,
    Candidate,
    IBeacon,
    Sighting,
    pairing_candidates,
)
from shared.sdk import AsyncClient


class BeaconsVM(StaffViewModel):
    def __init__(self, client: AsyncClient, scanner: BeaconScanner | None = None) -> None:
        super().__init__()
        self.client = client
        self.scanner = scanner or BeaconScanner()
        self.store_id: int | None = None
        self.paired: list[Beacon] = []
        self.candidates: list[Candidate] = []
        self.sightings: list[Sighting] = []
        self.bluetooth: bool | None = None
        self.verified: BeaconVerified | None = None
        self.verified_id: int | None = None

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id, self.paired, self.candidates, self.verified = store_id, [], [], None
            self.notify()

    async def load(self) -> bool:
        if self.store_id is None:
            return False
        found = await self._run(self.client.stores.store_beacons(self.store_id))
        if found is None:
            return False
        self.paired = found
        self.notify()
        return True

    def _is_paired(self, beacon: IBeacon) -> bool:
        return any(
            p.uuid
            and uuidlib.UUID(p.uuid) == beacon.uuid
            and p.major == beacon.major
            and p.minor == beacon.minor
            for p in self.paired
        )

    async def scan(self, seconds: float = 3.0) -> bool:
        """Listen for beacons; the nearest come first, already paired ones are marked."""
        status, seen = await self.scanner.scan(seconds)
        self.bluetooth = status.available
        if not status.available:
            self.fail("staff.error.no_bluetooth")
            return False
        self.sightings = seen
        self.candidates = [c for c in pairing_candidates(seen) if isinstance(c.beacon, IBeacon)]
        self.error = None
        self.notify()
        return True

    def is_paired(self, candidate: Candidate) -> bool:
        return isinstance(candidate.beacon, IBeacon) and self._is_paired(candidate.beacon)

    async def pair(self, candidate: Candidate, zone: str, label: str = "") -> Beacon | None:
        """Bind a heard beacon to this store and zone, then verify it with the samples just heard."""
        if self.store_id is None or not isinstance(candidate.beacon, IBeacon):
            return None
        b = candidate.beacon
        beacon = await self._run(
            self.client.stores.pair_beacon(
                self.store_id,
                zone.strip() or "entrance",
                uuid=str(b.uuid),
                major=b.major,
                minor=b.minor,
                measured_power=b.measured_power,
            )
        )
        if beacon is None:
            return None
        await self.verify(beacon)
        await self.load()
        return beacon

    async def check(self, beacon: Beacon) -> bool:
        """Verify a bound beacon standing next to it: listen (unless just heard), then send the signal."""
        if not self.sightings and not await self.scan():
            return False
        return await self.verify(beacon)

    async def verify(self, beacon: Beacon) -> bool:
        self.verified = None
        samples = [
            float(s.rssi)
            for s in self.sightings
            if isinstance(s.beacon, IBeacon)
            and str(s.beacon.uuid) == str(uuidlib.UUID(beacon.uuid or "0" * 32))
            and s.beacon.major == beacon.major
            and s.beacon.minor == beacon.minor
        ]
        if len(samples) < 3 or self.store_id is None:
            self.fail("staff.error.beacon_not_heard")
            return False
        result = await self._run(self.client.stores.verify_beacon(self.store_id, beacon.id, samples))
        if result is None:
            return False
        self.verified, self.verified_id = result, beacon.id
        self.notify()
        return True
