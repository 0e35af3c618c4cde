"""BLE store beacons: iBeacon and Eddystone parsing, RSSI smoothing, distance, arrival detection.

Parsing is pure functions over advertisement bytes. ``BeaconScanner`` wraps bleak and reports
``BluetoothState.UNAVAILABLE`` instead of failing where the machine has no adapter. Staff bind a
beacon to a store and zone (``BeaconBinding``, stored by the backend); the shopper app matches
sightings against the bindings (``BeaconRegistry``) and feeds them to ``PresenceTracker``, whose
arrival and departure events it reports to the backend, which decides whether to push anything.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
import struct
import time
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

APPLE_COMPANY_ID = 0x004C
IBEACON_TYPE = b"\x02\x15"
EDDYSTONE_UUID16 = 0xFEAA
EDDYSTONE_SERVICE_UUID = "0000feaa-0000-1000-8000-00805f9b34fb"

AD_FLAGS = 0x01
AD_UUID16_INCOMPLETE = 0x02
AD_UUID16_COMPLETE = 0x03
AD_SHORT_NAME = 0x08
AD_COMPLETE_NAME = 0x09
AD_TX_POWER = 0x0A
AD_SERVICE_DATA_16 = 0x16
AD_MANUFACTURER = 0xFF

URL_SCHEMES = ("http://www.", "https://www.", "http://", "https://")
URL_EXPANSIONS = (
    ".com/",
    ".org/",
    ".edu/",
    ".net/",
    ".info/",
    ".biz/",
    ".gov/",
    ".com",
    ".org",
    ".edu",
    ".net",
    ".info",
    ".biz",
    ".gov",
)


class BeaconParseError(ValueError):
    """Advertisement bytes that claim a beacon format but do not follow its specification."""


@dataclass(frozen=True, slots=True)
class IBeacon:
    """Apple iBeacon: proximity UUID, major, minor and the calibrated RSSI at 1 m."""

    uuid: uuidlib.UUID
    major: int
    minor: int
    measured_power: int

    @property
    def identity(self) -> tuple[str, ...]:
        return ("ibeacon", str(self.uuid), str(self.major), str(self.minor))


@dataclass(frozen=True, slots=True)
class EddystoneUid:
    """Eddystone-UID: 10-byte namespace and 6-byte instance, hex; ranging data is TX at 0 m."""

    namespace: str
    instance: str
    tx_power_0m: int

    @property
    def identity(self) -> tuple[str, ...]:
        return ("eddystone", self.namespace, self.instance)

    @property
    def measured_power(self) -> int:
        """Expected RSSI at 1 m: the 0 m figure less the 41 dB the specification gives for 1 m."""
        return self.tx_power_0m - 41


@dataclass(frozen=True, slots=True)
class EddystoneUrl:
    url: str
    tx_power_0m: int

    @property
    def measured_power(self) -> int:
        return self.tx_power_0m - 41


@dataclass(frozen=True, slots=True)
class EddystoneTlm:
    """Telemetry: battery mV (0 = unknown), temperature in C (None = unsupported), counters."""

    version: int
    battery_mv: int | None = None
    temperature_c: float | None = None
    adv_count: int | None = None
    uptime_s: float | None = None
    encrypted: bytes | None = None


@dataclass(frozen=True, slots=True)
class EddystoneEid:
    tx_power_0m: int
    eid: str


Beacon = IBeacon | EddystoneUid | EddystoneUrl | EddystoneTlm | EddystoneEid


def _signed8(b: int) -> int:
    return b - 256 if b > 127 else b


def parse_ad_structures(raw: bytes) -> list[tuple[int, bytes]]:
    """Split raw advertising data into (AD type, data) pairs (Core Spec Vol 3 Part C 11)."""
    out: list[tuple[int, bytes]] = []
    i = 0
    while i < len(raw):
        length = raw[i]
        if length == 0:
            break
        if i + 1 + length > len(raw):
            raise BeaconParseError("AD structure runs past the end of the advertisement")
        out.append((raw[i + 1], bytes(raw[i + 2 : i + 1 + length])))
        i += 1 + length
    return out


def parse_ibeacon(manufacturer_payload: bytes) -> IBeacon | None:
    """Parse Apple manufacturer data after the company id; None when it is not an iBeacon."""
    if len(manufacturer_payload) < 2 or manufacturer_payload[:2] != IBEACON_TYPE:
        return None
    if len(manufacturer_payload) != 23:
        raise BeaconParseError(f"iBeacon payload must be 23 bytes, got {len(manufacturer_payload)}")
    p = manufacturer_payload
    return IBeacon(
        uuid=uuidlib.UUID(bytes=bytes(p[2:18])),
        major=int.from_bytes(p[18:20], "big"),
        minor=int.from_bytes(p[20:22], "big"),
        measured_power=_signed8(p[22]),
    )


def decode_eddystone_url(scheme: int, encoded: bytes) -> str:
    if scheme >= len(URL_SCHEMES):
        raise BeaconParseError(f"unknown Eddystone-URL scheme prefix 0x{scheme:02x}")
    parts = [URL_SCHEMES[scheme]]
    for b in encoded:
        if b < len(URL_EXPANSIONS):
            parts.append(URL_EXPANSIONS[b])
        elif 0x20 < b < 0x7F:
            parts.append(chr(b))
        else:
            raise BeaconParseError(f"byte 0x{b:02x} is not allowed in an Eddystone-URL")
    return "".join(parts)


def parse_eddystone(service_data: bytes) -> Beacon | None:
    """Parse the service data of UUID 0xFEAA (the bytes after the UUID); None for unknown frames."""
    if not service_data:
        raise BeaconParseError("empty Eddystone frame")
    frame, d = service_data[0], service_data
    if frame == 0x00:
        if len(d) not in (18, 20):
            raise BeaconParseError(f"Eddystone-UID frame must be 18 or 20 bytes, got {len(d)}")
        return EddystoneUid(namespace=d[2:12].hex(), instance=d[12:18].hex(), tx_power_0m=_signed8(d[1]))
    if frame == 0x10:
        if len(d) < 3 or len(d) > 20:
            raise BeaconParseError(f"Eddystone-URL frame must be 3 to 20 bytes, got {len(d)}")
        return EddystoneUrl(url=decode_eddystone_url(d[2], bytes(d[3:])), tx_power_0m=_signed8(d[1]))
    if frame == 0x20:
        if len(d) < 2:
            raise BeaconParseError("Eddystone-TLM frame too short")
        version = d[1]
        if version == 0x01:
            return EddystoneTlm(version=1, encrypted=bytes(d[2:]))
        if version != 0x00 or len(d) != 14:
            raise BeaconParseError("Eddystone-TLM (plain) must be version 0 and 14 bytes")
        battery = int.from_bytes(d[2:4], "big")
        raw_temp = int.from_bytes(d[4:6], "big", signed=True)
        return EddystoneTlm(
            version=0,
            battery_mv=battery or None,
            temperature_c=None if raw_temp == -0x8000 else raw_temp / 256.0,
            adv_count=int.from_bytes(d[6:10], "big"),
            uptime_s=int.from_bytes(d[10:14], "big") / 10.0,
        )
    if frame == 0x30:
        if len(d) != 10:
            raise BeaconParseError(f"Eddystone-EID frame must be 10 bytes, got {len(d)}")
        return EddystoneEid(tx_power_0m=_signed8(d[1]), eid=d[2:10].hex())
    return None


def beacons_from_fields(
    manufacturer_data: Mapping[int, bytes], service_data: Mapping[str, bytes]
) -> list[Beacon]:
    """Beacons in already-split advertisement fields (bleak's ``AdvertisementData`` shape)."""
    found: list[Beacon] = []
    apple = manufacturer_data.get(APPLE_COMPANY_ID)
    if apple is not None:
        ib = parse_ibeacon(bytes(apple))
        if ib is not None:
            found.append(ib)
    for key, payload in service_data.items():
        if key.lower() == EDDYSTONE_SERVICE_UUID:
            ed = parse_eddystone(bytes(payload))
            if ed is not None:
                found.append(ed)
    return found


def parse_advertisement(raw: bytes) -> list[Beacon]:
    """Beacons in raw advertising data bytes, as sent over the air."""
    manufacturer: dict[int, bytes] = {}
    service: dict[str, bytes] = {}
    for ad_type, data in parse_ad_structures(raw):
        if ad_type == AD_MANUFACTURER and len(data) >= 2:
            manufacturer[int.from_bytes(data[:2], "little")] = data[2:]
        elif ad_type == AD_SERVICE_DATA_16 and len(data) >= 2:
            uuid16 = int.from_bytes(data[:2], "little")
            service[f"0000{uuid16:04x}-0000-1000-8000-00805f9b34fb"] = data[2:]
    return beacons_from_fields(manufacturer, service)


def estimate_distance(rssi: float, measured_power: float, path_loss_exponent: float = 2.0) -> float:
    """Log-distance path loss: metres at which ``rssi`` is expected, given the RSSI at 1 m."""
    return float(10 ** ((measured_power - rssi) / (10.0 * path_loss_exponent)))


@dataclass
class RssiFilter:
    """One-dimensional Kalman filter for RSSI; gaps in time widen the uncertainty."""

    process_noise: float = 0.6
    measurement_noise: float = 16.0
    estimate: float | None = None
    variance: float = 0.0
    last_t: float | None = None

    def update(self, rssi: float, t: float) -> float:
        if self.estimate is None or self.last_t is None:
            self.estimate, self.variance, self.last_t = float(rssi), self.measurement_noise, t
            return self.estimate
        dt = max(t - self.last_t, 0.0)
        self.last_t = t
        prior_var = self.variance + self.process_noise * max(dt, 0.1)
        gain = prior_var / (prior_var + self.measurement_noise)
        self.estimate = self.estimate + gain * (rssi - self.estimate)
        self.variance = (1 - gain) * prior_var
        return self.estimate

    def reset(self) -> None:
        self.estimate, self.variance, self.last_t = None, 0.0, None


class PresenceState(StrEnum):
    OUTSIDE = "outside"
    ARRIVING = "arriving"
    INSIDE = "inside"
    LEAVING = "leaving"


class PresenceKind(StrEnum):
    ARRIVAL = "arrival"
    DEPARTURE = "departure"


@dataclass(frozen=True, slots=True)
class PresenceEvent:
    """An arrival or departure: ``at`` when it was confirmed, ``since`` when it began."""

    kind: PresenceKind
    store_id: str
    zone: str
    at: float
    since: float
    rssi: float | None


@dataclass
class ArrivalDetector:
    """Hysteresis and dwell time over a smoothed RSSI stream for one store zone.

    Arrival: the smoothed signal stays at or above ``enter_rssi`` for ``dwell_in_s``.
    Departure: the signal stays below ``exit_rssi`` (or is not heard for ``lost_after_s``) for
    ``dwell_out_s``. Between the two thresholds nothing changes, so a shopper lingering at the
    door or a signal dropout does not make the state flap.
    """

    store_id: str
    zone: str = ""
    enter_rssi: float = -72.0
    exit_rssi: float = -82.0
    dwell_in_s: float = 6.0
    dwell_out_s: float = 20.0
    lost_after_s: float = 8.0
    filter: RssiFilter = field(default_factory=RssiFilter)
    state: PresenceState = PresenceState.OUTSIDE
    _since: float | None = None
    _last_heard: float | None = None

    @property
    def smoothed(self) -> float | None:
        return self.filter.estimate

    def update(self, rssi: float, t: float) -> PresenceEvent | None:
        """Feed one RSSI sample taken at time ``t`` (seconds)."""
        if self._last_heard is not None and t - self._last_heard > self.lost_after_s:
            self.filter.reset()
        self._last_heard = t
        level = self.filter.update(rssi, t)
        return self._step(t, strong=level >= self.enter_rssi, weak=level < self.exit_rssi, level=level)

    def tick(self, t: float) -> PresenceEvent | None:
        """Advance the clock without a sample, so silence can end a visit."""
        if self._last_heard is None or t - self._last_heard <= self.lost_after_s:
            return None
        lost_at = self._last_heard + self.lost_after_s
        if self.state == PresenceState.INSIDE:
            self.state, self._since = PresenceState.LEAVING, lost_at
        elif self.state == PresenceState.ARRIVING:
            self.state, self._since = PresenceState.OUTSIDE, None
        return self._step(t, strong=False, weak=True, level=None)

    def _step(self, t: float, strong: bool, weak: bool, level: float | None) -> PresenceEvent | None:
        s = self.state
        if s == PresenceState.OUTSIDE:
            if strong:
                self.state, self._since = PresenceState.ARRIVING, t
                return self._step(t, strong, weak, level) if self.dwell_in_s <= 0 else None
        elif s == PresenceState.ARRIVING:
            if not strong:
                self.state, self._since = PresenceState.OUTSIDE, None
            elif self._since is not None and t - self._since >= self.dwell_in_s:
                since = self._since
                self.state, self._since = PresenceState.INSIDE, None
                return PresenceEvent(PresenceKind.ARRIVAL, self.store_id, self.zone, t, since, level)
        elif s == PresenceState.INSIDE:
            if weak:
                self.state, self._since = PresenceState.LEAVING, t
        elif s == PresenceState.LEAVING:
            if not weak:
                self.state, self._since = PresenceState.INSIDE, None
            elif self._since is not None and t - self._since >= self.dwell_out_s:
                since = self._since
                self.state, self._since = PresenceState.OUTSIDE, None
                self.filter.reset()
                return PresenceEvent(PresenceKind.DEPARTURE, self.store_id, self.zone, t, since, level)
        return None


@dataclass(frozen=True, slots=True)
class BeaconBinding:
    """A beacon bound to a store and zone by staff; what the backend stores for pairing.

    Exactly one of (uuid, major, minor) or (namespace, instance) is set.
    """

    store_id: str
    zone: str
    uuid: str | None = None
    major: int | None = None
    minor: int | None = None
    namespace: str | None = None
    instance: str | None = None
    measured_power: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        ib = self.uuid is not None and self.major is not None and self.minor is not None
        ed = self.namespace is not None and self.instance is not None
        if ib == ed:
            raise ValueError("a binding names either uuid/major/minor or namespace/instance")

    @property
    def identity(self) -> tuple[str, ...]:
        if self.uuid is not None:
            return ("ibeacon", str(uuidlib.UUID(self.uuid)), str(self.major), str(self.minor))
        return ("eddystone", str(self.namespace).lower(), str(self.instance).lower())

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BeaconBinding:
        keys = set(cls.__slots__)
        return cls(**{k: v for k, v in data.items() if k in keys})

    @classmethod
    def for_beacon(
        cls, beacon: IBeacon | EddystoneUid, store_id: str, zone: str, label: str = ""
    ) -> BeaconBinding:
        if isinstance(beacon, IBeacon):
            return cls(
                store_id,
                zone,
                uuid=str(beacon.uuid),
                major=beacon.major,
                minor=beacon.minor,
                measured_power=beacon.measured_power,
                label=label,
            )
        return cls(
            store_id,
            zone,
            namespace=beacon.namespace,
            instance=beacon.instance,
            measured_power=beacon.measured_power,
            label=label,
        )


@dataclass(frozen=True, slots=True)
class Sighting:
    """One advertisement heard: from which device, how strong, when, and the beacon it carried."""

    address: str
    rssi: int
    at: float
    beacon: Beacon
    name: str | None = None

    @property
    def identity(self) -> tuple[str, ...] | None:
        return self.beacon.identity if isinstance(self.beacon, IBeacon | EddystoneUid) else None


class BeaconRegistry:
    """The store bindings the app knows; matches sightings to them."""

    def __init__(self, bindings: Iterable[BeaconBinding] = ()) -> None:
        self._by_identity: dict[tuple[str, ...], BeaconBinding] = {}
        for b in bindings:
            self.add(b)

    def add(self, binding: BeaconBinding) -> None:
        existing = self._by_identity.get(binding.identity)
        if existing is not None and existing != binding:
            raise ValueError("ble.already_bound")
        self._by_identity[binding.identity] = binding

    def remove(self, binding: BeaconBinding) -> None:
        self._by_identity.pop(binding.identity, None)

    def __len__(self) -> int:
        return len(self._by_identity)

    def __iter__(self) -> Iterator[BeaconBinding]:
        return iter(self._by_identity.values())

    def match(self, sighting: Sighting) -> BeaconBinding | None:
        ident = sighting.identity
        return self._by_identity.get(ident) if ident is not None else None

    def is_bound(self, beacon: IBeacon | EddystoneUid) -> bool:
        return beacon.identity in self._by_identity


@dataclass
class PresenceTracker:
    """Per-zone arrival detectors fed by sightings that match the registry."""

    registry: BeaconRegistry
    make_detector: Callable[[BeaconBinding], ArrivalDetector] = field(
        default=lambda b: ArrivalDetector(store_id=b.store_id, zone=b.zone)
    )
    detectors: dict[tuple[str, str], ArrivalDetector] = field(default_factory=dict)

    def feed(self, sighting: Sighting) -> list[PresenceEvent]:
        binding = self.registry.match(sighting)
        if binding is None:
            return []
        key = (binding.store_id, binding.zone)
        det = self.detectors.get(key)
        if det is None:
            det = self.detectors[key] = self.make_detector(binding)
        event = det.update(sighting.rssi, sighting.at)
        return [event] if event else []

    def tick(self, t: float) -> list[PresenceEvent]:
        return [e for d in self.detectors.values() if (e := d.tick(t)) is not None]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A beacon heard nearby during pairing, nearest first."""

    beacon: IBeacon | EddystoneUid
    address: str
    median_rssi: float
    samples: int
    distance_m: float | None
    already_bound: bool


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    message_key: str
    samples: int
    median_rssi: float | None
    distance_m: float | None


def pairing_candidates(
    sightings: Iterable[Sighting], registry: BeaconRegistry | None = None
) -> list[Candidate]:
    """Beacons heard while staff scan, strongest (nearest) first, marking those already bound."""
    groups: dict[tuple[str, ...], list[Sighting]] = {}
    for s in sightings:
        if s.identity is not None:
            groups.setdefault(s.identity, []).append(s)
    out = []
    for group in groups.values():
        beacon = group[-1].beacon
        assert isinstance(beacon, IBeacon | EddystoneUid)
        med = float(statistics.median(s.rssi for s in group))
        out.append(
            Candidate(
                beacon=beacon,
                address=group[-1].address,
                median_rssi=med,
                samples=len(group),
                distance_m=estimate_distance(med, beacon.measured_power),
                already_bound=registry.is_bound(beacon) if registry else False,
            )
        )
    return sorted(out, key=lambda c: -c.median_rssi)


def verify_binding(
    binding: BeaconBinding, sightings: Iterable[Sighting], min_rssi: float = -75.0, min_samples: int = 5
) -> Verification:
    """Check that the bound beacon is heard, often and strongly enough, where staff stand."""
    rssis = [s.rssi for s in sightings if s.identity == binding.identity]
    if not rssis:
        return Verification(False, "ble.verify.not_seen", 0, None, None)
    med = float(statistics.median(rssis))
    power = binding.measured_power if binding.measured_power is not None else -59
    dist = estimate_distance(med, power)
    if len(rssis) < min_samples:
        return Verification(False, "ble.verify.few_samples", len(rssis), med, dist)
    if med < min_rssi:
        return Verification(False, "ble.verify.weak", len(rssis), med, dist)
    return Verification(True, "ble.verify.ok", len(rssis), med, dist)


class BluetoothState(StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class BluetoothStatus:
    state: BluetoothState
    detail: str = ""

    @property
    def available(self) -> bool:
        return self.state == BluetoothState.AVAILABLE

    @property
    def message_key(self) -> str:
        return "ble.available" if self.available else "ble.unavailable"


def sighting_from_bleak(device: Any, adv: Any, at: float | None = None) -> list[Sighting]:
    """Sightings from bleak's (BLEDevice, AdvertisementData) callback arguments."""
    try:
        beacons = beacons_from_fields(adv.manufacturer_data or {}, adv.service_data or {})
    except BeaconParseError:
        return []
    t = time.time() if at is None else at
    return [Sighting(device.address, int(adv.rssi), t, b, adv.local_name) for b in beacons]


class BeaconScanner:
    """bleak scanning; says ``UNAVAILABLE`` (no adapter, no BlueZ, no permission) rather than raising."""

    def __init__(
        self, scanner_factory: Callable[..., Any] | None = None, start_timeout_s: float = 5.0
    ) -> None:
        self._factory = scanner_factory
        self._timeout = start_timeout_s
        self.status: BluetoothStatus | None = None

    def _make(self, callback: Callable[[Any, Any], None]) -> Any:
        if self._factory is not None:
            return self._factory(detection_callback=callback)
        from bleak import BleakScanner

        return BleakScanner(detection_callback=callback)

    async def scan(
        self, duration_s: float = 5.0, on_sighting: Callable[[Sighting], None] | None = None
    ) -> tuple[BluetoothStatus, list[Sighting]]:
        """Listen for ``duration_s`` and return the status and every beacon sighting."""
        seen: list[Sighting] = []

        def callback(device: Any, adv: Any) -> None:
            for s in sighting_from_bleak(device, adv):
                seen.append(s)
                if on_sighting is not None:
                    on_sighting(s)

        try:
            scanner = self._make(callback)
            await asyncio.wait_for(scanner.start(), self._timeout)
        except Exception as exc:  # bleak raises several unrelated types when there is no adapter
            self.status = BluetoothStatus(BluetoothState.UNAVAILABLE, f"{type(exc).__name__}: {exc}")
            return self.status, []
        self.status = BluetoothStatus(BluetoothState.AVAILABLE)
        try:
            await asyncio.sleep(duration_s)
        finally:
            try:
                await scanner.stop()
            except Exception as exc:
                self.status = BluetoothStatus(BluetoothState.UNAVAILABLE, f"{type(exc).__name__}: {exc}")
        return self.status, seen

    async def availability(self) -> BluetoothStatus:
        """Try to start and stop a scan at once; the result tells the app to show or hide the feature."""
        status, _ = await self.scan(duration_s=0.0)
        return status


def rssi_at(distance_m: float, measured_power: float, path_loss_exponent: float = 2.0) -> float:
    """Inverse of ``estimate_distance``: the RSSI expected at ``distance_m``."""
    return measured_power - 10.0 * path_loss_exponent * math.log10(max(distance_m, 0.01))


# --- a radio for demos and tests (the Bluetooth adapter is the boundary that cannot run here)


@dataclass(frozen=True)
class SimulatedBeacon:
    """An iBeacon ``distances_m`` from the phone or tablet, one distance per scan (the last repeats)."""

    uuid: str
    major: int
    minor: int
    distances_m: tuple[float, ...]
    measured_power: int = -59

    def payload(self) -> bytes:
        """Apple manufacturer data after the company id, as ``parse_ibeacon`` reads it."""
        return (
            IBEACON_TYPE
            + uuidlib.UUID(self.uuid).bytes
            + struct.pack(">HHb", self.major, self.minor, self.measured_power)
        )


class RadioSimulator:
    """Stands in for bleak's ``BleakScanner`` (same constructor, ``start``/``stop``): each scan advertises
    every beacon ``rounds`` times at its distance for that scan, with log-distance RSSI and, when
    ``noise_db`` is given, seeded noise of up to that many dB either way."""

    def __init__(
        self, beacons: list[SimulatedBeacon], rounds: int = 8, noise_db: float = 0.0, seed: int = 7
    ) -> None:
        self.beacons, self.rounds, self.noise_db, self.seed = beacons, rounds, noise_db, seed
        self.scans = 0

    def __call__(self, detection_callback: Callable[[Any, Any], None]) -> Any:
        sim = self
        step = self.scans
        self.scans += 1

        class _Scanner:
            async def start(self) -> None:
                noise = random.Random(sim.seed)
                for _ in range(sim.rounds):
                    for i, b in enumerate(sim.beacons):
                        distance = b.distances_m[min(step, len(b.distances_m) - 1)]
                        rssi = rssi_at(distance, b.measured_power)
                        if sim.noise_db:
                            rssi += noise.uniform(-sim.noise_db, sim.noise_db)
                        adv = SimpleNamespace(
                            manufacturer_data={APPLE_COMPANY_ID: b.payload()},
                            service_data={},
                            rssi=round(rssi),
                            local_name=None,
                        )
                        detection_callback(SimpleNamespace(address=f"SIM:{i:02d}"), adv)

            async def stop(self) -> None:
                return None

        return _Scanner()
