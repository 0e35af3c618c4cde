import io
import math

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from shared.devices.messages import message
from shared.devices.tryon import TryOn, TryOnAsset, TryOnStatus, load_assets, roll_degrees, similarity

# Pupil centres in skimage.data.astronaut() (512x512), marked by hand on a 10x enlargement:
# image-left eye (her right) and image-right eye (her left).
EYE_L = np.array([203.5, 100.5])
EYE_R = np.array([246.0, 103.0])
IPD = float(np.linalg.norm(EYE_R - EYE_L))


@pytest.fixture(scope="module")
def assets() -> dict[str, TryOnAsset]:
    return load_assets()


@pytest.fixture(scope="module")
def photo_tryon() -> TryOn:
    t = TryOn(mode="photo")
    yield t
    t.close()


def rotated(img: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT), m


def test_assets_carry_anchor_metadata(assets: dict[str, TryOnAsset]) -> None:
    assert set(assets) == {
        "glasses_classic",
        "hat_felt",
        "earrings_gold_drop",
        "lipstick_ruby",
        "tshirt_blue",
    }
    kinds = {a.kind for a in assets.values()}
    assert kinds == {"glasses", "hat", "earrings", "lipstick", "top"}
    for a in assets.values():
        assert a.product_sku and a.name["zh"] and a.name["en"]
        if a.kind != "lipstick":
            assert a.image is not None and a.image.shape[2] == 4
            h, w = a.image.shape[:2]
            assert all(0 <= x <= w and 0 <= y <= h for x, y in a.anchors.values())
    assert assets["lipstick_ruby"].color == (179, 36, 59)


def test_similarity_maps_two_points() -> None:
    m = similarity([(0, 0), (10, 0)], [(5, 5), (5, 25)])
    assert m @ np.array([10, 0, 1]) == pytest.approx([5, 25])
    assert math.degrees(math.atan2(m[1, 0], m[0, 0])) == pytest.approx(90)


def test_glasses_bridge_sits_between_the_eyes(photo_tryon: TryOn, assets: dict[str, TryOnAsset]) -> None:
    res = photo_tryon.apply(data.astronaut(), [assets["glasses_classic"]])
    assert res.ok and res.product_skus == ["DEMO-GLASSES-001"]
    (p,) = res.placements
    err = float(np.linalg.norm(np.array(p.points["bridge"]) - (EYE_L + EYE_R) / 2))
    print(f"\nbridge error {err:.2f} px = {err / IPD:.1%} of the inter-eye distance ({IPD:.1f} px)")
    assert err <= 0.05 * IPD
    lens_gap = float(np.linalg.norm(np.array(p.points["right"]) - np.array(p.points["left"])))
    assert lens_gap == pytest.approx(IPD, rel=0.05)
    assert not np.array_equal(res.image, data.astronaut())


@pytest.mark.parametrize("degrees", [-20.0, -10.0, 10.0, 20.0])
def test_temples_follow_head_roll(photo_tryon: TryOn, assets: dict[str, TryOnAsset], degrees: float) -> None:
    img, m = rotated(data.astronaut(), degrees)
    res = photo_tryon.apply(img, [assets["glasses_classic"]])
    assert res.ok
    (p,) = res.placements
    eyes = np.array([EYE_L, EYE_R]) @ m[:, :2].T + m[:, 2]
    true_roll = roll_degrees(eyes[0], eyes[1])
    temple_roll = roll_degrees(p.points["left_temple"], p.points["right_temple"])
    asset_temple_roll = roll_degrees(
        *(assets["glasses_classic"].points[k] for k in ("left_temple", "right_temple"))
    )
    err = float(np.linalg.norm(np.array(p.points["bridge"]) - eyes.mean(axis=0)))
    print(
        f"\nrotated {degrees:+.0f}: eye line {true_roll:+.2f} deg, "
        f"glasses {p.roll_deg:+.2f} deg, bridge {err / IPD:.1%}"
    )
    assert p.roll_deg == pytest.approx(true_roll, abs=2.0)
    assert temple_roll - asset_temple_roll == pytest.approx(true_roll, abs=2.0)
    assert err <= 0.05 * IPD


def test_hat_earrings_and_lipstick_anchor_to_the_face(
    photo_tryon: TryOn, assets: dict[str, TryOnAsset]
) -> None:
    face_assets = [assets[k] for k in ("hat_felt", "earrings_gold_drop", "lipstick_ruby")]
    res = photo_tryon.apply(data.astronaut(), face_assets)
    assert res.ok
    by_kind: dict[str, list] = {}
    for p in res.placements:
        by_kind.setdefault(p.kind, []).append(p)
    (hat,) = by_kind["hat"]
    brim = np.array(hat.points["brim_center"])
    assert brim[1] < min(EYE_L[1], EYE_R[1]) - 0.5 * IPD
    assert abs(brim[0] - (EYE_L[0] + EYE_R[0]) / 2) < 0.25 * IPD
    left, right = sorted(by_kind["earrings"], key=lambda p: p.points["hook"][0])
    assert left.points["hook"][0] < EYE_L[0] - 0.4 * IPD and right.points["hook"][0] > EYE_R[0] + 0.4 * IPD
    assert left.points["hook"][1] > EYE_L[1] and right.points["hook"][1] > EYE_R[1]
    (lips,) = by_kind["lipstick"]
    cx, cy = lips.points["lips_center"]
    assert 205 < cx < 245 and 130 < cy < 160
    face = photo_tryon.face_landmarks(data.astronaut())
    assert face is not None
    x, y = np.round((face[14] + face[17]) / 2).astype(int)
    before = data.astronaut()[y, x].astype(int)
    after = res.image[y, x].astype(int)
    assert after[0] - after[1] > before[0] - before[1] + 10


def test_top_anchors_to_the_shoulders(photo_tryon: TryOn, assets: dict[str, TryOnAsset]) -> None:
    res = photo_tryon.apply(data.astronaut(), [assets["tshirt_blue"]])
    assert res.ok
    (p,) = res.placements
    lx, ly = p.points["left"]
    rx, ry = p.points["right"]
    assert lx < 225 < rx and 200 < ly < 300 and 200 < ry < 300
    assert res.product_skus == ["DEMO-TOP-001"]


def test_photo_without_a_face_gets_a_clear_message(photo_tryon: TryOn, assets: dict[str, TryOnAsset]) -> None:
    res = photo_tryon.apply(data.coffee(), [assets["glasses_classic"]])
    assert res.status == TryOnStatus.NO_FACE and not res.ok
    assert res.message_key == "tryon.no_face"
    assert message(res.message_key, "en").startswith("No face found")
    assert res.placements == []
    body = photo_tryon.apply(data.coffee(), [assets["tshirt_blue"]])
    assert body.status == TryOnStatus.NO_BODY and body.message_key == "tryon.no_body"


def test_photo_bytes_in_and_encoded_image_out(photo_tryon: TryOn, assets: dict[str, TryOnAsset]) -> None:
    buf = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buf, format="JPEG", quality=90)
    res = photo_tryon.apply(buf.getvalue(), [assets["glasses_classic"]])
    assert res.ok
    out = Image.open(io.BytesIO(res.encode(".jpg")))
    assert out.size == (512, 512)
    bad = photo_tryon.apply(b"\x00\x01", [assets["glasses_classic"]])
    assert bad.status == TryOnStatus.UNREADABLE and bad.message_key == "tryon.image_unreadable"


def test_live_mode_reuses_landmarks_when_over_budget(assets: dict[str, TryOnAsset]) -> None:
    frames = [rotated(data.astronaut(), d)[0] for d in (0, 2, 4, 6)]
    with TryOn(mode="live", frame_budget_s=0.0) as live:
        results = [live.apply(f, [assets["glasses_classic"]]) for f in frames]
    assert all(r.ok for r in results)
    assert [r.reused_landmarks for r in results] == [False, True, False, True]
    with TryOn(mode="live", frame_budget_s=10.0) as live:
        assert not any(live.apply(f, [assets["glasses_classic"]]).reused_landmarks for f in frames)
