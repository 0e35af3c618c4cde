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
from apps.kiosk.receipt import amount_line, render_escpos, write_to
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
# How many idle timeouts a session showing a payment QR waits before it is abandoned.
PAYMENT_IDLE_FACTOR = 3


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
    """Scan items into the session's server-side cart; change quantities; see totals and discounts.

    Scale labels (packs weighed and labelled in the store) are kept here by label, one line per label,
    and priced by the backend together with the cart, each from its label's weight or price."""

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.state = CheckoutState()
        self.labels: dict[str, int] = {}

    @property
    def cart(self) -> PricedCartOut | None:
        return self.state.cart

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.cart.lines) if self.cart else 0

    def label_lines(self) -> list[dict[str, Any]]:
        """The scale-labelled packs as checkout lines (the label is the barcode)."""
        return [{"barcode": code, "quantity": qty} for code, qty in self.labels.items()]

    def _priced(self, cart: PricedCartOut | None = None) -> PricedCartOut:
        """The basket as the shopper sees it: the cart, and the labelled packs priced with it."""
        vm = self.vm
        if cart is not None and not self.labels:
            return cart
        return vm.client.orders.price_kiosk_basket(vm.session_id, self.label_lines())

    def scan(self, code: str) -> bool:
        """Add one unit of the scanned item (or one labelled pack); False (with a message) if unknown."""
        vm = self.vm
        try:
            match: BarcodeMatch = vm.client.catalog.lookup_barcode(code, store_id=vm.store_id)
            if match.embedded is not None:
                # A scale label: one pack, charged what its label says.
                self.labels[code] = self.labels.get(code, 0) + 1
                try:
                    cart = self._priced()
                except sdk.RetailError:
                    self._drop_label(code)
                    raise
            else:
                current = (
                    {ln.sku_id: ln.quantity for ln in self.cart.lines if ln.label is None}
                    if self.cart
                    else {}
                )
                if match.sku.id in current:
                    cart = vm.client.orders.set_cart_quantity(
                        match.sku.id, current[match.sku.id] + 1, session_id=vm.session_id
                    )
                else:
                    cart = vm.client.orders.add_to_cart(match.sku.id, 1, session_id=vm.session_id)
                cart = self._priced(cart)
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

    def _drop_label(self, code: str) -> None:
        self.labels[code] -= 1
        if self.labels[code] <= 0:
            del self.labels[code]

    def set_quantity(self, sku_id: int, quantity: int, label: str | None = None) -> None:
        vm = self.vm
        try:
            if label:
                if quantity <= 0:
                    self.labels.pop(label, None)
                else:
                    self.labels[label] = quantity
                cart = self._priced()
            elif quantity <= 0:
                cart = self._priced(vm.client.orders.remove_from_cart(sku_id, session_id=vm.session_id))
            else:
                cart = self._priced(
                    vm.client.orders.set_cart_quantity(sku_id, quantity, session_id=vm.session_id)
                )
        except sdk.NetworkError:
            vm.went_offline()
            return
        except sdk.RetailError as exc:
            self.state.message = error_text(vm, exc)
            vm.changed("checkout")
            return
        self.state.cart, self.state.message = cart, None
        vm.changed("checkout")

    def increment(self, sku_id: int, label: str | None = None) -> None:
        self.set_quantity(sku_id, self._qty(sku_id, label) + 1, label)

    def decrement(self, sku_id: int, label: str | None = None) -> None:
        self.set_quantity(sku_id, self._qty(sku_id, label) - 1, label)

    def remove(self, sku_id: int, label: str | None = None) -> None:
        self.set_quantity(sku_id, 0, label)

    def _qty(self, sku_id: int, label: str | None = None) -> int:
        if label:
            return self.labels.get(label, 0)
        for line in self.cart.lines if self.cart else []:
            if line.sku_id == sku_id and line.label is None:
                return line.quantity
        return 0

    def line_detail(self, line: Any) -> str:
        """A line's price as the shopper reads it: a weighed pack's weight × price per kg, a label's price."""
        vm = self.vm
        if line.weight_g is not None:
            return vm.t("checkout.weighed", grams=line.weight_g, per_kg=yuan(line.price_per_kg or 0))
        if line.label_price is not None:
            return vm.t("checkout.label_price", price=yuan(line.label_price))
        spec = " ".join(str(v) for v in line.specs.values())
        return f"¥{yuan(line.unit_price)}" + (f" · {spec}" if spec else "")

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
        # The signed code the member showed: the backend asks for it before their balances are spent.
        self.code: str | None = None
        self.message: str | None = None

    def identify(self, code: str) -> bool:
        vm = self.vm
        try:
            self.member = vm.client.members.identify(code)
            self.code = code
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
        self.member, self.code, self.message = None, None, None

    def ask_again(self) -> None:
        """The member's code has lapsed: they are asked to show it again before anything is spent."""
        self.member, self.code = None, None
        self.message = self.vm.t("member.again")
        self.vm.go("member")


MEMBER_CODE_ERRORS = frozenset({"member_code_required", "member_code_invalid"})


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
    """Pay with a sandbox QR on the shopper's phone and/or the member's stored value; the backend records
    the sale with the payment, the kiosk then fetches it (or queues the fetch while offline).

    No cash is taken at a kiosk. The sale's client id is made before the checkout opens, so a retry,
    a restart or an offline replay all name the same sale.
    """

    def __init__(self, vm: KioskVM) -> None:
        self.vm = vm
        self.state = PaymentState()
        self._last_detail: Any = None

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
        return self._open(client_id or sdk.idempotency_key(), stored_value=0)

    def _open(self, client_id: str, stored_value: int) -> PaymentState:
        """Open the checkout (stored value paying ``stored_value`` of it) and, for what is left, the QR."""
        vm = self.vm
        cart = vm.checkout.cart
        assert cart is not None
        self.state = PaymentState(status="waiting", amount=cart.total, client_id=client_id)
        member = vm.member.member.id if vm.member.member else None
        try:
            checkout = vm.client.orders.open_kiosk_checkout(
                client_id,
                cart_session_id=vm.session_id,
                lines=vm.checkout.label_lines(),
                member_id=member,
                member_code=vm.member.code if member else None,
                stored_value=stored_value,
            )
            if checkout.status == "paid" and checkout.order_id is not None:
                return self._done(vm.client.orders.get(checkout.order_id))
            payment = vm.client.payments.create(KIOSK_SALE_REF, client_id, "sandbox", key=client_id)
        except sdk.NetworkError:
            vm.went_offline()
            self.state = PaymentState(status="paused", amount=cart.total, message=vm.t("pay.paused_detail"))
            vm.changed("pay")
            return self.state
        except sdk.RetailError as exc:
            return self._refused(exc, client_id)
        self.state.payment = payment
        self.state.amount = payment.amount
        self.state.qr_text = payment.pay_url or payment.qr_text
        self.state.message = vm.t("pay.waiting")
        if checkout.stored_value:
            self.state.message = vm.t(
                "pay.stored_value_part", paid=yuan(checkout.stored_value), rest=yuan(checkout.due)
            )
        vm.changed("pay")
        return self.state

    def _refused(self, exc: sdk.RetailError, client_id: str) -> PaymentState:
        vm = self.vm
        cart = vm.checkout.cart
        self._last_detail = exc.detail
        if exc.code in MEMBER_CODE_ERRORS:
            vm.member.ask_again()
            self.state = PaymentState(status="failed", client_id=client_id, message=vm.t("member.again"))
            vm.changed("pay")
            return self.state
        # A backend without kiosk QR checkout (or one that refuses this basket).
        status = "unavailable" if exc.code == "unknown_payment_ref_type" else "failed"
        message = vm.t("pay.unavailable") if status == "unavailable" else error_text(vm, exc)
        if exc.code in ("insufficient_balance", "insufficient_stored_value"):
            message = vm.t("pay.stored_value_short")
        self.state = PaymentState(
            status=status, amount=cart.total if cart else 0, client_id=client_id, message=message
        )
        vm.changed("pay")
        return self.state

    def pay_stored_value(self) -> PaymentState:
        """The identified member pays from their stored value (储值): all of the basket, sold at once, or
        as much as the balance holds, the QR paying the rest."""
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
        amount = cart.total
        for _ in range(2):
            state = self._open(sdk.idempotency_key(), stored_value=amount)
            if state.status != "failed":
                return state
            # The member's coupons can make the basket cheaper than the cart showed, or the balance
            # may hold less than the basket: pay what the backend says, the QR the rest.
            if not isinstance(self._last_detail, dict):
                break
            total, balance = self._last_detail.get("total"), self._last_detail.get("balance")
            if isinstance(total, int) and 0 < total < amount:
                amount = total
            elif isinstance(balance, int) and 0 < balance < amount:
                amount = balance
            else:
                break
        return self.state

    def poll(self) -> PaymentState:
        """Ask for the payment's status; once paid, fetch the sale the payment recorded."""
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
            self.record_sale()
        elif payment.status in FAILED:
            self.state.status = "failed"
            self.state.message = vm.t("pay.failed", reason=payment.failure_reason or payment.status)
            vm.changed("pay")
        return self.state

    def record_sale(self) -> PaymentState:
        """The paid checkout's sale (recorded by the backend with the payment); if the backend cannot be
        reached now, the kiosk keeps it in the outbox and asks for it once it is back."""
        vm = self.vm
        client_id = self.state.client_id
        assert client_id is not None
        self.state.status = "recording"
        try:
            order = vm.client.orders.kiosk_sale(client_id)
        except sdk.NetworkError:
            vm.outbox.enqueue(
                "kiosk_sale", "POST", f"/pos/kiosk-checkouts/{client_id}/sale", None, key=client_id
            )
            vm.went_offline()
            self.state.status = "queued"
            self.state.message = vm.t("pay.queued")
            vm.receipt.queued({"client_id": client_id, "amount": self.state.amount})
            vm.go("receipt")
            return self.state
        return self._done(order)

    def _done(self, order: Order) -> PaymentState:
        vm = self.vm
        self.state.status, self.state.order, self.state.amount = "done", order, order.total
        vm.receipt.show(order)
        vm.go("receipt")
        return self.state

    def cancel(self) -> None:
        """Leave the payment: an unpaid checkout is closed, its QR, held coupons and stored value given
        back."""
        vm, state = self.vm, self.state
        if state.status in ("waiting", "failed") and state.client_id and vm.online:
            with contextlib.suppress(sdk.RetailError):
                vm.client.orders.cancel_kiosk_checkout(state.client_id)
        self.reset()

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

    def rows(self, limit: int = 8) -> list[str]:
        """The sale's lines for the screen: name, quantity or weight × price, line total."""
        if self.receipt is None:
            return []
        vm = self.vm
        out = []
        for ln in self.receipt.lines:
            specs = dict(ln.get("specs") or {})
            amount = amount_line(ln, specs, vm.lang != "en").strip()
            out.append(f"{vm.pick(ln['name_zh'], ln.get('name_en'))}   {amount}   ¥{yuan(ln['line_total'])}")
        if len(out) > limit:
            out = [*out[: limit - 1], "…"]
        return out

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
        if match.embedded is not None:
            self._label_price(code)
        self.message = None
        vm.changed("price")
        return self.result

    def _label_price(self, code: str) -> None:
        """A scale label is priced as the checkout would charge that pack (weight × price per kg)."""
        vm = self.vm
        assert self.result is not None
        try:
            priced = vm.client.orders.price_kiosk_basket(uuid.uuid4().hex, [{"barcode": code, "quantity": 1}])
        except sdk.NetworkError:
            vm.went_offline()
            return
        except sdk.RetailError:
            return
        line = priced.lines[0]
        self.result.spec = vm.checkout.line_detail(line)
        self.result.price = self.result.base_price = line.line_total

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
        if self.payment.state.status in ("paid", "recording"):
            return False
        # A shown QR gets longer: the shopper may be fumbling with their phone.
        waiting = self.payment.state.status == "waiting"
        if self.idle_for() < self.idle_timeout_s * (PAYMENT_IDLE_FACTOR if waiting else 1):
            return False
        self.reset()
        return True

    def reset(self) -> None:
        """End the shopper's session: cart, member, payment and receipt are forgotten."""
        old = self.session_id
        self.payment.cancel()
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
        """Replay what was queued while offline, each exactly once (the client ids are the keys); a sale
        the shopper is still waiting for on the receipt screen is shown when it comes back."""
        if not self.outbox.pending():
            return None
        with self._lock:
            report = self.outbox.flush(self.client)
        if report.stopped_by == "network":
            self.went_offline()
        waiting = self.receipt.pending_sale
        if waiting is not None:
            for item in self.outbox.done():
                if item.key == waiting.get("client_id") and isinstance(item.result, dict):
                    order = Order.model_validate(item.result)
                    self.payment.state.status, self.payment.state.order = "done", order
                    self.receipt.show(order)
                    break
        self.changed("sync")
        return report

    @property
    def pending_sales(self) -> int:
        return len(self.outbox.pending())
