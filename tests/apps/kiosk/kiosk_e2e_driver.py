"""Runs the real kiosk window (under Xvfb) and uses it like a shopper: codes are shown to a fake camera
as generated images that the real decoder reads, buttons are pressed, screenshots are taken.

``python tests/apps/kiosk/kiosk_e2e_driver.py spec.json``; writes ``result.json`` next to the shots.
"""

from __future__ import annotations

import io
import json
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import contextlib

import numpy as np  # noqa: E402


def ean13_image(code: str) -> np.ndarray:
    import barcode
    from barcode.writer import ImageWriter

    img = barcode.EAN13(code[:12], writer=ImageWriter()).render(
        writer_options={
            "module_width": 0.35,
            "module_height": 12,
            "quiet_zone": 6,
            "font_size": 8,
            "dpi": 200,
        }
    )
    return np.array(img.convert("L"))


def qr_image(text: str) -> np.ndarray:
    import segno
    from PIL import Image

    buf = io.BytesIO()
    segno.make_qr(text).save(buf, kind="png", scale=4, border=4)
    buf.seek(0)
    return np.array(Image.open(buf).convert("L"))


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text("utf-8"))
    shots = Path(spec["shots"])
    shots.mkdir(parents=True, exist_ok=True)
    size = tuple(spec["size"])

    from apps.kiosk.main import configure_kivy

    configure_kivy(size)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from apps.kiosk.camera import QueueSource, on_camera
    from apps.kiosk.main import create_app
    from apps.kiosk.viewmodels import KioskConfig, KioskVM
    from shared import sdk
    from shared.sdk.outbox import Outbox

    config = KioskConfig(**spec["config"])
    config.printer = str(shots / "printer.bin")
    vm = KioskVM(sdk.Client(config.base_url, timeout=30), config, Outbox(shots / "outbox.db"))
    source = QueueSource()
    app = create_app(vm, source)
    result: dict[str, Any] = {"shots": [], "steps": []}

    def on_main(fn: Any) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()

        def run(_dt: float) -> None:
            try:
                box["value"] = fn()
            except Exception as exc:
                box["error"] = exc
            done.set()

        Clock.schedule_once(run)
        if not done.wait(15):
            raise TimeoutError("UI thread did not answer")
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def settle(timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while app.busy and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.35)  # let the screen re-render and the fade finish

    def wait(cond: Any, what: str, timeout: float = 45.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                settle()
                return
            time.sleep(0.05)
        raise TimeoutError(f"waited for {what}; screen={vm.screen}")

    def shot(name: str) -> None:
        settle()
        on_main(lambda: Window.canvas.ask_update())
        time.sleep(0.15)
        before = set(shots.glob(f"{name}*.png"))
        on_main(lambda: Window.screenshot(name=str(shots / f"{name}.png")))
        made = sorted(set(shots.glob(f"{name}*.png")) - before)
        if made:
            final = shots / f"{name}.png"
            made[-1].replace(final)
            result["shots"].append(final.name)

    def press(screen: str, widget_id: str) -> None:
        on_main(lambda: app.screens[screen].ids[widget_id].trigger_action(0))
        settle()

    def press_root(widget_id: str) -> None:
        on_main(lambda: app.root.ids[widget_id].trigger_action(0))
        settle()

    def show(image: np.ndarray) -> None:
        source.push(on_camera(image))

    def blank() -> None:
        source.push(np.full((480, 640), 170, np.uint8))

    def script() -> None:
        prefix = spec["prefix"]
        try:
            wait(lambda: vm.store is not None, "store loaded")
            shot(f"{prefix}-01-attract")
            if spec["flow"] == "full":
                press_root("lang_button")
                shot(f"{prefix}-01-attract-en")
                press_root("lang_button")
            press("attract", "start")
            wait(lambda: vm.screen == "checkout", "checkout")
            for n, code in enumerate(spec["items"], start=1):
                show(ean13_image(code))
                wait(lambda n=n: vm.checkout.item_count == n, f"{n} items in the cart")
                result["steps"].append(f"scanned {code}")
            result["cart_lines"] = [[ln.label, ln.weight_g, ln.line_total] for ln in vm.checkout.cart.lines]
            shot(f"{prefix}-02-checkout")
            if spec["flow"] == "full":
                press("checkout", "member_button")
                wait(lambda: vm.screen == "member", "member screen")
                show(qr_image(spec["member_code"]))
                wait(lambda: vm.member.member is not None and vm.screen == "checkout", "member identified")
                blank()
                result["member"] = vm.member.display_name
                shot(f"{prefix}-03-member")
                press("checkout", "pay")
                wait(
                    lambda: (
                        vm.payment.state.status not in ("idle", "waiting")
                        or vm.payment.state.qr_text is not None
                    ),
                    "payment started",
                )
                result["payment"] = vm.payment.state.status
                result["payment_message"] = vm.payment.state.message
                shot(f"{prefix}-04-pay")
                if vm.payment.state.status != "waiting":
                    raise RuntimeError(f"no QR payment: {vm.payment.state}")
                import httpx

                # What the shopper's phone does on the pay page the QR opens.
                path = vm.payment.state.payment.pay_url.split("/api/v1", 1)[1]
                confirm = f"{config.base_url}/api/v1{path}/confirm"
                httpx.post(confirm, timeout=10).raise_for_status()
                wait(lambda: vm.screen == "receipt" and vm.receipt.receipt is not None, "receipt", 30)
                press("receipt", "print_button")
                wait(lambda: vm.receipt.printed_to is not None, "printed")
                result["printed"] = str(vm.receipt.printed_to)
                result["receipt_qr"] = vm.receipt.receipt.qr
                result["order_number"] = vm.receipt.receipt.number
                result["receipt_lines"] = [
                    [ln["quantity"], ln["line_total"], ln.get("specs", {}).get("净重")]
                    for ln in vm.receipt.receipt.lines
                ]
                shot(f"{prefix}-05-receipt")
                on_main(lambda: app.act("reset"))
                settle()
            else:
                on_main(lambda: app.act("reset"))
                settle()
            press("attract", "price")
            wait(lambda: vm.screen == "price", "price screen")
            show(ean13_image(spec["items"][1]))
            wait(lambda: vm.price.result is not None, "price result")
            blank()
            result["price"] = vm.price.result.price
            result["nearby"] = vm.price.nearby_rows()
            shot(f"{prefix}-06-price")
            if spec.get("pickup_code"):
                on_main(lambda: app.act("reset"))
                settle()
                press("attract", "pickup")
                wait(lambda: vm.screen == "pickup", "pickup screen")
                keypad = app.screens["pickup"].ids.keypad
                for digit in spec["pickup_code"]:
                    on_main(lambda d=digit: next(b for b in keypad.children if b.text == d).trigger_action(0))
                    settle(5)
                press("pickup", "verify")
                wait(lambda: vm.pickup.order is not None or vm.pickup.message is not None, "pickup answer")
                result["pickup"] = vm.pickup.message
                shot(f"{prefix}-07-pickup")
                on_main(lambda: app.act("reset"))
                settle()
                press("attract", "help")
                wait(lambda: vm.screen == "help" and vm.help.message is not None, "help")
                press("help", "age_check")
                wait(lambda: vm.help.call is not None, "help call")
                result["help_call"] = vm.help.call.reason
                shot(f"{prefix}-08-help")
                # The network goes down: no new payment starts, and the kiosk says so.
                on_main(lambda: app.act("reset"))
                settle()
                press("attract", "start")
                show(ean13_image(spec["items"][2]))
                wait(lambda: vm.checkout.item_count == 1, "an item in the cart")
                vm.client.http.base_url = "http://127.0.0.1:9"
                press("checkout", "pay")
                wait(lambda: vm.payment.state.status == "paused" and app.banner, "payments paused")
                result["offline"] = {"status": vm.payment.state.status, "banner": app.banner}
                shot(f"{prefix}-09-offline")
                vm.client.http.base_url = config.base_url
                wait(lambda: vm.online, "back online", 20)
                result["online_again"] = True
            result["ok"] = True
        except Exception:
            result["ok"] = False
            result["error"] = traceback.format_exc()
            result["screen"] = vm.screen
            result["app_error"] = app.last_error
            with contextlib.suppress(Exception):
                shot(f"{prefix}-failure")
        finally:
            (shots / f"{prefix}-result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
            Clock.schedule_once(lambda _dt: app.stop())

    def start(_dt: float) -> None:
        threading.Thread(target=script, daemon=True).start()

    Clock.schedule_once(start, 0.5)
    app.run()
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
