"""Checkout: pickup at the chosen store at a time slot, same-city delivery to an address, or shipping.
The placed order is then paid on its own screen (``OrderVM.start_payment``)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apps.shopper.viewmodels.base import ViewModel
from backend.members.schemas import LoyaltyConfig, Wallet
from backend.orders.schemas import Order
from backend.stores.hours import open_through
from backend.stores.schemas import Store
from shared.sdk import AsyncClient
from shared.sdk.base import Call, Resource, idempotency_key

# Pickup slots are half-hour windows (backend.orders.checkout.SLOT_MINUTES) within opening hours.
SLOT_MINUTES = 30
# The store needs this long to pick an order before the first slot offered.
PICK_LEAD = timedelta(minutes=30)
SLOT_DAYS = 3
PHONE = re.compile(r"^1[3-9]\d{9}$")
FULFILMENTS = ("pickup", "delivery", "shipping")


def pickup_slots(store: Store, now: datetime, days: int = SLOT_DAYS) -> list[datetime]:
    """Starts (UTC) of the half-hour slots within the store's opening hours, from ``now`` + lead time."""
    step = timedelta(minutes=SLOT_MINUTES)
    earliest = (now + PICK_LEAD).astimezone(ZoneInfo(store.timezone))
    cursor = earliest.replace(minute=0, second=0, microsecond=0)
    while cursor < earliest:
        cursor += step
    last_day = earliest.date() + timedelta(days=days)
    slots: list[datetime] = []
    while cursor.date() < last_day:
        end = cursor + step
        if open_through(store.opening_hours or {}, cursor, end):
            slots.append(cursor.astimezone(UTC))
        cursor = end
    return slots


class LoyaltyCalls(Resource):
    """How points pay (``GET /members/loyalty``), in the SDK's ``Call`` form."""

    def config(self):  # type: ignore[no-untyped-def]
        return self._call(Call("GET", "/members/loyalty", model=LoyaltyConfig, auth=False))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


class CheckoutVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store: Store | None = None
        self.fulfilment = "pickup"
        self.slots: list[datetime] = []
        self.slot: datetime | None = None
        self.contact_name = ""
        self.phone = ""
        self.address = ""
        self.latitude: float | None = None
        self.longitude: float | None = None
        self.note = ""
        self.wallet: Wallet | None = None
        self.loyalty: LoyaltyConfig | None = None
        self.loyalty_calls = LoyaltyCalls(client.run)
        self.goods_total = 0
        self.use_points = False
        self.use_stored_value = False
        self.order: Order | None = None
        self._key = idempotency_key()

    # --- setting up

    async def start(self, store: Store, goods_total: int, now: datetime | None = None) -> None:
        """A new checkout at ``store`` of goods worth ``goods_total`` after discounts: the first free
        pickup slot, the member's balances and how far points may pay."""
        self.store, self.goods_total = store, goods_total
        self.use_points = self.use_stored_value = False
        self.slots = pickup_slots(store, now or datetime.now(UTC))
        self.slot = self.slots[0] if self.slots else None
        self.order, self._key = None, idempotency_key()
        self.error = None
        self.wallet = await self._run(self.client.members.wallet())
        self.loyalty = await self._run(self.loyalty_calls.config())
        self.notify()

    def toggle_points(self, on: bool) -> None:
        self.use_points = on and self.points_cap > 0
        self.notify()

    def toggle_stored_value(self, on: bool) -> None:
        self.use_stored_value = on and bool(self.wallet and self.wallet.stored_value > 0)
        self.notify()

    def choose(self, fulfilment: str) -> None:
        if fulfilment in FULFILMENTS:
            self.fulfilment = fulfilment
            self.error = None
            self.notify()

    def choose_slot(self, start: datetime) -> None:
        self.slot = start
        self.notify()

    def set_address(
        self, contact_name: str, phone: str, text: str, latitude: float, longitude: float
    ) -> None:
        self.contact_name, self.phone, self.address = contact_name, phone, text
        self.latitude, self.longitude = latitude, longitude
        self.notify()

    # --- what the screen shows

    @property
    def delivery_distance_m(self) -> int | None:
        if self.store is None or self.latitude is None or self.longitude is None:
            return None
        return int(haversine_m(self.store.latitude, self.store.longitude, self.latitude, self.longitude))

    @property
    def delivery_fee(self) -> int | None:
        """The store's same-city fee for the address (None: it does not deliver that far)."""
        distance = self.delivery_distance_m
        store = self.store
        if store is None or distance is None:
            return None
        if not store.delivery_enabled or distance > store.delivery_radius_m:
            return None
        started_km = -(-distance // 1000)
        return store.delivery_base_fee + store.delivery_fee_per_km * max(0, started_km - 1)

    @property
    def order_total(self) -> int:
        fee = self.delivery_fee if self.fulfilment == "delivery" else 0
        return self.goods_total + (fee or 0)

    @property
    def points_cap(self) -> int:
        """The most (in fen) the member's points may pay of this order: their value, at most the allowed
        share of the total, a whole number of points."""
        wallet, rules = self.wallet, self.loyalty
        if wallet is None or rules is None or wallet.points <= 0:
            return 0
        cap = min(
            wallet.points * 100 // rules.redeem_points_per_yuan,
            self.order_total * rules.redeem_max_bp // 10_000,
        )
        while cap > 0 and (cap * rules.redeem_points_per_yuan) % 100:
            cap -= 1
        return cap

    @property
    def points_cap_points(self) -> int:
        return self.points_cap * self.loyalty.redeem_points_per_yuan // 100 if self.loyalty else 0

    @property
    def points_amount(self) -> int:
        return self.points_cap if self.use_points else 0

    @property
    def points_used(self) -> int:
        return self.points_amount * self.loyalty.redeem_points_per_yuan // 100 if self.loyalty else 0

    @property
    def stored_value_amount(self) -> int:
        if not self.use_stored_value or self.wallet is None:
            return 0
        return max(0, min(self.wallet.stored_value, self.order_total - self.points_amount))

    @property
    def due(self) -> int:
        """What is left to pay through the payment gateway."""
        return max(0, self.order_total - self.points_amount - self.stored_value_amount)

    def problem(self) -> str | None:
        """What is missing before the order can be placed (an i18n key), or None."""
        if self.store is None:
            return "checkout.need_store"
        if self.fulfilment == "pickup" and self.slot is None:
            return "checkout.need_slot"
        if self.fulfilment in ("delivery", "shipping"):
            if len(self.contact_name.strip()) < 1 or not PHONE.match(self.phone.strip()):
                return "checkout.need_contact"
            if len(self.address.strip()) < 2:
                return "checkout.need_address"
        if self.fulfilment == "delivery" and self.delivery_fee is None:
            return "checkout.too_far"
        return None

    # --- placing and paying

    async def place(self) -> bool:
        problem = self.problem()
        if problem:
            self.error = problem
            self.notify()
            return False
        assert self.store is not None
        address = None
        if self.fulfilment != "pickup":
            address = {
                "contact_name": self.contact_name.strip(),
                "phone": self.phone.strip(),
                "text": self.address.strip(),
                "latitude": self.latitude,
                "longitude": self.longitude,
            }
        self.order = await self._run(
            self.client.orders.place(
                self.fulfilment,
                store_id=self.store.id,
                address=address,
                pickup_slot_start=self.slot if self.fulfilment == "pickup" else None,
                note=self.note.strip() or None,
                idempotency_key=self._key,
                points_amount=self.points_amount,
                stored_value=self.stored_value_amount,
            )
        )
        self.notify()
        return self.order is not None
