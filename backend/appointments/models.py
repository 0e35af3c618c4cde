"""Bookable services: offerings, technicians, shifts, bookings and the cells they occupy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.appointments.enums import BookingStatus, LocationType, WorkOrderStatus
from backend.core.db import Base, created_at, intpk, updated_at


class ServiceOffering(Base):
    """How a service SKU is delivered: its duration, buffer, place, skill and cancellation rule."""

    __tablename__ = "service_offerings"

    id: Mapped[intpk]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"), unique=True)
    duration_min: Mapped[int] = mapped_column(Integer)
    buffer_min: Mapped[int] = mapped_column(Integer, default=0)
    travel_min: Mapped[int] = mapped_column(Integer, default=0)
    location_type: Mapped[str] = mapped_column(String(12), default=LocationType.IN_STORE)
    required_skill: Mapped[str | None] = mapped_column(String(40))
    service_radius_m: Mapped[int | None] = mapped_column(Integer)
    free_cancel_hours: Mapped[int] = mapped_column(Integer, default=24)
    cancel_fee: Mapped[int] = mapped_column(Integer, default=0)
    # Area pricing: the SKU's price covers ``included_m2``; each m² above adds ``price_per_m2`` fen and
    # every started 10 m² adds ``minutes_per_10m2``; above ``max_m2`` the customer picks a bigger spec.
    included_m2: Mapped[int | None] = mapped_column(Integer)
    max_m2: Mapped[int | None] = mapped_column(Integer)
    price_per_m2: Mapped[int] = mapped_column(Integer, default=0)
    minutes_per_10m2: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class TechnicianProfile(Base):
    """A staff member with the technician role: home store, skills and concurrent capacity."""

    __tablename__ = "technician_profiles"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True)
    home_store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    skills: Mapped[list[Any]]
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]


class Shift(Base):
    """A technician's working window on a local date ("HH:MM" local times), with breaks."""

    __tablename__ = "technician_shifts"
    __table_args__ = (UniqueConstraint("technician_id", "local_date"),)

    id: Mapped[intpk]
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician_profiles.staff_id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    # [["12:00", "13:00"], ...]
    breaks: Mapped[list[Any]]
    created_at: Mapped[created_at]


class DayOff(Base):
    __tablename__ = "technician_days_off"
    __table_args__ = (UniqueConstraint("technician_id", "local_date"),)

    id: Mapped[intpk]
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician_profiles.staff_id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[created_at]


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("service_offerings.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician_profiles.staff_id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=BookingStatus.BOOKED, index=True)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    # The whole time the technician is held (travel and buffer included).
    occupied_from: Mapped[datetime]
    occupied_until: Mapped[datetime]
    price: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[int | None] = mapped_column(Integer)
    paid_amount: Mapped[int] = mapped_column(Integer, default=0)
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    payment_id: Mapped[int | None] = mapped_column(Integer)
    paid_at: Mapped[datetime | None]
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    cancel_fee: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None]
    client_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    __table_args__ = (UniqueConstraint("member_id", "client_ref"),)


class TechnicianSlot(Base):
    """A fixed-grain cell of a technician's time held by a booking; its unique key forbids double booking."""

    __tablename__ = "technician_slots"
    __table_args__ = (UniqueConstraint("technician_id", "seat", "slot_start"),)

    id: Mapped[intpk]
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician_profiles.staff_id", ondelete="CASCADE"))
    seat: Mapped[int] = mapped_column(Integer, default=0)
    slot_start: Mapped[datetime]
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)


class BookingReminder(Base):
    """A reminder due before a booking (a day and an hour ahead); ``sent_at`` once emitted."""

    __tablename__ = "booking_reminders"
    __table_args__ = (UniqueConstraint("booking_id", "kind"),)

    id: Mapped[intpk]
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]


class WorkOrder(Base):
    """The job on site for a booking: the technician's quote (labour and parts), payment, photos, rating."""

    __tablename__ = "work_orders"

    id: Mapped[intpk]
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technician_profiles.staff_id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=WorkOrderStatus.OPEN, index=True)
    diagnosis: Mapped[str] = mapped_column(String(500), default="")
    labour: Mapped[int] = mapped_column(Integer, default=0)
    parts_total: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    paid_amount: Mapped[int] = mapped_column(Integer, default=0)
    payment_id: Mapped[int | None] = mapped_column(Integer)
    quoted_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class WorkOrderPart(Base):
    """A part of the quote, taken from the store's stock (through the ledger) when the customer confirms."""

    __tablename__ = "work_order_parts"
    __table_args__ = (UniqueConstraint("work_order_id", "sku_id"),)

    id: Mapped[intpk]
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    name_zh: Mapped[str] = mapped_column(String(160))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)


class WorkOrderPhoto(Base):
    """A photo taken on site, before or after the work; the file lives under the media directory."""

    __tablename__ = "work_order_photos"

    id: Mapped[intpk]
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[created_at]
