"""Booking a service at the chosen store: the services offered, free times, booking, rescheduling and
cancelling (a late cancellation may carry the service's fee)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from apps.shopper.viewmodels.base import ViewModel
from backend.appointments.schemas import Booking, Offering, Slot
from backend.catalog.schemas import ProductSummary
from shared.sdk import AsyncClient
from shared.sdk.base import idempotency_key

SLOT_DAYS = 7


@dataclass(frozen=True)
class Service:
    """A bookable service: the offering (duration, cancellation terms) and the product it sells."""

    offering: Offering
    product: ProductSummary
    price: int | None


class ServicesVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.services: list[Service] = []
        self.bookings: list[Booking] = []
        self.chosen: Service | None = None
        self.slots: list[Slot] = []
        self.day: date | None = None
        self.slot: datetime | None = None
        self.rescheduling: Booking | None = None
        self.booked: Booking | None = None

    async def load(self, store_id: int | None) -> None:
        self.store_id = store_id
        offerings = await self._run(self.client.appointments.offerings()) or []
        products = await self._run(
            self.client.catalog.products(kind="service", store_id=store_id, page_size=100)
        )
        services: list[Service] = []
        if products is not None:
            by_sku: dict[int, Offering] = {o.sku_id: o for o in offerings if o.active}
            for summary in products.items:
                detail = await self._run(self.client.catalog.product(summary.id, store_id))
                for sku in detail.skus if detail else []:
                    if sku.id in by_sku:
                        price = sku.price if sku.price is not None else sku.base_price
                        services.append(Service(by_sku[sku.id], summary, price))
        # Both lists land in the same render, so the buttons on screen are not replaced under a tap.
        bookings = await self._run(self.client.appointments.mine()) or []
        self.services, self.bookings = services, bookings
        self.notify()

    def name_of(self, sku_id: int) -> ProductSummary | None:
        return next((s.product for s in self.services if s.offering.sku_id == sku_id), None)

    async def choose(self, sku_id: int, day: date | None = None) -> None:
        """Pick a service and look up its free times at the store."""
        self.chosen = next((s for s in self.services if s.offering.sku_id == sku_id), None)
        self.booked = None
        await self.find_slots(day)

    async def find_slots(self, day: date | None = None) -> None:
        if self.chosen is None:
            return
        start = day or datetime.now(UTC).date()
        found = await self._run(
            self.client.appointments.slots(
                self.chosen.offering.sku_id, start, start + timedelta(days=SLOT_DAYS), store_id=self.store_id
            )
        )
        now = datetime.now(UTC)
        self.slots = [s for s in found or [] if _aware(s.start) > now]
        self.day, self.slot = start, None
        self.notify()

    @property
    def days(self) -> list[date]:
        """The dates that have a free slot (local to the slot's own offset)."""
        seen: list[date] = []
        for slot in self.slots:
            d = slot.start.date()
            if d not in seen:
                seen.append(d)
        return seen

    def pick(self, start: datetime) -> None:
        self.slot = start
        self.notify()

    async def book(self, start: datetime | None = None) -> bool:
        """Book (or move the booking being rescheduled to) ``start``, else the picked slot."""
        start = start or self.slot
        if self.chosen is None or start is None:
            return False
        if self.rescheduling is not None:
            moved = await self._run(self.client.appointments.reschedule(self.rescheduling.id, start))
            if moved is not None:
                self.booked, self.rescheduling = moved, None
        else:
            self.booked = await self._run(
                self.client.appointments.book(
                    self.chosen.offering.sku_id,
                    start,
                    store_id=self.store_id,
                    client_ref=idempotency_key(),
                )
            )
        if self.booked is not None:
            self.bookings = await self._run(self.client.appointments.mine()) or self.bookings
        self.notify()
        return self.booked is not None

    async def reschedule(self, booking_id: int) -> None:
        """Start moving a booking: its service's free times are shown, the next ``book`` moves it."""
        booking = next((b for b in self.bookings if b.id == booking_id), None)
        if booking is None:
            return
        self.rescheduling = booking
        await self.choose(booking.sku_id)

    async def cancel(self, booking_id: int) -> bool:
        cancelled = await self._run(self.client.appointments.cancel(booking_id))
        if cancelled is not None:
            self.bookings = await self._run(self.client.appointments.mine()) or []
        self.notify()
        return cancelled is not None

    @property
    def upcoming(self) -> list[Booking]:
        now = datetime.now(UTC)
        return [
            b
            for b in self.bookings
            if b.status not in ("cancelled", "completed", "no_show") and _aware(b.end_at) > now
        ]

    def cancel_fee(self, booking: Booking) -> int:
        """The fee a cancellation now would carry (0 while free cancellation lasts)."""
        service = next((s for s in self.services if s.offering.sku_id == booking.sku_id), None)
        if service is None:
            return booking.cancel_fee
        free_until = _aware(booking.start_at) - timedelta(hours=service.offering.free_cancel_hours)
        return 0 if datetime.now(UTC) <= free_until else service.offering.cancel_fee


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
