"""The kiosk's state and actions, free of any UI: the Kivy screens only render these and call them.

``KioskVM`` owns the session (language, idle timer, online state, the offline outbox) and one
sub-flow per screen. Every backend call goes through the sync SDK; the app runs these methods on a
worker thread and re-renders when a listener is told something changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apps.kiosk import strings
from apps.kiosk.receipt import render_escpos, write_to
from backend.catalog.schemas import BarcodeMatch
from backend.members.schemas import MemberSummary
from backend.orders.schemas import Order, PricedCartOut, Receipt
from backend.payments.schemas import Payment
from backend.stores.schemas import HelpCall, NearbyStore, Store
from shared import sdk
from shared.sdk.outbox import FlushReport, Outbox

SCREENS = ("attract", "checkout", "member", "pay", "receipt", "price", "pickup", "help")
# The sandbox provider's QR payments are paid for a reference the orders domain must know as payable.
KIOSK_SALE_REF = "kiosk_sale"
PAID = frozenset({"succeeded", "partially_refunded", "refunded"})
FAILED = frozenset({"failed", "closed", "expired", "cancelled"})


def data_dir() -> Path:
    """Where the kiosk keeps its binding and outbox (``OMO_KIOSK_HOME`` or the user data folder)."""
    env = os.environ.get("OMO_KIOSK_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "omo-kiosk"


@dataclass
class KioskConfig:
    """The kiosk's binding to one store: backend URL and the device token a manager registered."""

    base_url: str
    device_token: str
    store_id: int
    device_name: str = "kiosk"
    printer: str | None = None
    idle_timeout_s: float = 90.0

    @classmethod
    def load(cls, path: Path) -> KioskConfig | None:
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text("utf-8")))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), "utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(path)


def bind_device(
    base_url: str, username: str, password: str, store_id: int, name: str, config_path: Path
) -> KioskConfig:
    """A store manager signs in once on the kiosk; the kiosk registers itself and keeps only its token."""
    with sdk.Client(base_url) as client:
        client.auth.staff_login(username, password)
        registered = client.auth.register_device(store_id, name, "kiosk")
        client.auth.logout()
    config = KioskConfig(
        base_url=base_url, device_token=registered.token, store_id=store_id, device_name=name
    )
    config.save(config_path)
    return config


def code_kind(text: str) -> str:
    """``member``, ``pickup``, ``receipt``... for our signed QR codes; ``barcode`` for anything else."""
    parts = text.split(".")
    if len(parts) == 4 and parts[0] == "OMO1":
        return parts[1]
    return "barcode"


class KeyboardWedge:
    """A USB scanner typing as a keyboard: characters until Enter make one code."""

    def __init__(self, on_code: Callable[[str], None]) -> None:
        self._buffer: list[str] = []
        self._on_code = on_code

    def key(self, char: str) -> None:
        if char in ("\r", "\n"):
            code = "".join(self._buffer).strip()
            self._buffer.clear()
            if code:
                self._on_code(code)
        elif char.isprintable():
            self._buffer.append(char)


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def error_text(vm: KioskVM, exc: sdk.RetailError) -> str:
    return vm.t("error.generic", message=exc.message)


# --- sub-flows ---


@dataclass
class CheckoutState:
    cart: PricedCartOut | None = None
    last_added: str | None = None
    message: str | None = None


class CheckoutFlow:
    """Scan items into the session's server-side cart; change quantities; see totals and discounts."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.state = CheckoutState()

    @property
    def cart(self) -> PricedCartOut | None:
        return self.state.cart

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.cart.lines) if self.cart else 0

    def scan(self, code: str) -> bool:
        """Add one unit of the scanned item; False (with a message) if the code is unknown."""
        vm = self.vm
        try:
            match: BarcodeMatch = vm.client.catalog.lookup_barcode(code, store_id=vm.store_id)
            # A scale label (in-store code with a weight or price) stands for several units.
            units = match.embedded.units if match.embedded is not None else 1
            current = {ln.sku_id: ln.quantity for ln in self.cart.lines} if self.cart else {}
            if match.sku.id in current:
                cart = vm.client.orders.set_cart_quantity(
                    match.sku.id, current[match.sku.id] + units, session_id=vm.session_id
                )
            else:
                cart = vm.client.orders.add_to_cart(match.sku.id, units, session_id=vm.session_id)
        except (sdk.NotFound, sdk.ValidationFailed):
            self.state.message = vm.t("checkout.unknown_barcode", code=code)
            vm.changed("checkout")
            return False
        except sdk.NetworkError:
            vm.went_offline()
            return False
        except sdk.RetailError as exc:
            self.state.message = error_text(vm, exc)
            vm.changed("checkout")
            return False
        name = vm.pick(match.product.name_zh, match.product.name_en)
        message = vm.t("checkout.added", name=name)
        if match.embedded is not None and match.embedded.weight_g is not None:
            message = vm.t("checkout.added_weight", name=name, grams=match.embedded.weight_g)
        elif match.embedded is not None and match.embedded.price is not None:
            message = vm.t("checkout.added_price", name=name, price=yuan(match.embedded.price))
        self.state = CheckoutState(cart=cart, last_added=name, message=message)
        vm.changed("checkout")
        return True

    def set_quantity(self, sku_id: int, quantity: int) -> None:
        vm = self.vm
        try:
            if quantity <= 0:
                cart = vm.client.orders.remove_from_cart(sku_id, session_id=vm.session_id)
            else:
                cart = vm.client.orders.set_cart_quantity(sku_id, quantity, session_id=vm.session_id)
        except sdk.NetworkError:
            vm.went_offline()
            return
        except sdk.RetailError as exc:
            self.state.message = error_text(vm, exc)
            vm.changed("checkout")
            return
        self.state.cart, self.state.message = cart, None
        vm.changed("checkout")

    def increment(self, sku_id: int) -> None:
        self.set_quantity(sku_id, self._qty(sku_id) + 1)

    def decrement(self, sku_id: int) -> None:
        self.set_quantity(sku_id, self._qty(sku_id) - 1)

    def remove(self, sku_id: int) -> None:
        self.set_quantity(sku_id, 0)

    def _qty(self, sku_id: int) -> int:
        for line in self.cart.lines if self.cart else []:
            if line.sku_id == sku_id:
                return line.quantity
        return 0

    def problems(self) -> list[str]:
        """Why lines cannot be bought as they are (out of stock, off shelf...)."""
        out: list[str] = []
        for line in self.cart.lines if self.cart else []:
            for problem in line.problems:
                out.append(
                    self.vm.t(
                        "checkout.problem",
                        name=self.vm.pick(line.name_zh, line.name_en),
                        reason=problem.message,
                    )
                )
        return out

    def can_pay(self) -> bool:
        return bool(self.cart and self.cart.lines and self.cart.valid and self.cart.total > 0)


class MemberFlow:
    """Identify a shopper by the member QR on their phone; only masked data is shown."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.member: MemberSummary | None = None
        self.message: str | None = None

    def identify(self, code: str) -> bool:
        vm = self.vm
        try:
            self.member = vm.client.members.identify(code)
        except sdk.NetworkError:
            vm.went_offline()
            return False
        except sdk.NotFound:
            self.member, self.message = None, vm.t("member.not_found")
            vm.changed("member")
            return False
        except sdk.RetailError:
            self.member, self.message = None, vm.t("member.invalid")
            vm.changed("member")
            return False
        self.message = vm.t("member.welcome", name=self.display_name)
        vm.changed("member")
        return True

    @property
    def display_name(self) -> str:
        if self.member is None:
            return ""
        return self.member.name_masked or self.member.phone_masked

    def clear(self) -> None:
        self.member, self.message = None, None


@dataclass
class PaymentState:
    status: str = "idle"  # idle | unavailable | paused | waiting | paid | recording | done | queued | failed
    payment: Payment | None = None
    amount: int = 0
    qr_text: str | None = None
    message: str | None = None
    client_id: str | None = None
    order: Order | None = None


class PaymentFlow:
    """Pay with a sandbox QR on the shopper's phone, then record the sale once (or queue it offline).

    No cash is taken at a kiosk. The sale's client id is made before the payment opens, so a retry,
    a restart or an offline replay all name the same sale.
    """

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.state = PaymentState()

    def start(self) -> PaymentState:
        vm = self.vm
        cart = vm.checkout.cart
        due = cart.total if cart is not None else 0
        if not vm.online:
            self.state = PaymentState(status="paused", amount=due, message=vm.t("pay.paused_detail"))
            vm.changed("pay")
            return self.state
        if cart is None or not vm.checkout.can_pay():
            self.state = PaymentState(status="failed", message=vm.t("checkout.empty"))
            vm.changed("pay")
            return self.state
        client_id = self.state.client_id if self.state.status == "failed" and self.state.client_id else None
        client_id = client_id or sdk.idempotency_key()
        self.state = PaymentState(status="waiting", amount=cart.total, client_id=client_id)
        try:
            member = vm.member.member.id if vm.member.member else None
            vm.client.orders.open_kiosk_checkout(client_id, cart_session_id=vm.session_id, member_id=member)
            payment = vm.client.payments.create(KIOSK_SALE_REF, client_id, "sandbox", key=client_id)
        except sdk.NetworkError:
            vm.went_offline()
            self.state = PaymentState(status="paused", amount=due, message=vm.t("pay.paused_detail"))
            vm.changed("pay")
            return self.state
        except sdk.RetailError as exc:
            # A backend without kiosk QR checkout (or one that refuses this basket).
            status = "unavailable" if exc.code == "unknown_payment_ref_type" else "failed"
            message = vm.t("pay.unavailable") if status == "unavailable" else error_text(vm, exc)
            self.state = PaymentState(status=status, amount=cart.total, client_id=client_id, message=message)
            vm.changed("pay")
            return self.state
        self.state.payment = payment
        self.state.amount = payment.amount
        self.state.qr_text = payment.pay_url or payment.qr_text
        self.state.message = vm.t("pay.waiting")
        vm.changed("pay")
        return self.state

    def pay_stored_value(self) -> PaymentState:
        """The identified member pays the whole basket from their stored value (储值); the sale is
        made at once, no QR."""
        vm = self.vm
        cart = vm.checkout.cart
        if vm.member.member is None:
            self.state = PaymentState(status="failed", message=vm.t("pay.member_first"))
            vm.changed("pay")
            return self.state
        if not vm.online:
            self.state = PaymentState(status="paused", message=vm.t("pay.paused_detail"))
            vm.changed("pay")
            return self.state
        if cart is None or not vm.checkout.can_pay():
            self.state = PaymentState(status="failed", message=vm.t("checkout.empty"))
            vm.changed("pay")
            return self.state
        if self.state.status == "waiting" and self.state.client_id:
            # The QR checkout the shopper chose not to use is closed (its coupons given back).
            with contextlib.suppress(sdk.RetailError):
                vm.client.orders.cancel_kiosk_checkout(self.state.client_id)
        client_id = sdk.idempotency_key()
        self.state = PaymentState(status="recording", amount=cart.total, client_id=client_id)
        member_id = vm.member.member.id
        try:
            try:
                checkout = vm.client.orders.open_kiosk_checkout(
                    client_id, cart_session_id=vm.session_id, member_id=member_id, stored_value=cart.total
                )
            except sdk.ValidationFailed as exc:
                # The member's coupons can make the basket cheaper than the cart showed: pay that total.
                total = exc.detail.get("total") if isinstance(exc.detail, dict) else None
                if not isinstance(total, int) or total >= cart.total:
                    raise
                checkout = vm.client.orders.open_kiosk_checkout(
                    client_id, cart_session_id=vm.session_id, member_id=member_id, stored_value=total
                )
            order = vm.client.orders.get(checkout.order_id) if checkout.order_id else None
        except sdk.NetworkError:
            vm.went_offline()
            self.state = PaymentState(status="paused", amount=cart.total, message=vm.t("pay.paused_detail"))
            vm.changed("pay")
            return self.state
        except sdk.RetailError as exc:
            key = (
                "pay.stored_value_short"
                if exc.code in ("insufficient_balance", "insufficient_stored_value")
                else None
            )
            message = vm.t(key) if key else error_text(vm, exc)
            self.state = PaymentState(
                status="failed", amount=cart.total, client_id=client_id, message=message
            )
            vm.changed("pay")
            return self.state
        if order is None:
            self.state.status, self.state.message = "failed", vm.t("pay.unavailable")
            vm.changed("pay")
            return self.state
        self.state.status, self.state.order, self.state.amount = "done", order, order.total
        vm.receipt.show(order)
        vm.go("receipt")
        return self.state

    def poll(self) -> PaymentState:
        """Ask for the payment's status; once paid, record the sale."""
        vm = self.vm
        if self.state.status != "waiting" or self.state.payment is None:
            return self.state
        try:
            payment = vm.client.payments.sync(self.state.payment.id)
        except sdk.NetworkError:
            vm.went_offline()
            return self.state
        self.state.payment = payment
        if payment.status in PAID:
            self.state.status = "paid"
            self.state.message = vm.t("pay.paid")
            vm.changed("pay")
            self.record_sale(payment.no, payment.amount)
        elif payment.status in FAILED:
            self.state.status = "failed"
            self.state.message = vm.t("pay.failed", reason=payment.failure_reason or payment.status)
            vm.changed("pay")
        return self.state

    def sale_body(self, reference: str, amount: int) -> dict[str, Any]:
        vm = self.vm
        cart = vm.checkout.cart
        assert cart is not None and self.state.client_id is not None
        return {
            "client_id": self.state.client_id,
            "store_id": vm.store_id,
            "lines": [{"sku_id": ln.sku_id, "quantity": ln.quantity} for ln in cart.lines],
            "member_id": vm.member.member.id if vm.member.member else None,
            "tenders": [{"method": "sandbox_qr", "amount": amount, "reference": reference}],
            "created_at": vm.now().isoformat(),
        }

    def record_sale(self, reference: str, amount: int) -> PaymentState:
        """Record the paid sale; if the backend cannot be reached, keep it in the outbox to replay once."""
        vm = self.vm
        body = self.sale_body(reference, amount)
        self.state.status = "recording"
        try:
            order = vm.client.orders.sell(
                body["tenders"],
                lines=body["lines"],
                store_id=body["store_id"],
                member_id=body["member_id"],
                client_id=body["client_id"],
                created_at=body["created_at"],
            )
        except sdk.NetworkError:
            vm.outbox.enqueue(
                "kiosk_sale", "POST", "/pos/offline-sales", {"sales": [body]}, key=body["client_id"]
            )
            vm.went_offline()
            self.state.status = "queued"
            self.state.message = vm.t("pay.queued")
            vm.receipt.queued(body)
            vm.go("receipt")
            return self.state
        self.state.status, self.state.order = "done", order
        vm.receipt.show(order)
        vm.go("receipt")
        return self.state

    def reset(self) -> None:
        self.state = PaymentState()


class ReceiptFlow:
    """The finished sale: print it (ESC/POS) and show its e-receipt QR."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.order: Order | None = None
        self.receipt: Receipt | None = None
        self.pending_sale: dict[str, Any] | None = None
        self.printed_to: Path | None = None
        self.message: str | None = None

    def show(self, order: Order) -> None:
        self.order, self.pending_sale, self.printed_to = order, None, None
        try:
            self.receipt = self.vm.client.orders.receipt(order.id)
        except sdk.NetworkError:
            self.receipt = None
            self.vm.went_offline()
        self.message = None
        self.vm.changed("receipt")

    def queued(self, sale: dict[str, Any]) -> None:
        self.order, self.receipt, self.pending_sale = None, None, sale
        self.message = self.vm.t("receipt.queued")
        self.vm.changed("receipt")

    def print(self, path: str | Path | None = None) -> Path | None:
        """Write the receipt to the printer device (or a file); returns where it went."""
        if self.receipt is None:
            return None
        target = Path(path or self.vm.printer or (data_dir() / "receipts" / f"{self.receipt.number}.bin"))
        write_to(target, render_escpos(self.receipt, self.vm.store_name, self.vm.lang))
        self.printed_to = target
        self.message = self.vm.t("receipt.printed")
        self.vm.changed("receipt")
        return target

    def clear(self) -> None:
        self.order = self.receipt = self.pending_sale = None
        self.printed_to = self.message = None


@dataclass
class PriceResult:
    name: str
    spec: str
    price: int
    base_price: int
    reason: str | None
    available_here: int
    nearby: list[NearbyStore] = field(default_factory=list)


class PriceCheckFlow:
    """Scan an item: its price here (and why), stock here and at nearby stores."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.result: PriceResult | None = None
        self.message: str | None = None

    def lookup(self, code: str) -> PriceResult | None:
        vm = self.vm
        try:
            match = vm.client.catalog.lookup_barcode(code, store_id=vm.store_id)
            nearby: list[NearbyStore] = []
            store = vm.store
            if store is not None:
                nearby = [
                    s
                    for s in vm.client.stores.nearby(store.latitude, store.longitude, sku_ids=[match.sku.id])
                    if s.id != vm.store_id
                ][:4]
        except (sdk.NotFound, sdk.ValidationFailed):
            self.result, self.message = None, vm.t("checkout.unknown_barcode", code=code)
            vm.changed("price")
            return None
        except sdk.NetworkError:
            vm.went_offline()
            return None
        sku = match.sku
        reason = None
        if sku.price_list is not None and sku.price_reason not in (None, "base"):
            reason = vm.t(f"price.reason.{sku.price_reason}", name=sku.price_list.name)
        self.result = PriceResult(
            name=vm.pick(match.product.name_zh, match.product.name_en),
            spec=" ".join(str(v) for v in sku.specs.values()),
            price=sku.price if sku.price is not None else sku.base_price,
            base_price=sku.base_price,
            reason=reason,
            available_here=sku.available or 0,
            nearby=nearby,
        )
        self.message = None
        vm.changed("price")
        return self.result

    def nearby_rows(self) -> list[str]:
        if self.result is None:
            return []
        vm = self.vm
        rows = []
        for store in self.result.nearby:
            distance = (
                vm.t("km", n=f"{store.distance_m / 1000:.1f}")
                if store.distance_m >= 1000
                else vm.t("m", n=store.distance_m)
            )
            units = sum(store.available.values())
            rows.append(
                vm.t(
                    "price.nearby_row", name=vm.pick(store.name_zh, store.name_en), distance=distance, n=units
                )
            )
        return rows


class PickupFlow:
    """A shopper collecting an order: the code (typed or scanned) tells them where to collect it."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.order: Order | None = None
        self.message: str | None = None
        self.typed = ""
        self.staff_told = False

    def type_digit(self, digit: str) -> None:
        if digit == "<":
            self.typed = self.typed[:-1]
        elif digit.isdigit() and len(self.typed) < 6:
            self.typed += digit
        self.vm.changed("pickup")

    def verify(self, code: str | None = None, qr: str | None = None) -> Order | None:
        vm = self.vm
        if code is None and qr is None:
            code = self.typed
        try:
            order = vm.client.orders.verify_pickup(vm.store_id, code=code, qr=qr)
        except sdk.NetworkError:
            vm.went_offline()
            return None
        except sdk.RetailError as exc:
            self.order = None
            self.message = self._refusal(exc)
            vm.changed("pickup")
            return None
        self.order = order
        self.message = (
            vm.t("pickup.ready", number=order.number) + "\n" + vm.t("pickup.where", store=vm.store_name)
        )
        self.typed = ""
        self.staff_told = vm.help.notify_pickup(order)
        if self.staff_told:
            self.message += "\n" + vm.t("pickup.staff_told")
        vm.changed("pickup")
        return order

    def _refusal(self, exc: sdk.RetailError) -> str:
        vm = self.vm
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        if exc.code == "wrong_store" or "store_name_zh" in detail:
            name = vm.pick(detail.get("store_name_zh", ""), detail.get("store_name_en"))
            return vm.t("pickup.wrong_store", store=name)
        if exc.code == "already_collected":
            return vm.t("pickup.collected")
        if exc.code in ("invalid_state", "order_state"):
            return vm.t("pickup.not_ready")
        if isinstance(exc, sdk.InvalidState):
            return vm.t("pickup.not_ready")
        return vm.t("pickup.invalid")

    def clear(self) -> None:
        self.order, self.message, self.typed, self.staff_told = None, None, "", False


HELP_REASONS = ("age_check", "scan_trouble", "payment_trouble")


class HelpFlow:
    """Call a staff member to the kiosk: the call is an event on the store's help topic, which the
    staff app shows live; an age-restricted item, scan trouble or payment trouble says why."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.message: str | None = None
        self.call: HelpCall | None = None

    def open(self) -> None:
        self.call = None
        self.message = self.vm.t("help.choose")
        self.vm.changed("help")

    def _context(self) -> dict[str, Any]:
        vm = self.vm
        context: dict[str, Any] = {"screen": vm.screen}
        cart = vm.checkout.cart
        if cart is not None and cart.lines:
            context["items"] = sum(ln.quantity for ln in cart.lines)
            context["total"] = cart.total
        if vm.checkout.state.last_added:
            context["last_item"] = vm.checkout.state.last_added
        return context

    def call_staff(self, reason: str = "other") -> bool:
        """Ask for a staff member; the same session's repeated press for one reason is one call."""
        vm = self.vm
        if reason not in (*HELP_REASONS, "other"):
            raise ValueError(reason)
        try:
            self.call = vm.client.stores.call_for_help(
                reason, context=self._context(), client_id=f"{vm.session_id}-{reason}"
            )
        except sdk.NetworkError:
            vm.went_offline()
            self.message = vm.t("help.unavailable")
            vm.changed("help")
            return False
        except sdk.RetailError:
            self.message = vm.t("help.unavailable")
            vm.changed("help")
            return False
        self.message = vm.t(f"help.called.{reason}") + "\n" + vm.t("help.body")
        vm.changed("help")
        return True

    def notify_pickup(self, order: Order) -> bool:
        """Tell the store's staff a shopper is at the kiosk to collect ``order`` (once per order)."""
        vm = self.vm
        try:
            vm.client.stores.call_for_help(
                "pickup",
                context={"order_id": order.id, "order_number": order.number},
                client_id=f"pickup-{order.id}",
            )
        except sdk.NetworkError:
            vm.went_offline()
            return False
        except sdk.RetailError:
            return False
        return True


# --- the kiosk ---


class KioskVM:
    """One kiosk bound to one store: the screen, the shopper's session, and the flows."""

    def __init__(
        self,
        client: sdk.Client,
        config: KioskConfig,
        outbox: Outbox,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.config = config
        self.outbox = outbox
        self.clock = clock
        self.now = now
        self.store_id = config.store_id
        self.printer = config.printer
        self.idle_timeout_s = config.idle_timeout_s
        self.lang = "zh-CN"
        self.screen = "attract"
        self.online = True
        self.store: Store | None = None
        self.session_id = uuid.uuid4().hex
        self.last_activity = clock()
        self._listeners: list[Callable[[str], None]] = []
        self._lock = threading.RLock()
        self.checkout = CheckoutFlow(self)
        self.member = MemberFlow(self)
        self.payment = PaymentFlow(self)
        self.receipt = ReceiptFlow(self)
        self.price = PriceCheckFlow(self)
        self.pickup = PickupFlow(self)
        self.help = HelpFlow(self)
        client.auth.use_device_token(config.device_token)

    # --- plumbing ---

    def subscribe(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def changed(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    def t(self, key: str, **values: Any) -> str:
        return strings.t(key, self.lang, **values)

    def pick(self, zh: str, en: str | None) -> str:
        return en if self.lang == "en" and en else zh

    @property
    def store_name(self) -> str:
        if self.store is None:
            return ""
        return self.pick(self.store.name_zh, self.store.name_en)

    def start(self) -> None:
        """Load the store and replay anything left in the outbox."""
        try:
            self.store = self.client.stores.get(self.store_id)
        except sdk.NetworkError:
            self.went_offline()
            return
        self.sync()

    # --- language, screens, idle ---

    def toggle_language(self) -> str:
        self.lang = "en" if self.lang == "zh-CN" else "zh-CN"
        self.touch()
        self.changed("lang")
        return self.lang

    def go(self, screen: str) -> None:
        if screen not in SCREENS:
            raise ValueError(screen)
        self.screen = screen
        self.touch()
        self.changed("screen")

    def start_checkout(self) -> None:
        self.go("checkout")

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle_for(self) -> float:
        return self.clock() - self.last_activity

    def tick(self) -> bool:
        """Called about once a second: an idle session returns to the attract screen. True if it reset."""
        if self.screen == "attract":
            return False
        if self.payment.state.status in ("waiting", "paid", "recording"):
            return False
        if self.idle_for() < self.idle_timeout_s:
            return False
        self.reset()
        return True

    def reset(self) -> None:
        """End the shopper's session: cart, member, payment and receipt are forgotten."""
        old = self.session_id
        if self.checkout.cart and self.checkout.cart.lines and self.online:
            with contextlib.suppress(sdk.RetailError):
                self.client.orders.clear_cart(session_id=old)
        self.session_id = uuid.uuid4().hex
        self.checkout = CheckoutFlow(self)
        self.member.clear()
        self.payment.reset()
        self.receipt.clear()
        self.price = PriceCheckFlow(self)
        self.pickup.clear()
        self.help.message, self.help.call = None, None
        self.lang = "zh-CN"
        self.go("attract")

    # --- input ---

    def handle_code(self, text: str) -> None:
        """One scanned code (camera or USB scanner), routed by what it is and which screen is up."""
        text = text.strip()
        if not text:
            return
        self.touch()
        kind = code_kind(text)
        if kind == "member":
            if self.screen in ("attract", "member"):
                self.go("checkout" if self.screen == "attract" else self.screen)
            self.member.identify(text)
            if self.screen == "member" and self.member.member is not None:
                self.go("checkout")
            return
        if kind == "pickup" or self.screen == "pickup":
            if self.screen != "pickup":
                self.go("pickup")
            if kind == "pickup":
                self.pickup.verify(qr=text)
            elif text.isdigit() and len(text) == 6:
                self.pickup.verify(code=text)
            return
        if self.screen == "price":
            self.price.lookup(text)
            return
        if self.screen in ("attract", "checkout"):
            if self.screen == "attract":
                self.go("checkout")
            self.checkout.scan(text)

    # --- online / offline ---

    def went_offline(self) -> None:
        if self.online:
            self.online = False
            self.changed("online")

    def check_backend(self) -> bool:
        """Probe the backend; when it answers again, replay the outbox. True when online."""
        try:
            self.client.auth.me()
        except sdk.NetworkError:
            self.went_offline()
            return False
        if not self.online:
            self.online = True
            self.changed("online")
        if self.store is None:
            self.start()
        else:
            self.sync()
        return True

    def sync(self) -> FlushReport | None:
        """Replay the sales paid while offline, each exactly once (their client ids are the keys)."""
        if not self.outbox.pending():
            return None
        with self._lock:
            report = self.outbox.flush(self.client)
        if report.stopped_by == "network":
            self.went_offline()
        self.changed("sync")
        return report

    @property
    def pending_sales(self) -> int:
        return len(self.outbox.pending())
