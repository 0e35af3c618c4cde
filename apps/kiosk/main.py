"""The self-service kiosk (Kivy): ``python -m apps.kiosk.main``.

Bind the kiosk to a store once (a store manager's sign-in registers the device; only its token is
kept): ``python -m apps.kiosk.main --bind http://backend:8000 --store 3 --user manager``.
Then run it: ``python -m apps.kiosk.main [--camera 0|none] [--size 1080x1920] [--fullscreen]``.
The layout is in ``kiosk.kv``; every action is a view-model call (``viewmodels.py``) run on a
worker thread, and the screens re-render when the view-model says something changed.
"""

from __future__ import annotations

import argparse
import getpass
import io
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "assets" / "fonts"
KV = Path(__file__).with_name("kiosk.kv")
log = logging.getLogger("omo.kiosk")


def configure_kivy(size: tuple[int, int] | None = None, fullscreen: bool = False) -> None:
    """Window settings; must run before anything imports ``kivy.core.window``."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    from kivy.config import Config

    if fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
    elif size:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "resizable", "1")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")


def register_fonts() -> None:
    """Noto Sans SC becomes the default font, so every label renders Chinese."""
    from kivy.core.text import LabelBase

    regular = str(FONTS / "NotoSansSC-Regular.otf")
    bold = str(FONTS / "NotoSansSC-Bold.otf")
    LabelBase.register("Roboto", regular, fn_bold=bold)
    LabelBase.register("NotoSansSC", regular, fn_bold=bold)


def qr_texture(text: str) -> Any:
    """A QR code (``segno.make_qr``: never a Micro QR) as a Kivy texture."""
    import segno
    from kivy.core.image import Image as CoreImage

    buf = io.BytesIO()
    segno.make_qr(text, error="m").save(buf, kind="png", scale=12, border=3)
    buf.seek(0)
    texture = CoreImage(buf, ext="png").texture
    texture.mag_filter = "nearest"
    return texture


def create_app(vm: Any, source: Any = None) -> Any:
    """The Kivy app around a view-model and an optional camera frame source."""
    register_fonts()
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.graphics.texture import Texture
    from kivy.lang import Builder
    from kivy.properties import BooleanProperty, NumericProperty, StringProperty
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.screenmanager import NoTransition, Screen

    from apps.kiosk import strings
    from apps.kiosk.camera import CameraScanner
    from apps.kiosk.viewmodels import KeyboardWedge, yuan

    class CartLine(BoxLayout):
        name = StringProperty("")
        detail = StringProperty("")
        total = StringProperty("")
        quantity = NumericProperty(0)
        sku_id = NumericProperty(0)
        # A scale-labelled pack's label ("" for an ordinary line).
        label = StringProperty("")

    class KioskRoot(BoxLayout):
        pass

    class KioskScreen(Screen):
        def refresh(self, app: Any, vm: Any) -> None:
            pass

    class AttractScreen(KioskScreen):
        pass

    class CheckoutScreen(KioskScreen):
        def refresh(self, app: Any, vm: Any) -> None:
            from kivy.factory import Factory

            ids = self.ids
            cart = vm.checkout.cart
            ids.lines.clear_widgets()
            ids.totals.clear_widgets()
            if cart is None or not cart.lines:
                empty = Factory.Body(text=vm.t("checkout.empty"), color=(0.42, 0.42, 0.45, 1))
                ids.lines.add_widget(empty)
            for line in cart.lines if cart else []:
                detail = vm.checkout.line_detail(line)
                for d in line.discounts:
                    detail += f" · {d.rule} -¥{yuan(d.amount)}"
                ids.lines.add_widget(
                    CartLine(
                        name=vm.pick(line.name_zh, line.name_en),
                        detail=detail,
                        total=f"¥{yuan(line.line_total)}",
                        quantity=line.quantity,
                        sku_id=line.sku_id,
                        label=line.label or "",
                    )
                )
            if cart is not None and cart.lines:
                rows = [(vm.t("checkout.subtotal"), f"¥{yuan(cart.subtotal)}")]
                rows += [(d.rule, f"-¥{yuan(d.amount)}") for d in cart.discounts]
                if cart.discount_total:
                    rows.append((vm.t("checkout.discount"), f"-¥{yuan(cart.discount_total)}"))
                for label, amount in rows:
                    ids.totals.add_widget(Factory.Body(text=f"{label}    {amount}", halign="right"))
            ids.total.text = f"¥{yuan(cart.total if cart else 0)}"
            ids.count.text = vm.t("checkout.items", n=vm.checkout.item_count)
            problems = vm.checkout.problems()
            ids.message.text = problems[0] if problems else (vm.checkout.state.message or "")
            ids.message.color = (0.85, 0.45, 0.0, 1) if problems else (0.03, 0.62, 0.33, 1)
            if vm.member.member is not None:
                ids.member.text = f"{vm.t('checkout.member')}：{vm.member.display_name}"
            else:
                ids.member.text = vm.t("checkout.member_none")
            ids.pay.disabled = not vm.checkout.can_pay()

        def on_kv_post(self, base_widget: Any) -> None:
            self.ids.lines.bind(height=lambda *_: self._show_newest())
            self.ids.scroll.bind(height=lambda *_: self._show_newest())

        def _show_newest(self) -> None:
            """Keep the newest scanned line in view."""
            self.ids.scroll.scroll_y = 0 if self.ids.lines.height > self.ids.scroll.height else 1

    class MemberScreen(KioskScreen):
        def refresh(self, app: Any, vm: Any) -> None:
            self.ids.message.text = vm.member.message or ""

    class PayScreen(KioskScreen):
        def refresh(self, app: Any, vm: Any) -> None:
            state = vm.payment.state
            ids = self.ids
            ids.amount.text = f"¥{yuan(state.amount)}" if state.amount else ""
            ids.status.text = {
                "paused": vm.t("pay.paused"),
                "waiting": vm.t("pay.waiting"),
                "paid": vm.t("pay.paid"),
                "recording": vm.t("pay.recording"),
            }.get(state.status, "")
            # The detail says what the status line does not (e.g. the part paid from stored value).
            ids.detail.text = state.message if state.message and state.message != ids.status.text else ""
            member = vm.member.member is not None and state.status in ("idle", "waiting", "failed")
            ids.stored_value.opacity = 1 if member else 0
            ids.stored_value.disabled = not member
            ids.status.color = (0.85, 0.16, 0.18, 1) if state.status == "paused" else (0.13, 0.13, 0.15, 1)
            if state.qr_text and state.status == "waiting":
                ids.qr.texture = app.qr(state.qr_text)
                ids.qr.opacity = 1
                ids.hint.text = vm.t("pay.scan_with_phone")
            else:
                ids.qr.opacity = 0
                ids.hint.text = ""

    class ReceiptScreen(KioskScreen):
        def refresh(self, app: Any, vm: Any) -> None:
            ids = self.ids
            receipt = vm.receipt.receipt
            ids.number.text = vm.t("receipt.number", number=receipt.number) if receipt else ""
            ids.total.text = f"¥{yuan(receipt.total)}" if receipt else ""
            ids.message.text = vm.receipt.message or vm.t("receipt.thanks")
            ids.lines.text = "\n".join(vm.receipt.rows())
            ids.print_button.disabled = receipt is None
            if receipt is not None:
                ids.qr.texture = app.qr(receipt.qr)
                ids.qr.opacity = 1
            else:
                ids.qr.opacity = 0

    class PriceScreen(KioskScreen):
        def refresh(self, app: Any, vm: Any) -> None:
            ids = self.ids
            result = vm.price.result
            ids.prompt.text = vm.price.message or vm.t("price.prompt")
            ids.name.text = f"{result.name} {result.spec}".strip() if result else ""
            ids.price.text = vm.t("price.price", price=yuan(result.price)) if result else ""
            base = ""
            if result and result.price != result.base_price:
                base = vm.t("price.base", price=yuan(result.base_price))
            if result and result.reason:
                base = (base + "  " if base else "") + vm.t("price.reason", reason=result.reason)
            ids.base.text = base
            if result:
                ids.stock.text = (
                    vm.t("price.stock_here", n=result.available_here)
                    if result.available_here
                    else vm.t("price.stock_none")
                )
            else:
                ids.stock.text = ""
            rows = vm.price.nearby_rows()
            ids.nearby_title.text = vm.t("price.nearby") if rows else ""
            ids.nearby.text = "\n".join(rows)

    class PickupScreen(KioskScreen):
        def on_kv_post(self, base_widget: Any) -> None:
            from kivy.factory import Factory

            for key in "123456789<0":
                button = Factory.KeyButton(text="←" if key == "<" else key)
                button.bind(on_release=lambda _b, k=key: App.get_running_app().act("key", k))
                self.ids.keypad.add_widget(button)

        def refresh(self, app: Any, vm: Any) -> None:
            typed = vm.pickup.typed
            self.ids.typed.text = " ".join(typed.ljust(6, "_"))
            self.ids.message.text = vm.pickup.message or ""

    class HelpScreen(KioskScreen):
        def refresh(self, app: Any, vm: Any) -> None:
            self.ids.message.text = vm.help.message or ""

    class KioskApp(App):
        lang = StringProperty("zh-CN")
        store_name = StringProperty("")
        banner = StringProperty("")
        landscape = BooleanProperty(False)
        title = "OMO Kiosk"

        def __init__(self, vm: Any, source: Any = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.vm = vm
            self.source = source
            self.scanner: CameraScanner | None = None
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-vm")
            self._busy = 0
            self._busy_lock = threading.Lock()
            self._qr_cache: dict[str, Any] = {}
            self._textures: dict[int, Any] = {}
            self.wedge = KeyboardWedge(lambda code: self.run_bg(self.vm.handle_code, code))
            self.last_error: str | None = None

        def tr(self, key: str, lang: str) -> str:
            return strings.t(key, lang)

        def qr(self, text: str) -> Any:
            if text not in self._qr_cache:
                self._qr_cache = {text: qr_texture(text)}
            return self._qr_cache[text]

        def load_kv(self, filename: str | None = None) -> bool:
            Builder.load_file(str(KV))
            return True

        def build(self) -> Any:
            root = KioskRoot()
            self.sm = root.ids.sm
            self.sm.transition = NoTransition()
            for cls in (
                AttractScreen,
                CheckoutScreen,
                MemberScreen,
                PayScreen,
                ReceiptScreen,
                PriceScreen,
                PickupScreen,
                HelpScreen,
            ):
                self.sm.add_widget(cls())
            self.screens = {s.name: s for s in self.sm.screens}
            Window.bind(on_resize=self._resized, on_key_down=self._key_down, on_textinput=self._text)
            Window.bind(on_touch_down=lambda *_: self.vm.touch())
            self._resized(Window, *Window.size)
            self.vm.subscribe(lambda _what: Clock.schedule_once(lambda _dt: self.refresh()))
            if self.source is not None:
                self.scanner = CameraScanner(
                    self.source, lambda code: self.run_bg(self.vm.handle_code, code)
                ).start()
            Clock.schedule_interval(self._preview, 1 / 12)
            Clock.schedule_interval(lambda _dt: self._idle(), 1.0)
            Clock.schedule_interval(lambda _dt: self._poll_payment(), 1.5)
            Clock.schedule_interval(lambda _dt: self._probe(), 5.0)
            self.run_bg(self.vm.start)
            self.refresh()
            return root

        def on_stop(self) -> None:
            if self.scanner is not None:
                self.scanner.stop()
            self.pool.shutdown(wait=False, cancel_futures=True)

        # --- work off the UI thread ---

        def run_bg(self, fn: Any, *args: Any) -> None:
            with self._busy_lock:
                self._busy += 1

            def work() -> None:
                try:
                    fn(*args)
                except Exception as exc:
                    log.exception("kiosk action failed")
                    self.last_error = f"{type(exc).__name__}: {exc}"
                finally:
                    with self._busy_lock:
                        self._busy -= 1
                    Clock.schedule_once(lambda _dt: self.refresh())

            self.pool.submit(work)

        @property
        def busy(self) -> bool:
            return self._busy > 0

        def act(self, name: str, *args: Any) -> None:
            vm = self.vm
            actions = {
                "toggle_language": vm.toggle_language,
                "start_checkout": vm.start_checkout,
                "reset": vm.reset,
                "increment": lambda sku, label="": vm.checkout.increment(int(sku), label or None),
                "decrement": lambda sku, label="": vm.checkout.decrement(int(sku), label or None),
                "remove": lambda sku, label="": vm.checkout.remove(int(sku), label or None),
                "start_payment": lambda: (vm.go("pay"), vm.payment.start()),
                "back_to_cart": lambda: (vm.payment.cancel(), vm.go("checkout")),
                "print_receipt": lambda: vm.receipt.print(),
                "verify_pickup": lambda: vm.pickup.verify(),
                "call_staff": vm.help.call_staff,
                "pay_stored_value": vm.payment.pay_stored_value,
                "key": vm.pickup.type_digit,
            }
            vm.touch()
            self.run_bg(actions[name], *args)

        def go(self, screen: str) -> None:
            self.vm.touch()
            self.run_bg(self.vm.go, screen)
            if screen == "help":
                self.run_bg(self.vm.help.open)

        # --- rendering ---

        def refresh(self) -> None:
            vm = self.vm
            self.lang = vm.lang
            self.store_name = vm.store_name
            if not vm.online:
                self.banner = vm.t("offline.banner")
            elif vm.pending_sales:
                self.banner = vm.t("sync.pending", n=vm.pending_sales)
            else:
                self.banner = ""
            if self.sm.current != vm.screen:
                self.sm.current = vm.screen
            self.screens[vm.screen].refresh(self, vm)

        def _resized(self, _window: Any, width: int, height: int) -> None:
            self.landscape = width > height

        def _preview(self, _dt: float) -> None:
            if self.scanner is None or self.scanner.latest is None:
                return
            screen = self.screens.get(self.sm.current)
            camera = screen.ids.get("camera") if screen is not None else None
            if camera is None:
                return
            frame = self.scanner.latest
            gray = frame.ndim == 2
            h, w = frame.shape[:2]
            key = hash((w, h, gray))
            texture = self._textures.get(key)
            if texture is None:
                texture = Texture.create(size=(w, h), colorfmt="luminance" if gray else "rgb")
                texture.flip_vertical()
                self._textures[key] = texture
            data = frame if gray else frame[:, :, ::-1].copy()
            texture.blit_buffer(data.tobytes(), colorfmt="luminance" if gray else "rgb", bufferfmt="ubyte")
            camera.texture = texture
            camera.canvas.ask_update()

        # --- timers ---

        def _idle(self) -> None:
            if not self.busy:
                self.run_bg(self.vm.tick)

        def _poll_payment(self) -> None:
            if self.vm.payment.state.status == "waiting" and not self.busy:
                self.run_bg(self.vm.payment.poll)

        def _probe(self) -> None:
            if (not self.vm.online or self.vm.pending_sales) and not self.busy:
                self.run_bg(self.vm.check_backend)

        # --- USB scanner (a keyboard) ---

        def _key_down(self, _window: Any, key: int, *_args: Any) -> bool:
            if key in (13, 271):
                self.wedge.key("\n")
                return True
            return False

        def _text(self, _window: Any, text: str) -> None:
            for ch in text:
                self.wedge.key(ch)

    return KioskApp(vm, source)


def _parse_size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    w, h = text.lower().split("x")
    return int(w), int(h)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omo-kiosk", description="OMO Retail self-service kiosk")
    parser.add_argument("--bind", metavar="URL", help="register this kiosk with the backend at URL")
    parser.add_argument("--store", type=int, help="store id to bind to (with --bind)")
    parser.add_argument("--user", help="store manager's username (with --bind)")
    parser.add_argument("--name", default="自助收银机", help="device name (with --bind)")
    parser.add_argument("--camera", default="0", help="OpenCV camera index, or 'none'")
    parser.add_argument("--size", help="window size, e.g. 1080x1920")
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--printer", help="printer device or file (e.g. /dev/usb/lp0)")
    args = parser.parse_args(argv)

    from apps.kiosk.viewmodels import KioskConfig, KioskVM, bind_device, data_dir

    config_path = data_dir() / "kiosk.json"
    if args.bind:
        if not (args.store and args.user):
            parser.error("--bind needs --store and --user")
        password = getpass.getpass(f"{args.user} password: ")
        config = bind_device(args.bind, args.user, password, args.store, args.name, config_path)
        print(f"bound to store {config.store_id}; settings in {config_path}")
        return 0
    config = KioskConfig.load(config_path)
    if config is None:
        from apps.kiosk import strings

        print(strings.t("setup.title"), "—", strings.t("setup.body"), file=sys.stderr)
        return 2
    if args.printer:
        config.printer = args.printer
    configure_kivy(_parse_size(args.size), args.fullscreen)
    from apps.kiosk.camera import OpenCVSource
    from shared import sdk
    from shared.sdk.outbox import Outbox

    vm = KioskVM(sdk.Client(config.base_url, timeout=8), config, Outbox(data_dir() / "outbox.db"))
    source = None if args.camera == "none" else OpenCVSource(int(args.camera))
    create_app(vm, source).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
