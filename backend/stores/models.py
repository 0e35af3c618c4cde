"""Stores, warehouses and the regions they belong to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk, updated_at


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="store")
    status: Mapped[str] = mapped_column(String(16), default="open")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"), index=True)
    city: Mapped[str] = mapped_column(String(40), index=True)
    city_tier: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    # {"mon": ["08:00", "22:00"], ...}, local time of the store; a missing day means closed.
    opening_hours: Mapped[dict[str, Any]]
    area_sqm: Mapped[int | None] = mapped_column(Integer)
    pickup_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    delivery_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    delivery_radius_m: Mapped[int] = mapped_column(Integer, default=5000)
    delivery_base_fee: Mapped[int] = mapped_column(Integer, default=500)
    delivery_fee_per_km: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class StoreBeacon(Base):
    """A BLE beacon bound to a store and zone by staff (iBeacon uuid/major/minor or Eddystone
    namespace/instance); ``identity`` is the normalised key the shopper app matches sightings by."""

    __tablename__ = "store_beacons"

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    zone: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    identity: Mapped[str] = mapped_column(String(120), unique=True)
    uuid: Mapped[str | None] = mapped_column(String(36))
    major: Mapped[int | None] = mapped_column(Integer)
    minor: Mapped[int | None] = mapped_column(Integer)
    namespace: Mapped[str | None] = mapped_column(String(20))
    instance: Mapped[str | None] = mapped_column(String(12))
    measured_power: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(60), default="")
    verified_at: Mapped[datetime | None]
    verified_distance_m: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[created_at]


class MemberArrival(Base):
    """A member's first welcomed arrival at a store on a local day (at most one push per store per day)."""

    __tablename__ = "member_arrivals"
    __table_args__ = (UniqueConstraint("member_id", "store_id", "local_date"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    zone: Mapped[str] = mapped_column(String(40))
    local_date: Mapped[date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(String(200))
    reward: Mapped[dict[str, Any] | None]
    created_at: Mapped[created_at]


class HelpCall(Base):
    """A kiosk (or a till) asking for a staff member: age check, scan or payment trouble, a pickup."""

    __tablename__ = "help_calls"

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    # Repeating a call with the same client id returns the first call.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    caller_kind: Mapped[str] = mapped_column(String(12))
    caller_id: Mapped[int] = mapped_column(Integer)
    device_name: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    # What the call is about: {"sku_id": .., "name_zh": ..} or {"order_number": ..}.
    context: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(12), default="open")
    answered_by: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class StoreTarget(Base):
    """HQ's sales target for a store in a calendar month (net sales, fen)."""

    __tablename__ = "store_targets"
    __table_args__ = (UniqueConstraint("store_id", "month"),)

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    # The first day of the month.
    month: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[updated_at]


class StoreClosure(Base):
    """A day a store is closed (a holiday, stocktaking, renovation), or every store when ``store_id`` is
    None (e.g. 春节). ``day`` is the store's local calendar day."""

    __tablename__ = "store_closures"
    __table_args__ = (UniqueConstraint("scope_key", "day"),)

    id: Mapped[intpk]
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    # The store id, or 0 for the whole chain: one row per store (or the chain) and day.
    scope_key: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(60), default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
