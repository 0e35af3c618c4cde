"""Bookable services: offerings, technicians, shifts, free slots and bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.appointments.schemas import Booking, DayOff, Offering, Shift, Slot, Technician
from shared.sdk.base import Call, Resource

_P = "/appointments"


class AppointmentsAPI(Resource):
    def offerings(self) -> list[Offering]:
        return self._call(Call("GET", f"{_P}/offerings", model=list[Offering], auth=False))

    def create_offering(self, sku_id: int, duration_min: int, **fields: Any) -> Offering:
        body = {"sku_id": sku_id, "duration_min": duration_min, **fields}
        return self._call(Call("POST", f"{_P}/offerings", json=body, model=Offering))

    def technicians(self) -> list[Technician]:
        """Technicians of the signed-in manager's stores."""
        return self._call(Call("GET", f"{_P}/technicians", model=list[Technician]))

    def create_technician(
        self, staff_id: int, home_store_id: int, skills: list[str] | None = None, capacity: int = 1
    ) -> Technician:
        body = {
            "staff_id": staff_id,
            "home_store_id": home_store_id,
            "skills": skills or [],
            "capacity": capacity,
        }
        return self._call(Call("POST", f"{_P}/technicians", json=body, model=Technician))

    def add_shift(
        self,
        technician_id: int,
        local_date: date,
        start: str,
        end: str,
        breaks: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ) -> Shift:
        body = {
            "local_date": local_date.isoformat(),
            "start": start,
            "end": end,
            "breaks": [list(b) for b in breaks],
        }
        return self._call(Call("POST", f"{_P}/technicians/{technician_id}/shifts", json=body, model=Shift))

    def add_day_off(self, technician_id: int, local_date: date, reason: str = "") -> DayOff:
        body = {"local_date": local_date.isoformat(), "reason": reason}
        return self._call(Call("POST", f"{_P}/technicians/{technician_id}/days-off", json=body, model=DayOff))

    def slots(
        self,
        sku_id: int,
        date_from: date,
        date_to: date,
        store_id: int | None = None,
        lat: float | None = None,
        lng: float | None = None,
        technician_id: int | None = None,
    ) -> list[Slot]:
        params = {
            "sku_id": sku_id,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "store_id": store_id,
            "lat": lat,
            "lng": lng,
            "technician_id": technician_id,
        }
        return self._call(Call("GET", f"{_P}/slots", params=params, model=list[Slot], auth=False))

    def book(self, sku_id: int, start_at: datetime, **fields: Any) -> Booking:
        """Book at a free time; pass ``technician_id`` to choose, ``client_ref`` to make a retry safe."""
        body = {"sku_id": sku_id, "start_at": start_at.isoformat(), **fields}
        return self._call(Call("POST", f"{_P}/bookings", json=body, model=Booking))

    def mine(self) -> list[Booking]:
        return self._call(Call("GET", f"{_P}/bookings/mine", model=list[Booking]))

    def store_bookings(self, store_id: int | None = None) -> list[Booking]:
        """Bookings of the signed-in staff member's stores, soonest first."""
        params = {"store_id": store_id}
        return self._call(Call("GET", f"{_P}/bookings", params=params, model=list[Booking]))

    def reschedule(self, booking_id: int, start_at: datetime, technician_id: int | None = None) -> Booking:
        body = {"start_at": start_at.isoformat(), "technician_id": technician_id}
        return self._call(Call("POST", f"{_P}/bookings/{booking_id}/reschedule", json=body, model=Booking))

    def cancel(self, booking_id: int) -> Booking:
        return self._call(Call("POST", f"{_P}/bookings/{booking_id}/cancel", model=Booking))
