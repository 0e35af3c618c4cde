"""The shopper app's `flet build` configuration names what a phone build needs: an app name and bundle id,
the permissions the features use (with iOS usage texts), icons that exist and are real pictures, and
an entry module that imports."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

from PIL import Image

APP = Path(__file__).resolve().parents[3] / "apps" / "shopper"


def config() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((APP / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_build_names_the_app_its_bundle_id_and_an_entry_that_imports():
    flet = config()["tool"]["flet"]
    assert flet["product"] == "OMO 商城" and flet["bundle_id"] == "org.omoretail.shopper"
    root = (APP / flet["app"]["path"]).resolve()
    assert (root / "shared" / "sdk").is_dir() and (root / "apps" / "shopper" / "main.py").is_file()
    main = importlib.import_module(flet["app"]["module"])
    assert callable(main.main) and callable(main.make_main)
    for excluded in flet["app"]["exclude"]:
        assert not excluded.startswith(("apps/shopper", "shared", "assets/fonts"))


def test_permissions_cover_camera_location_and_bluetooth_on_both_platforms():
    flet = config()["tool"]["flet"]
    assert {"camera", "location", "bluetooth"} <= set(flet["permissions"])
    android = flet["android"]["permission"]
    for name in ("CAMERA", "ACCESS_FINE_LOCATION", "BLUETOOTH_SCAN", "BLUETOOTH_CONNECT"):
        assert android[f"android.permission.{name}"] is True
    info = flet["ios"]["info"]
    for key in (
        "NSCameraUsageDescription",
        "NSLocationWhenInUseUsageDescription",
        "NSBluetoothAlwaysUsageDescription",
        "NSPhotoLibraryUsageDescription",
    ):
        assert info[key].strip()


def test_icons_come_from_the_packaged_assets_and_are_square_pictures():
    root = (APP / config()["tool"]["flet"]["app"]["path"]).resolve()
    for name in ("icon.png", "icon_android.png"):
        with Image.open(root / "assets" / name) as icon:
            icon.load()
            assert icon.format == "PNG" and icon.size[0] == icon.size[1] >= 512
    assert (root / "assets" / "fonts" / "NotoSansSC-Regular.otf").is_file()
