"""The kiosk in a real Kivy window under Xvfb, used like a shopper would, portrait and landscape."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from apps.kiosk.receipt import parse
from tests.apps.kiosk.kiosk_world import build_world, member_code
from tests.backend.orders.factories import pay, pickup_body, place, staff

ROOT = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("kiosk_e2e_driver.py")
ARTIFACTS = ROOT / "test-artifacts" / "kiosk"
DOCS = ROOT / "docs" / "screenshots"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run"),
]


def run_kiosk(spec: dict, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    spec_path = tmp_path / f"{spec['prefix']}.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), "utf-8")
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1"}
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1920x24", sys.executable, str(DRIVER), str(spec_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    result_path = Path(spec["shots"]) / f"{spec['prefix']}-result.json"
    assert result_path.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(result_path.read_text("utf-8"))
    assert result.get("ok"), json.dumps(result, ensure_ascii=False, indent=2) + proc.stderr[-3000:]
    return result


async def test_kiosk_window_scan_member_pay_price_pickup(session, client, app, live_server, tmp_path) -> None:
    world = await build_world(session, client, app, live_server.url, tmp_path)
    assert world.weighed is not None
    milk, _bread, _apple = (sku for sku, _ in world.items)
    order = (await place(client, world.member_headers, pickup_body(world.store, [(milk, 1)]))).json()
    await pay(client, world.member_headers, order["id"])
    picker = await staff(client, session, ["picker"], [world.store])
    task = (await client.get("/api/v1/picking/tasks", headers=picker)).json()[0]
    url = f"/api/v1/picking/tasks/{task['id']}"
    await client.post(f"{url}/scan", json={"barcode": world.items[0][1]}, headers=picker)
    assert (await client.post(f"{url}/ready", headers=picker)).status_code == 200
    pickup = (
        await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=world.member_headers)
    ).json()
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    code = await member_code(client, world.member_headers)
    # Three packaged items and a pack of grapes weighed in the store (612 g at ¥30.00/kg).
    items = [barcode for _, barcode in world.items] + [world.weighed[1]]
    base = {
        "config": asdict(world.config),
        "items": items,
        "member_code": code,
        "shots": str(ARTIFACTS),
    }
    portrait = {
        **base,
        "prefix": "portrait",
        "size": [1080, 1920],
        "flow": "full",
        "pickup_code": pickup["code"],
    }
    landscape = {**base, "prefix": "landscape", "size": [1920, 1080], "flow": "short"}
    first = await asyncio.to_thread(run_kiosk, portrait, tmp_path)
    second = await asyncio.to_thread(run_kiosk, landscape, tmp_path)

    assert first["steps"] == [f"scanned {barcode}" for barcode in items]
    assert [world.weighed[1], 612, 1836] in first["cart_lines"]
    assert [1, 1836, "612 g"] in first["receipt_lines"]
    assert "*" in first["member"]
    # The kiosk shows the sandbox QR; the test confirms it as the shopper's phone would.
    assert first["payment"] == "waiting", first
    printed = parse(Path(first["printed"]).read_bytes())
    assert printed.qr == [first["receipt_qr"]] and printed.cuts == 1
    assert first["order_number"] in printed.text() and "王" not in printed.text()
    assert "  612 g x ¥30.00/kg" in printed.text() and "18.36" in printed.text()
    assert first["price"] == 1200 and first["nearby"][0].startswith("人民广场店")
    assert first["pickup"].startswith(f"订单 {order['number']} 已备好")
    assert first["help_call"] == "age_check"
    assert first["offline"] == {"status": "paused", "banner": "网络中断 · 暂停收款"}
    assert first["online_again"]
    assert second["price"] == 1200
    for name in first["shots"] + second["shots"]:
        assert (ARTIFACTS / name).stat().st_size > 10_000
    # The pictures in docs/ are refreshed on request only, so a test run leaves the repository as it was.
    if not os.environ.get("OMO_UPDATE_SCREENSHOTS"):
        return
    DOCS.mkdir(parents=True, exist_ok=True)
    for shot, doc in (
        ("portrait-01-attract", "kiosk-attract-portrait"),
        ("portrait-01-attract-en", "kiosk-attract-en"),
        ("portrait-03-member", "kiosk-checkout-portrait"),
        ("portrait-04-pay", "kiosk-pay"),
        ("portrait-05-receipt", "kiosk-receipt"),
        ("portrait-06-price", "kiosk-price-check"),
        ("portrait-07-pickup", "kiosk-pickup"),
        ("portrait-08-help", "kiosk-help"),
        ("portrait-09-offline", "kiosk-offline-paused"),
        ("landscape-01-attract", "kiosk-attract-landscape"),
        ("landscape-02-checkout", "kiosk-checkout-landscape"),
    ):
        shutil.copyfile(ARTIFACTS / f"{shot}.png", DOCS / f"{doc}.png")
