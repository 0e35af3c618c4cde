"""The shopper's orders: the list, and one order followed live (status pushed over the WebSocket),
its pickup code and QR, cancelling, and choosing what to return."""

from __future__ import annotations

import asyncio
import contextlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PIL import Image, UnidentifiedImageError

from apps.shopper.viewmodels.base import ViewModel
from backend.aftersales.schemas import ReturnRequest
from backend.orders.schemas import (
    Order,
    OrderEventOut,
    OrderLineOut,
    OrderRating,
    OrderSummary,
    PaymentStart,
    PickupCode,
)
from shared.errors import RetailError
from shared.sdk import AsyncClient
from shared.sdk.base import idempotency_key
from shared.sdk.realtime import subscribe

# Orders a shopper may still cancel in the app (the backend refuses later states).
CANCELLABLE = ("pending_payment", "paid")
# Order states whose goods the shopper has (a return can be asked for).
RECEIVED = ("completed", "partially_refunded")
ACTIVE = ("pending_payment", "paid", "picking", "ready_for_pickup", "out_for_delivery", "shipped")
# Orders the shopper has received and may rate.
RATABLE = ("completed", "partially_refunded")
# Photos sent with a return request: how many, how large, which kinds (the backend checks them again).
MAX_PHOTOS = 3
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# Return requests still holding their units (the store has not refunded or refused them yet).
OPEN_REQUESTS = ("pending", "approved")
# The order of the progress steps shown for each way of getting the goods.
STEPS = {
    "pickup": ("paid", "picking", "ready_for_pickup", "completed"),
    "delivery": ("paid", "picking", "out_for_delivery", "completed"),
    "shipping": ("paid", "picking", "shipped", "completed"),
}


@dataclass(frozen=True)
class ReturnPhoto:
    """A picture the shopper picked for a return request, already decoded once to be sure it is one."""

    name: str
    data: bytes
    content_type: str
    width: int
    height: int


def read_photo(name: str, data: bytes) -> ReturnPhoto | str:
    """The photo, or the i18n key of why it cannot be sent (too large, not a picture)."""
    if len(data) > PHOTO_MAX_BYTES:
        return "return.photo_too_large"
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            probe.verify()
        with Image.open(io.BytesIO(data)) as full:
            full.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "return.photo_invalid"
    if kind not in PHOTO_TYPES:
        return "return.photo_invalid"
    return ReturnPhoto(name or "photo", data, PHOTO_TYPES[kind], width, height)


class OrdersVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.orders: list[OrderSummary] = []
        self.loaded = False

    async def load(self) -> None:
        found = await self._run(self.client.orders.list(limit=50))
        if found is not None:
            self.orders, self.loaded = found, True
        self.notify()

    @property
    def active(self) -> list[OrderSummary]:
        return [o for o in self.orders if o.status in ACTIVE]

    @property
    def past(self) -> list[OrderSummary]:
        return [o for o in self.orders if o.status not in ACTIVE]


class OrderVM(ViewModel):
    """One order. ``watch()`` follows it live until ``stop()``: every pushed change reloads it."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.order: Order | None = None
        self.events: list[OrderEventOut] = []
        self.pickup: PickupCode | None = None
        self.return_window_days: int | None = None
        self.returning: dict[int, int] = {}
        self.return_reason = "no_reason"
        self.requests: list[ReturnRequest] = []
        self.payment: PaymentStart | None = None
        self.payment_pending = False  # the shopper was sent to the pay page and has not come back paid
        self.photos: list[ReturnPhoto] = []
        self.rating: OrderRating | None = None
        self.stars = 0
        self.comment = ""
        self.live = False
        self._task: asyncio.Task[None] | None = None

    async def load(self, order_id: int) -> None:
        if self.order is not None and self.order.id != order_id:
            await self.stop()
            self.order, self.events, self.pickup, self.returning = None, [], None, {}
            self.photos, self.rating, self.stars, self.comment = [], None, 0, ""
        await self.reload(order_id)

    async def reload(self, order_id: int | None = None) -> None:
        wanted = order_id or (self.order.id if self.order else None)
        if wanted is None:
            return
        order = await self._run(self.client.orders.get(wanted))
        if order is None:
            self.notify()
            return
        # Everything the screen shows is fetched first and shown in one render, so a control the
        # shopper is about to tap is not rebuilt under the tap call after call.
        events = await self._quiet(self.client.orders.events(wanted))
        pickup = None
        if order.fulfilment == "pickup" and order.status in ("paid", "picking", "ready_for_pickup"):
            pickup = await self._quiet(self.client.orders.pickup_code(wanted))
        requests = self.requests if self.order is not None and self.order.id == wanted else []
        if order.status in RECEIVED:
            if self.return_window_days is None:
                policy = await self._quiet(self.client.orders.return_policy())
                self.return_window_days = policy.window_days if policy else None
            mine = await self._quiet(self.client.aftersales.mine()) or []
            requests = [r for r in mine if r.order_id == wanted]
        rating = await self._quiet(self.client.orders.rating(wanted)) if order.status in RATABLE else None
        self.order, self.pickup, self.requests, self.rating = order, pickup, requests, rating
        self.events = events if events is not None else self.events
        self.notify()

    async def _quiet(self, action):  # type: ignore[no-untyped-def]
        """A call whose failure is not the shopper's concern (the screen just shows less)."""
        try:
            return await action
        except RetailError:
            return None

    # --- live status

    def watch(self, base_url: str | None = None) -> None:
        """Start following the order's events (needs a running event loop); a second call does nothing.

        ``base_url``: the backend's address for the WebSocket when the SDK's HTTP client does not go over
        the network (the web build talks to its backend in-process).
        """
        if self.order is None or (self._task is not None and not self._task.done()):
            return
        base = base_url or str(self.client.http.base_url)
        self._task = asyncio.get_running_loop().create_task(self._follow(self.order.id, base))

    async def _follow(self, order_id: int, base: str) -> None:
        self.live = True
        self.notify()
        try:
            async for _event in subscribe(base, self.client.tokens, [f"order:{order_id}"]):
                if self.order is None or self.order.id != order_id:
                    return
                await self.reload(order_id)
        except RetailError:
            pass
        finally:
            self.live = False

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.live = False

    # --- what the screen shows

    @property
    def steps(self) -> tuple[str, ...]:
        return STEPS.get(self.order.fulfilment, STEPS["pickup"]) if self.order else ()

    @property
    def step_index(self) -> int:
        """How far along the steps the order is (-1: not paid yet, or cancelled)."""
        if self.order is None:
            return -1
        status = "completed" if self.order.status in RECEIVED + ("refunded",) else self.order.status
        return self.steps.index(status) if status in self.steps else -1

    @property
    def can_cancel(self) -> bool:
        return self.order is not None and self.order.status in CANCELLABLE

    @property
    def can_pay(self) -> bool:
        return self.order is not None and self.order.status == "pending_payment"

    @property
    def can_return(self) -> bool:
        order = self.order
        if order is None or order.status not in RECEIVED or not self.returnable_lines:
            return False
        if order.completed_at is None or self.return_window_days is None:
            return order.completed_at is not None
        done = order.completed_at if order.completed_at.tzinfo else order.completed_at.replace(tzinfo=UTC)
        return datetime.now(UTC) <= done + timedelta(days=self.return_window_days)

    @property
    def returnable_lines(self) -> list[OrderLineOut]:
        if self.order is None:
            return []
        return [ln for ln in self.order.lines if self.returnable(ln) > 0]

    def returnable(self, line: OrderLineOut) -> int:
        """Units of the line the shopper has and has not yet asked to return."""
        asked = sum(
            rl.quantity
            for r in self.requests
            if r.status in OPEN_REQUESTS
            for rl in r.lines
            if rl.order_line_id == line.id
        )
        return line.quantity - line.short_qty - line.returned_qty - asked

    # --- actions

    async def cancel(self, reason: str = "shopper cancelled") -> bool:
        if self.order is None:
            return False
        order = await self._run(self.client.orders.cancel(self.order.id, reason))
        if order is not None:
            await self.reload(order.id)
        return order is not None

    async def start_payment(self) -> str | None:
        """Open the gateway payment; returns the pay page the shopper confirms on (None: paid in-app)."""
        if not self.can_pay or self.order is None:
            return None
        self.payment = await self._run(self.client.orders.start_payment(self.order.id))
        if self.payment is not None and self.payment.provider == "none":
            await self._run(self.client.orders.pay(self.order.id))
            await self.reload()
            return None
        self.payment_pending = self.payment is not None and bool(self.payment.pay_url)
        self.notify()
        return self.payment.pay_url if self.payment else None

    async def check_payment(self) -> bool:
        """Ask the gateway now (instead of waiting for its notification); True once the order is paid."""
        if self.order is None:
            return False
        if self.payment is not None and self.payment.payment_id:
            await self._run(self.client.payments.sync(int(self.payment.payment_id)))
        await self.reload()
        paid = not self.can_pay
        self.payment_pending = not paid and self.payment is not None
        if not paid:
            self.error = "order.not_paid_yet"
        self.notify()
        return paid

    def toggle_return(self, line_id: int) -> None:
        """Add a line to the return (all its returnable units) or take it out."""
        line = next((ln for ln in self.returnable_lines if ln.id == line_id), None)
        if line is None:
            return
        if line_id in self.returning:
            del self.returning[line_id]
        else:
            self.returning[line_id] = self.returnable(line)
        self.notify()

    def add_photo(self, name: str, data: bytes) -> bool:
        """Add a picture of the goods to the return (checked by decoding it); False with ``error`` if not."""
        if len(self.photos) >= MAX_PHOTOS:
            self.error = "return.photo_too_many"
            self.notify()
            return False
        photo = read_photo(name, data)
        if isinstance(photo, str):
            self.error = photo
            self.notify()
            return False
        self.photos.append(photo)
        self.error = None
        self.notify()
        return True

    def remove_photo(self, index: int) -> None:
        if 0 <= index < len(self.photos):
            del self.photos[index]
            self.notify()

    async def submit_return(self, reason_code: str | None = None, reason: str = "") -> bool:
        """Ask to return the chosen units with the picked photos (no-reason returns within the window are
        approved at once)."""
        if self.order is None or not self.returning:
            return False
        lines = [{"order_line_id": line_id, "quantity": qty} for line_id, qty in self.returning.items()]
        made = await self._run(
            self.client.aftersales.request(
                self.order.id,
                reason_code or self.return_reason,
                lines,
                reason=reason,
                client_ref=idempotency_key(),
            )
        )
        if made is None:
            return False
        sent = True
        for photo in self.photos:
            stored = await self._run(
                self.client.aftersales.add_photo(made.id, photo.data, photo.name, photo.content_type)
            )
            sent = sent and stored is not None
        failed = self.error
        self.returning = {}
        if sent:
            self.photos = []
        await self.reload()
        self.error = self.error or failed
        self.notify()
        return True

    # --- rating

    @property
    def can_rate(self) -> bool:
        return self.order is not None and self.order.status in RATABLE and self.rating is None

    def set_stars(self, stars: int) -> None:
        self.stars = max(0, min(5, stars))
        self.notify()

    def set_comment(self, text: str) -> None:
        self.comment = text[:500]

    async def rate(self) -> bool:
        """Send the stars and comment (once per order)."""
        if not self.can_rate or self.order is None:
            return False
        if not 1 <= self.stars <= 5:
            self.error = "rating.need_stars"
            self.notify()
            return False
        made = await self._run(self.client.orders.rate(self.order.id, self.stars, self.comment.strip()))
        if made is not None:
            self.rating, self.stars, self.comment = made, 0, ""
        self.notify()
        return made is not None

    @property
    def refund_estimate(self) -> int:
        """What the chosen units paid (their share of the line after discounts)."""
        if self.order is None:
            return 0
        total = 0
        for line in self.order.lines:
            units = self.returning.get(line.id, 0)
            if units and line.quantity:
                total += line.line_total * units // line.quantity
        return total
