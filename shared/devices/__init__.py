"""On-device capabilities shared by the shopper, staff and kiosk apps.

``scanner`` (barcodes and our signed QR codes), ``beacons`` (BLE store beacons and arrival
detection), ``tryon`` (MediaPipe AR try-on) and ``notify`` (local notifications). The heavy
libraries come with the ``devices`` extra and are imported by the module that needs them, so
importing this package is cheap; ``installed()`` tells an app which features it can offer.
"""

from __future__ import annotations

from importlib.util import find_spec

_NEEDS = {
    "scanner": ("cv2", "pyzbar"),
    "beacons": ("bleak",),
    "tryon": ("cv2", "mediapipe"),
    "notify": ("plyer",),
}


def installed() -> dict[str, bool]:
    """Which device features have their libraries installed (not whether the hardware is there)."""
    return {feature: all(find_spec(m) is not None for m in mods) for feature, mods in _NEEDS.items()}
