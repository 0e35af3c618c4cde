from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from backend.appointments.enums import LocationType
from backend.core.schemas import Fen, Schema

HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class OfferingCreate(Schema):
    sku_id: int = Field(gt=0)
    duration_min: int = Field(ge=5, le=24 * 60)
    buffer_min: int = Field(default=0, ge=0, le=240)
    travel_min: int = Field(default=0, ge=0, le=240)
    location_type: LocationType = LocationType.IN_STORE
    required_skill: Skill | None = None
    service_radius_m: int | None = Field(default=None, gt=0, le=200_000)
    free_cancel_hours: int = Field(default=24, ge=0, le=24 * 14)
    cancel_fee: Fen = 0
    included_m2: int | None = Field(default=None, ge=0, le=10_000)
    max_m2: int | None = Field(default=None, gt=0, le=10_000)
    price_per_m2: Fen = 0
    minutes_per_10m2: int = Field(default=0, ge=0, le=240)

    @model_validator(mode="after")
    def _area(self) -> OfferingCreate:
        if self.included_m2 is not None and self.max_m2 is not None and self.max_m2 < self.included_m2:
            raise ValueError("max_m2 must not be below included_m2")
        if self.included_m2 is None and (self.price_per_m2 or self.minutes_per_10m2):
            raise ValueError("per-m² price and minutes need included_m2")
        return self


class Offering(Schema):
    id: int
    sku_id: int
    duration_min: int
    buffer_min: int
    travel_min: int
    location_type: str
    required_skill: str | None
    service_radius_m: int | None
    free_cancel_hours: int
    cancel_fee: int
    included_m2: int | None
    max_m2: int | None
    price_per_m2: int
    minutes_per_10m2: int
    active: bool


class Quote(Schema):
    sku_id: int
    store_id: int | None
    area_m2: int | None
    price: int
    duration_min: int
    extra_m2: int


class TechnicianCreate(Schema):
    staff_id: int = Field(gt=0)
    home_store_id: int = Field(gt=0)
    skills: list[Skill] = Field(default_factory=list, max_length=30)
    capacity: int = Field(default=1, ge=1, le=10)


class TechnicianUpdate(Schema):
    skills: list[Skill] | None = Field(default=None, max_length=30)
    capacity: int | None = Field(default=None, ge=1, le=10)
    active: bool | None = None


class Technician(Schema):
    staff_id: int
    home_store_id: int
    skills: list[str]
    capacity: int
    active: bool


class ShiftCreate(Schema):
    local_date: date
    start: HHMM
    end: HHMM
    breaks: list[tuple[HHMM, HHMM]] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _ordered(self) -> ShiftCreate:
        if self.start >= self.end:
            raise ValueError("the shift must end after it starts")
        for b_start, b_end in self.breaks:
            if not (self.start <= b_start < b_end <= self.end):
                raise ValueError("each break must lie inside the shift and end after it starts")
        return self


class Shift(Schema):
    id: int
    technician_id: int
    local_date: date
    start: str
    end: str
    breaks: list[list[str]]


class DayOffCreate(Schema):
    local_date: date
    reason: str = Field(default="", max_length=60)


class DayOff(Schema):
    id: int
    technician_id: int
    local_date: date
    reason: str


class Schedule(Schema):
    technician_id: int
    shifts: list[Shift]
    days_off: list[DayOff]


class Slot(Schema):
    start: datetime
    technician_ids: list[int]


class BookingCreate(Schema):
    sku_id: int = Field(gt=0)
    start_at: AwareDatetime
    store_id: int | None = Field(default=None, gt=0)
    technician_id: int | None = Field(default=None, gt=0)
    area_m2: int | None = Field(default=None, gt=0, le=10_000)
    address: str | None = Field(default=None, min_length=2, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    client_ref: str | None = Field(default=None, min_length=8, max_length=64)


class Reschedule(Schema):
    start_at: AwareDatetime
    technician_id: int | None = Field(default=None, gt=0)


class Booking(Schema):
    id: int
    member_id: int
    sku_id: int
    store_id: int
    technician_id: int
    status: str
    start_at: datetime
    end_at: datetime
    occupied_from: datetime
    occupied_until: datetime
    price: int
    area_m2: int | None
    paid_amount: int
    refunded_amount: int
    paid_at: datetime | None
    address: str | None
    cancel_fee: int
    cancelled_at: datetime | None


class StaffCancel(Schema):
    reason: str = Field(min_length=2, max_length=120)


class WorkOrderCreate(Schema):
    booking_id: int = Field(gt=0)
    diagnosis: str = Field(default="", max_length=500)


class PartIn(Schema):
    sku_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=999)


class QuoteCreate(Schema):
    labour: Fen
    parts: list[PartIn] = Field(default_factory=list, max_length=30)
    diagnosis: str | None = Field(default=None, max_length=500)


class WorkOrderPart(Schema):
    sku_id: int
    name_zh: str
    quantity: int
    unit_price: int
    amount: int


class WorkOrderPhoto(Schema):
    id: int
    stage: str
    content_type: str
    byte_size: int
    width: int
    height: int
    created_at: datetime


class RatingCreate(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class WorkOrder(Schema):
    id: int
    booking_id: int
    member_id: int
    store_id: int
    technician_id: int
    status: str
    diagnosis: str
    labour: int
    parts_total: int
    total: int
    paid_amount: int
    quoted_at: datetime | None
    confirmed_at: datetime | None
    paid_at: datetime | None
    completed_at: datetime | None
    rating: int | None
    rating_comment: str | None
    parts: list[WorkOrderPart] = Field(default_factory=list)
    photos: list[WorkOrderPhoto] = Field(default_factory=list)
