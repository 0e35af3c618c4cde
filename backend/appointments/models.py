"""Bookable services: offerings, technicians, shifts, bookings and the cells they occupy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.appointments.enums import BookingStatus, LocationType
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
