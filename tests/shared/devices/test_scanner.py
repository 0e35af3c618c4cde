import io
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from shared import codes
from shared.devices import scanner as scanner_mod
from shared.devices.messages import message
from shared.devices.scanner import (
    CameraUnavailable,
    ReadDeduplicator,
    ScanLoop,
    Scanner,
    Symbology,
    camera_frames,
    validate,
)
from tests.shared.devices.barcode_samples import perturbed_set, render_symbol

DATA = Path(__file__).parent / "data"
NOW = 1_800_000_000.0


def no_deadline() -> float:
    """A clock that never advances, so rescue passes are not cut short by a loaded machine."""
    return 0.0


def photo(name: str) -> np.ndarray:
    img = cv2.imread(str(DATA / name))
    assert img is not None, name
    return img


def qr_frame(text: str, size: int = 640) -> np.ndarray:
    buf = io.BytesIO()
    segno.make_qr(text, error="m").save(buf, kind="png", scale=4, border=4)
    sym = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    frame = np.full((480, size), 200, np.uint8)
    h, w = sym.shape
    frame[40 : 40 + h, 60 : 60 + w] = sym
    return frame


def test_real_webcam_photo_of_ean13() -> None:
    out = Scanner().scan(photo("ean13_dvd_webcam_photo.jpg"))
    assert [(r.symbology, r.text) for r in out.results] == [(Symbology.EAN13, "4030521749429")]
    r = out.results[0]
    assert r.gtin13 == "4030521749429"
    x, y = r.center
    assert 500 < x < 1150 and 350 < y < 650


def test_real_closeup_photo_of_ean13() -> None:
    out = Scanner().scan(photo("ean13_dvd_closeup_photo.jpg"))
    assert [r.text for r in out.results] == ["4030521749429"]


def test_real_phone_photo_of_a_sheet_of_code39_labels() -> None:
    out = Scanner().scan(photo("code39_sheet_photo.jpg"))
    expected = {
        "201541395223",
        "201541368446",
        "201541350294",
        "201541371885",
        "201541332768",
        "201541393029",
        "201541332863",
    }
    assert {r.text for r in out.results} == expected
    assert all(r.symbology == Symbology.CODE39 for r in out.results)


def test_real_photo_tilted_downscaled_and_recompressed_is_rescued() -> None:
    img = photo("ean13_dvd_webcam_photo.jpg")
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 28, 1.0)
    tilted = cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))
    small = cv2.resize(tilted, (640, 360), interpolation=cv2.INTER_AREA)
    ok, enc = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 50])
    assert ok
    out = Scanner(clock=no_deadline).scan(enc.tobytes())
    assert [r.text for r in out.results] == ["4030521749429"]


def test_phone_jpeg_bytes_with_exif_rotation() -> None:
    img = Image.open(DATA / "ean13_dvd_closeup_photo.jpg").rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 8
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85, exif=exif)
    out = Scanner(rescue=False).scan(buf.getvalue())
    assert [r.text for r in out.results] == ["4030521749429"]
    assert out.strategy == "plain"


def test_photo_without_barcode_says_so() -> None:
    from skimage import data

    out = Scanner(rescue_budget_s=0.3).scan(cv2.cvtColor(data.coffee(), cv2.COLOR_RGB2BGR))
    assert not out.ok
    assert out.message_key == "scan.none"
    assert message(out.message_key, "en") == "No barcode found"


def test_unreadable_bytes_are_a_typed_outcome() -> None:
    out = Scanner().scan(b"not an image")
    assert not out.ok and out.message_key == "scan.image_unreadable"


@pytest.mark.parametrize(
    ("kind", "value", "symbology"),
    [
        ("ean13", "6901234567892", Symbology.EAN13),
        ("ean8", "73513537", Symbology.EAN8),
        ("upca", "036000291452", Symbology.UPCA),
        ("code128", "OMO-ZX81Q7", Symbology.CODE128),
        ("qr", "会员 member 12345", Symbology.QRCODE),
    ],
)
def test_generated_symbols_decode_plain(kind: str, value: str, symbology: Symbology) -> None:
    sym = render_symbol(kind, value)
    frame = np.full((sym.shape[0] + 80, sym.shape[1] + 80), 255, np.uint8)
    frame[40:-40, 40:-40] = sym
    out = Scanner().scan(frame)
    assert [(r.symbology, r.text) for r in out.results] == [(symbology, value)]
    assert out.strategy == "plain"


def test_perturbed_set_decode_rate_and_no_wrong_value() -> None:
    samples = perturbed_set(200)
    sc = Scanner(clock=no_deadline)
    decoded = wrong = 0
    for s in samples:
        out = sc.scan(s.image)
        expected = s.value.zfill(13) if s.kind in ("ean13", "ean8", "upca") else s.value
        got = [r.gtin13 or r.text for r in out.results]
        decoded += expected in got
        wrong += sum(g != expected for g in got)
    rate = decoded / len(samples)
    print(f"\nperturbed decode rate: {decoded}/{len(samples)} = {rate:.1%}, wrong values accepted: {wrong}")
    assert wrong == 0
    assert rate >= 0.95


def fake_decoded(data: bytes, type_: str, quality: int) -> SimpleNamespace:
    pts = [SimpleNamespace(x=10, y=10), SimpleNamespace(x=110, y=10), SimpleNamespace(x=110, y=60)]
    return SimpleNamespace(data=data, type=type_, quality=quality, polygon=pts)


def test_misread_failing_the_check_digit_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        scanner_mod.pyzbar, "decode", lambda img, symbols=None: [fake_decoded(b"6901234567893", "EAN13", 40)]
    )
    out = Scanner(rescue=False).scan(np.zeros((120, 160), np.uint8))
    assert not out.ok
    assert out.rejected[0].reason == "scan.checksum"
    assert out.message_key == "scan.checksum"


def test_weak_1d_read_needs_a_second_pass_to_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}

    def decode_once(img: np.ndarray, symbols: object = None) -> list[SimpleNamespace]:
        calls["n"] += 1
        return [fake_decoded(b"6901234567892", "EAN13", 4)] if calls["n"] == 1 else []

    monkeypatch.setattr(scanner_mod.pyzbar, "decode", decode_once)
    out = Scanner(rescue_budget_s=0.2).scan(np.full((120, 160), 255, np.uint8))
    assert not out.ok and out.rejected[0].reason == "scan.unconfirmed"

    monkeypatch.setattr(
        scanner_mod.pyzbar, "decode", lambda img, symbols=None: [fake_decoded(b"6901234567892", "EAN13", 4)]
    )
    out = Scanner(rescue_budget_s=0.2).scan(np.full((120, 160), 255, np.uint8))
    assert [r.text for r in out.results] == ["6901234567892"]
    assert out.tried[:2] == ("plain", "contrast")


def test_validate_rules() -> None:
    assert validate(Symbology.EAN13, "6901234567892") is None
    assert validate(Symbology.EAN13, "036000291452") == "scan.checksum"
    assert validate(Symbology.UPCE, "04252614") is None
    assert validate(Symbology.CODE128, "OMO\x01") == "scan.checksum"
    assert validate(Symbology.QRCODE, "") == "scan.none"


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_signed_pickup_code_is_verified(key: Ed25519PrivateKey) -> None:
    text = codes.sign(key, "pickup", {"order": "O-1001", "store": 7}, ttl_seconds=600, now=NOW)
    sc = Scanner(qr_key=key.public_key(), now=lambda: NOW + 10)
    out = sc.scan(qr_frame(text))
    r = out.results[0]
    assert r.symbology == Symbology.QRCODE and r.text == text
    assert r.code is not None and r.code.kind == "pickup" and r.code.data["order"] == "O-1001"
    assert r.code_error is None and r.is_omo_code


@pytest.mark.parametrize(
    ("kind", "expected_kind", "now_offset", "other_key", "reason"),
    [
        ("member", None, 700, False, "code.expired"),
        ("member", None, 10, True, "code.bad_signature"),
        ("pay", "pickup", 10, False, "code.wrong_kind"),
    ],
)
def test_bad_signed_codes_are_rejected_with_a_reason(
    key: Ed25519PrivateKey,
    kind: str,
    expected_kind: str | None,
    now_offset: float,
    other_key: bool,
    reason: str,
) -> None:
    signer = Ed25519PrivateKey.generate() if other_key else key
    text = codes.sign(signer, kind, {"member": "M-9"}, ttl_seconds=600, now=NOW)
    sc = Scanner(qr_key=key.public_key(), expected_kind=expected_kind, now=lambda: NOW + now_offset)
    r = sc.scan(qr_frame(text)).results[0]
    assert r.code is None and r.code_error == reason and r.is_omo_code
    assert message(reason, "zh") != reason


def test_signed_code_without_key_is_flagged(key: Ed25519PrivateKey) -> None:
    text = codes.sign(key, "member", {"member": "M-9"}, ttl_seconds=600, now=NOW)
    r = Scanner(now=lambda: NOW).scan(qr_frame(text)).results[0]
    assert r.code is None and r.code_error == "code.no_key"


def test_plain_qr_is_not_treated_as_our_code() -> None:
    r = Scanner().scan(qr_frame("https://example.com/p/1")).results[0]
    assert not r.is_omo_code and r.code is None


def test_region_of_interest_rescues_a_small_distant_code() -> None:
    sym = render_symbol("ean13", "6901234567892")
    small = cv2.resize(sym, None, fx=0.31, fy=0.31, interpolation=cv2.INTER_AREA)
    frame = np.full((480, 640), 235, np.uint8)
    frame[300 : 300 + small.shape[0], 400 : 400 + small.shape[1]] = small
    plain = Scanner(rescue=False).scan(frame)
    rescued = Scanner(roi=(0.55, 0.55, 0.4, 0.4), clock=no_deadline).scan(frame)
    assert not plain.ok
    assert [r.text for r in rescued.results] == ["6901234567892"]
    assert rescued.strategy == "roi"
    x, y = rescued.results[0].center
    assert 400 <= x <= 400 + small.shape[1] and 300 <= y <= 300 + small.shape[0]


def test_scan_loop_reports_each_code_once_while_in_view() -> None:
    frame = qr_frame("OMO-SHELF-42")
    loop = ScanLoop(Scanner(), frame_budget_s=0.2, dedup=ReadDeduplicator(hold_s=2.0))
    reports = []
    for t in [0.0, 0.1, 0.2, 0.3, 1.0, 1.9]:
        reports += loop.feed(frame, now=t)
    assert [r.text for r in reports] == ["OMO-SHELF-42"]
    assert loop.feed(frame, now=5.0)[0].text == "OMO-SHELF-42"
    assert loop.stats.frames == 7 and loop.stats.reported == 2


def test_dedup_confirmations_hold_back_single_frame_1d_reads() -> None:
    sym = render_symbol("ean13", "6901234567892")
    frame = np.full((sym.shape[0] + 80, sym.shape[1] + 80), 255, np.uint8)
    frame[40:-40, 40:-40] = sym
    loop = ScanLoop(Scanner(), dedup=ReadDeduplicator(confirmations=2))
    assert loop.feed(frame, now=0.0) == []
    assert [r.text for r in loop.feed(frame, now=0.1)] == ["6901234567892"]
    assert loop.feed(frame, now=0.2) == []
    assert list(ScanLoop(Scanner()).run([frame, frame])) != []


def test_missing_camera_is_a_typed_error() -> None:
    with pytest.raises(CameraUnavailable) as info:
        camera_frames(index=97)
    assert info.value.message_key == "scan.camera_unavailable"
