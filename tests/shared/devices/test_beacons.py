import csv
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from bleak.backends.scanner import AdvertisementData

from shared.devices.beacons import (
    EDDYSTONE_SERVICE_UUID,
    ArrivalDetector,
    BeaconBinding,
    BeaconParseError,
    BeaconRegistry,
    BeaconScanner,
    BluetoothState,
    EddystoneEid,
    EddystoneTlm,
    EddystoneUid,
    EddystoneUrl,
    IBeacon,
    PresenceKind,
    PresenceTracker,
    RadioSimulator,
    RssiFilter,
    Sighting,
    SimulatedBeacon,
    estimate_distance,
    pairing_candidates,
    parse_ad_structures,
    parse_advertisement,
    parse_eddystone,
    parse_ibeacon,
    rssi_at,
    sighting_from_bleak,
    verify_binding,
)

TRACES = Path(__file__).parent / "data" / "traces"

# The iBeacon advertisement laid out byte by byte in the widely cited breakdown of Apple's format
# (flags; length 0x1A, type 0xFF; company 0x004C; type 0x02 length 0x15; proximity UUID of Apple's
# AirLocate sample; major 0; minor 0; measured power 0xC5 = -59 dBm).
AIRLOCATE = bytes.fromhex("0201061AFF4C000215E2C56DB5DFFB48D2B060D0F5A71096E000000000C5")
# Estimote's default proximity UUID with major 0x3A9B (15003) and minor 0x0FA1 (4001), -74 dBm.
ESTIMOTE = bytes.fromhex("0201061AFF4C000215B9407F30F5F8466EAFF925556B57FE6D3A9B0FA1B6")

# Eddystone frames laid out per the Eddystone specification (service UUID 0xFEAA in the
# complete 16-bit UUID list and as service data): UID with Google's example namespace.
EDDY_UID = bytes.fromhex("0201060303AAFE1516AAFE00EEEDD1EBEAC04E5DEFA0170123456789AB0000")
# URL "https://www.google.com/" at -16 dBm (0 m): scheme 0x01, "google", expansion 0x00 (".com/").
EDDY_URL = bytes.fromhex("0201060303AAFE0D16AAFE10F001676F6F676C6500")
# TLM version 0: 3000 mV battery, 23.5 C (0x1780 in 8.8 fixed point), 2571 PDUs, 6000.0 s uptime.
EDDY_TLM = bytes.fromhex("0201060303AAFE1116AAFE20000BB8178000000A0B0000EA60")


def test_parse_ad_structures_splits_fields() -> None:
    fields = parse_ad_structures(AIRLOCATE)
    assert [(t, len(d)) for t, d in fields] == [(0x01, 1), (0xFF, 25)]
    assert fields[0][1] == b"\x06"


def test_airlocate_ibeacon_values() -> None:
    (b,) = parse_advertisement(AIRLOCATE)
    assert b == IBeacon(uuid.UUID("E2C56DB5-DFFB-48D2-B060-D0F5A71096E0"), 0, 0, -59)


def test_estimote_ibeacon_values() -> None:
    (b,) = parse_advertisement(ESTIMOTE)
    assert isinstance(b, IBeacon)
    assert str(b.uuid).upper() == "B9407F30-F5F8-466E-AFF9-25556B57FE6D"
    assert (b.major, b.minor, b.measured_power) == (15003, 4001, -74)


def test_non_ibeacon_apple_data_is_ignored_and_bad_length_raises() -> None:
    assert parse_ibeacon(bytes.fromhex("1005031C")) is None
    with pytest.raises(BeaconParseError):
        parse_ibeacon(bytes.fromhex("0215E2C56DB5"))


def test_eddystone_uid_frame() -> None:
    (b,) = parse_advertisement(EDDY_UID)
    assert b == EddystoneUid(namespace="edd1ebeac04e5defa017", instance="0123456789ab", tx_power_0m=-18)
    assert b.measured_power == -59


def test_eddystone_url_frame() -> None:
    (b,) = parse_advertisement(EDDY_URL)
    assert b == EddystoneUrl(url="https://www.google.com/", tx_power_0m=-16)


def test_eddystone_url_expansions_and_schemes() -> None:
    b = parse_eddystone(bytes.fromhex("10EB026F6D6F2D72657461696C072F70"))
    assert isinstance(b, EddystoneUrl) and b.url == "http://omo-retail.com/p"
    with pytest.raises(BeaconParseError):
        parse_eddystone(bytes.fromhex("10EB0441"))
    with pytest.raises(BeaconParseError):
        parse_eddystone(bytes.fromhex("10EB0020"))


def test_eddystone_tlm_frame() -> None:
    (b,) = parse_advertisement(EDDY_TLM)
    assert b == EddystoneTlm(version=0, battery_mv=3000, temperature_c=23.5, adv_count=2571, uptime_s=6000.0)


def test_eddystone_tlm_unsupported_fields_and_encrypted() -> None:
    b = parse_eddystone(bytes.fromhex("2000000080000000000100000002"))
    assert isinstance(b, EddystoneTlm) and b.battery_mv is None and b.temperature_c is None
    enc = parse_eddystone(bytes.fromhex("2001" + "AB" * 16))
    assert isinstance(enc, EddystoneTlm) and enc.version == 1 and enc.encrypted == b"\xab" * 16


def test_eddystone_eid_and_bad_frames() -> None:
    assert parse_eddystone(bytes.fromhex("30E81122334455667788")) == EddystoneEid(-24, "1122334455667788")
    assert parse_eddystone(bytes.fromhex("40")) is None
    with pytest.raises(BeaconParseError):
        parse_eddystone(bytes.fromhex("00EE0102"))


def test_bleak_advertisement_shape() -> None:
    apple = AIRLOCATE[7:]
    adv = AdvertisementData(
        local_name="shelf",
        manufacturer_data={0x004C: apple},
        service_data={EDDYSTONE_SERVICE_UUID: EDDY_UID[11:]},
        service_uuids=[EDDYSTONE_SERVICE_UUID],
        tx_power=None,
        rssi=-63,
        platform_data=(),
    )
    device = SimpleNamespace(address="C0:FF:EE:00:00:01")
    sightings = sighting_from_bleak(device, adv, at=12.5)
    assert [type(s.beacon) for s in sightings] == [IBeacon, EddystoneUid]
    assert all(s.rssi == -63 and s.at == 12.5 and s.name == "shelf" for s in sightings)


def test_distance_estimate_from_measured_power() -> None:
    assert estimate_distance(-59, -59) == pytest.approx(1.0)
    assert estimate_distance(-79, -59) == pytest.approx(10.0)
    assert estimate_distance(-71, -59, path_loss_exponent=3.0) == pytest.approx(2.5119, rel=1e-3)
    assert estimate_distance(rssi_at(4.2, -59, 2.2), -59, 2.2) == pytest.approx(4.2)


def test_rssi_filter_smooths_noise() -> None:
    import random

    rng = random.Random(3)
    f = RssiFilter()
    raw = [-70 + rng.gauss(0, 5) for _ in range(60)]
    smooth = [f.update(r, t) for t, r in enumerate(raw)]
    spread_raw = max(raw[20:]) - min(raw[20:])
    spread_smooth = max(smooth[20:]) - min(smooth[20:])
    assert spread_smooth < spread_raw / 3
    assert abs(sum(smooth[20:]) / 40 + 70) < 2.5


def load_trace(name: str) -> list[tuple[float, int]]:
    with open(TRACES / f"{name}.csv") as fh:
        return [(float(r["t"]), int(r["rssi"])) for r in csv.DictReader(fh)]


def run_trace(name: str, detector: ArrivalDetector | None = None) -> list[tuple[PresenceKind, float, float]]:
    det = detector or ArrivalDetector(store_id="s1", zone="entrance")
    events = []
    clock = 0.0
    for t, rssi in load_trace(name):
        while clock + 1 < t:
            clock += 1
            if (e := det.tick(clock)) is not None:
                events.append(e)
        if (e := det.update(rssi, t)) is not None:
            events.append(e)
        clock = t
    for _ in range(90):
        clock += 1
        if (e := det.tick(clock)) is not None:
            events.append(e)
    return [(e.kind, e.at, e.since) for e in events]


def test_walk_in_arrives_then_departs_at_expected_times() -> None:
    # The shopper crosses the door (5 m from the beacon) at t=25 s and is at the till at 30 s;
    # leaves the door at 160 s. Arrival is confirmed after the 6 s dwell, departure after 20 s.
    (arr, arr_at, arr_since), (dep, dep_at, dep_since) = run_trace("walk_in")
    assert arr == PresenceKind.ARRIVAL and dep == PresenceKind.DEPARTURE
    assert 25 <= arr_since <= 36 and 31 <= arr_at <= 44
    assert arr_at - arr_since >= 6
    assert 160 <= dep_since <= 175 and 180 <= dep_at <= 195
    assert dep_at - dep_since >= 20


def test_lingering_at_the_door_does_not_flap() -> None:
    assert run_trace("linger_at_door") == []
    # Even with thresholds straddling the doorway signal it arrives at most once and never flaps.
    det = ArrivalDetector(store_id="s1", enter_rssi=-76.0, exit_rssi=-84.0)
    kinds = [k for k, _, _ in run_trace("linger_at_door", det)]
    assert kinds in ([], [PresenceKind.ARRIVAL, PresenceKind.DEPARTURE])


def test_passing_by_outside_is_not_an_arrival() -> None:
    assert run_trace("pass_by") == []


def test_signal_dropouts_inside_do_not_end_the_visit() -> None:
    # Gaps of 12 s, 6 s and 15 s with no advertisements at all while the shopper is inside.
    events = run_trace("dropouts")
    assert [k for k, _, _ in events] == [PresenceKind.ARRIVAL, PresenceKind.DEPARTURE]
    (_, arr_at, _), (_, dep_at, dep_since) = events
    assert 31 <= arr_at <= 45
    assert 220 <= dep_since <= 236 and 240 <= dep_at <= 258


def test_silence_alone_ends_a_visit() -> None:
    det = ArrivalDetector(store_id="s1")
    events = [det.update(-60, float(t)) for t in range(10)]
    assert [e.kind for e in events if e] == [PresenceKind.ARRIVAL]
    later = [det.tick(float(t)) for t in range(10, 60)]
    (dep,) = [e for e in later if e]
    assert dep.kind == PresenceKind.DEPARTURE
    assert dep.since == pytest.approx(9 + det.lost_after_s)
    assert dep.at == pytest.approx(dep.since + det.dwell_out_s)


def ibeacon_sighting(minor: int, rssi: int, at: float, major: int = 1) -> Sighting:
    b = IBeacon(uuid.UUID("E2C56DB5-DFFB-48D2-B060-D0F5A71096E0"), major, minor, -59)
    return Sighting(address=f"AA:00:00:00:00:{minor:02X}", rssi=rssi, at=at, beacon=b)


def test_binding_round_trip_and_validation() -> None:
    b = BeaconBinding("store-7", "cosmetics", uuid="e2c56db5-dffb-48d2-b060-d0f5a71096e0", major=1, minor=2)
    assert BeaconBinding.from_dict(b.to_dict()) == b
    e = BeaconBinding("store-7", "door", namespace="EDD1EBEAC04E5DEFA017", instance="0123456789AB")
    assert e.identity == ("eddystone", "edd1ebeac04e5defa017", "0123456789ab")
    with pytest.raises(ValueError):
        BeaconBinding("s", "z")
    with pytest.raises(ValueError):
        BeaconBinding(
            "s",
            "z",
            uuid="e2c56db5-dffb-48d2-b060-d0f5a71096e0",
            major=1,
            minor=2,
            namespace="a",
            instance="b",
        )


def test_pairing_flow_scan_pick_bind_verify() -> None:
    registry = BeaconRegistry(
        [BeaconBinding.for_beacon(ibeacon_sighting(9, -60, 0).beacon, "store-1", "door")]
    )
    heard = [ibeacon_sighting(m, r, t) for t in range(6) for m, r in ((3, -58 - t % 3), (5, -80), (9, -70))]
    cands = pairing_candidates(heard, registry)
    assert [c.beacon.minor for c in cands] == [3, 9, 5]
    assert [c.already_bound for c in cands] == [False, True, False]
    assert cands[0].distance_m == pytest.approx(estimate_distance(-59, -59))
    binding = BeaconBinding.for_beacon(cands[0].beacon, "store-1", "checkout", label="till 1")
    registry.add(binding)
    assert verify_binding(binding, heard).ok
    assert verify_binding(binding, heard[:3]).message_key == "ble.verify.few_samples"
    far = [ibeacon_sighting(3, -88, t) for t in range(8)]
    assert verify_binding(binding, far).message_key == "ble.verify.weak"
    assert verify_binding(binding, []).message_key == "ble.verify.not_seen"
    with pytest.raises(ValueError, match="ble.already_bound"):
        registry.add(BeaconBinding.for_beacon(cands[0].beacon, "store-2", "door"))


def test_registry_matches_and_tracker_emits_events_per_zone() -> None:
    reg = BeaconRegistry(
        [
            BeaconBinding("store-1", "door", uuid="e2c56db5-dffb-48d2-b060-d0f5a71096e0", major=1, minor=1),
            BeaconBinding("store-1", "cosmetics", namespace="edd1ebeac04e5defa017", instance="0123456789ab"),
        ]
    )
    tracker = PresenceTracker(reg)
    assert reg.match(ibeacon_sighting(77, -50, 0)) is None
    eddy = EddystoneUid("edd1ebeac04e5defa017", "0123456789ab", -18)
    events = []
    for t in range(12):
        events += tracker.feed(ibeacon_sighting(1, -62, float(t)))
        events += tracker.feed(Sighting("BB:00:00:00:00:01", -95, float(t), eddy))
    assert [(e.kind, e.store_id, e.zone) for e in events] == [(PresenceKind.ARRIVAL, "store-1", "door")]
    events = [e for t in range(12, 60) for e in tracker.tick(float(t))]
    assert [(e.kind, e.zone) for e in events] == [(PresenceKind.DEPARTURE, "door")]


async def test_scanner_without_adapter_reports_unavailable() -> None:
    def no_adapter(**_: object) -> object:
        raise FileNotFoundError("No such file or directory: /run/dbus/system_bus_socket")

    status, seen = await BeaconScanner(no_adapter).scan(0.01)
    assert status.state == BluetoothState.UNAVAILABLE and not status.available
    assert status.message_key == "ble.unavailable" and seen == []


async def test_scanner_on_this_machine_returns_a_typed_state() -> None:
    status = await BeaconScanner(start_timeout_s=5.0).availability()
    assert status.state in (BluetoothState.AVAILABLE, BluetoothState.UNAVAILABLE)


async def test_scanner_collects_sightings_through_bleak_callbacks() -> None:
    class FakeBleak:
        def __init__(self, detection_callback: object) -> None:
            self.cb = detection_callback

        async def start(self) -> None:
            adv = SimpleNamespace(
                manufacturer_data={0x004C: ESTIMOTE[7:]}, service_data={}, rssi=-66, local_name=None
            )
            self.cb(SimpleNamespace(address="AA:BB"), adv)

        async def stop(self) -> None:
            return None

    got: list[Sighting] = []
    status, seen = await BeaconScanner(FakeBleak).scan(0.0, on_sighting=got.append)
    assert status.available
    assert [s.beacon.minor for s in seen] == [4001] and got == seen  # type: ignore[union-attr]


async def test_the_radio_simulator_advertises_parsable_ibeacons_at_each_scans_distance():
    door = SimulatedBeacon("f7826da6-4fa2-4e98-8024-bc5b71e0893e", 7, 1, (20.0, 1.0))
    assert parse_ibeacon(door.payload()) == IBeacon(uuid.UUID(door.uuid), 7, 1, -59)
    radio = RadioSimulator([door], rounds=3)
    first, second = await BeaconScanner(radio).scan(0.0), await BeaconScanner(radio).scan(0.0)
    assert [s.rssi for s in first[1]] == [round(rssi_at(20.0, -59))] * 3
    assert [s.rssi for s in second[1]] == [-59] * 3  # 1 m: the measured power
    noisy = await BeaconScanner(RadioSimulator([door], rounds=20, noise_db=2.0)).scan(0.0)
    assert {s.rssi for s in noisy[1]} - {round(rssi_at(20.0, -59)) + d for d in (-2, -1, 0, 1, 2)} == set()
    assert len({s.rssi for s in noisy[1]}) > 1
