"""Bookable services: offerings, technicians, shifts, free slots and bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.appointments.schemas import (
    Booking,
    DayOff,
    Offering,
    Quote,
    Schedule,
    Shift,
    Slot,
    Technician,
    WorkOrder,
    WorkOrderPhoto,
)
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
        area_m2: int | None = None,
    ) -> list[Slot]:
        params = {
            "area_m2": area_m2,
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

    def quote(self, sku_id: int, store_id: int | None = None, area_m2: int | None = None) -> Quote:
        """Price and duration of a service spec at a store (and area, for area-priced services)."""
        params = {"sku_id": sku_id, "store_id": store_id, "area_m2": area_m2}
        return self._call(Call("GET", f"{_P}/quote", params=params, model=Quote, auth=False))

    def update_technician(self, technician_id: int, **fields: Any) -> Technician:
        """Change ``skills``, ``capacity`` or ``active``."""
        return self._call(Call("PATCH", f"{_P}/technicians/{technician_id}", json=fields, model=Technician))

    def schedule(self, technician_id: int, date_from: date, date_to: date) -> Schedule:
        params = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
        return self._call(
            Call("GET", f"{_P}/technicians/{technician_id}/schedule", params=params, model=Schedule)
        )

    def remove_shift(self, technician_id: int, shift_id: int) -> None:
        return self._call(
            Call("DELETE", f"{_P}/technicians/{technician_id}/shifts/{shift_id}", expect_empty=True)
        )

    def staff_cancel(self, booking_id: int, reason: str) -> Booking:
        body = {"reason": reason}
        return self._call(Call("POST", f"{_P}/bookings/{booking_id}/staff-cancel", json=body, model=Booking))

    def open_work_order(self, booking_id: int, diagnosis: str = "") -> WorkOrder:
        body = {"booking_id": booking_id, "diagnosis": diagnosis}
        return self._call(Call("POST", f"{_P}/work-orders", json=body, model=WorkOrder))

    def work_order(self, work_order_id: int) -> WorkOrder:
        return self._call(Call("GET", f"{_P}/work-orders/{work_order_id}", model=WorkOrder))

    def quote_work(
        self,
        work_order_id: int,
        labour: int,
        parts: list[tuple[int, int]] = (),
        diagnosis: str | None = None,  # type: ignore[assignment]
    ) -> WorkOrder:
        """The technician's quote: labour in fen and parts as (sku_id, quantity)."""
        body = {
            "labour": labour,
            "parts": [{"sku_id": s, "quantity": q} for s, q in parts],
            "diagnosis": diagnosis,
        }
        return self._call(Call("POST", f"{_P}/work-orders/{work_order_id}/quote", json=body, model=WorkOrder))

    def confirm_work(self, work_order_id: int) -> WorkOrder:
        return self._call(Call("POST", f"{_P}/work-orders/{work_order_id}/confirm", model=WorkOrder))

    def add_work_photo(
        self,
        work_order_id: int,
        stage: str,
        data: bytes,
        filename: str = "photo.jpg",
        content_type: str = "image/jpeg",
    ) -> WorkOrderPhoto:
        files = {"file": (filename, data, content_type)}
        return self._call(
            Call(
                "POST",
                f"{_P}/work-orders/{work_order_id}/photos",
                params={"stage": stage},
                files=files,
                model=WorkOrderPhoto,
            )
        )

    def complete_work(self, work_order_id: int) -> WorkOrder:
        return self._call(Call("POST", f"{_P}/work-orders/{work_order_id}/complete", model=WorkOrder))

    def rate_work(self, work_order_id: int, rating: int, comment: str = "") -> WorkOrder:
        body = {"rating": rating, "comment": comment}
        return self._call(
            Call("POST", f"{_P}/work-orders/{work_order_id}/rating", json=body, model=WorkOrder)
        )
