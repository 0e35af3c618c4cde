"""The store's appointments for one local day, per technician, soonest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.staff.viewmodels.base import StaffViewModel
from backend.appointments.schemas import Booking
from shared.sdk import AsyncClient


class AppointmentsVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.tz = ZoneInfo("Asia/Shanghai")
        self.day: date | None = None
        self.bookings: list[Booking] = []
        self.technician_id: int | None = None

    def at_store(self, store_id: int | None, timezone: str = "Asia/Shanghai") -> None:
        if store_id != self.store_id:
            self.store_id, self.bookings = store_id, []
            self.tz = ZoneInfo(timezone)
            self.notify()

    def today(self) -> date:
        return datetime.now(self.tz).date()

    @property
    def shown(self) -> list[Booking]:
        """The day's bookings (one technician's when chosen), cancelled ones left out."""
        return [
            b
            for b in self.bookings
            if b.cancelled_at is None
            and (self.technician_id is None or b.technician_id == self.technician_id)
        ]

    async def load(self, day: date | None = None) -> bool:
        if self.store_id is None:
            return False
        self.day = day or self.day or self.today()
        begin = datetime.combine(self.day, time.min, self.tz)
        found = await self._run(self.client.appointments.store_bookings(self.store_id))
        if found is None:
            return False
        end = begin + timedelta(days=1)
        self.bookings = sorted(
            (b for b in found if begin <= b.start_at.astimezone(self.tz) < end), key=lambda b: b.start_at
        )
        self.notify()
        return True

    def only(self, technician_id: int | None) -> None:
        self.technician_id = technician_id
        self.notify()
