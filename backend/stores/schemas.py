from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from backend.core.schemas import Fen, Name, Schema

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


def _check_hours(value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    if value is None:
        return value
    import re

    for day, span in value.items():
        if day not in DAYS:
            raise ValueError(f"unknown day {day!r}; use {', '.join(DAYS)}")
        if len(span) != 2 or not all(re.match(HHMM, t) for t in span) or span[0] >= span[1]:
            raise ValueError(f"{day}: give [open, close] as HH:MM with open before close")
    return value


class RegionCreate(Schema):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    name_zh: Name
    name_en: Name


class Region(RegionCreate):
    id: int


class StoreBase(Schema):
    name_zh: Name
    name_en: Name
    kind: Annotated[str, StringConstraints(pattern=r"^(store|warehouse)$")] = "store"
    city: Name
    city_tier: int = Field(ge=1, le=5)
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    phone: str | None = Field(default=None, max_length=20)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    timezone: str = "Asia/Shanghai"
    opening_hours: dict[str, list[str]] = Field(default_factory=dict)
    area_sqm: int | None = Field(default=None, ge=1)
    pickup_enabled: bool = True
    delivery_enabled: bool = True
    delivery_radius_m: int = Field(default=5000, ge=0, le=100_000)
    delivery_base_fee: Fen = 500
    delivery_fee_per_km: Fen = 100

    _hours = field_validator("opening_hours")(_check_hours)


class StoreCreate(StoreBase):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    region_id: int
    merchant_id: int | None = None


class StoreUpdate(Schema):
    name_zh: Name | None = None
    name_en: Name | None = None
    status: Annotated[str, StringConstraints(pattern=r"^(open|closed|suspended)$")] | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = (
        None
    )
    phone: str | None = Field(default=None, max_length=20)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    opening_hours: dict[str, list[str]] | None = None
    area_sqm: int | None = Field(default=None, ge=1)
    pickup_enabled: bool | None = None
    delivery_enabled: bool | None = None
    delivery_radius_m: int | None = Field(default=None, ge=0, le=100_000)
    delivery_base_fee: Fen | None = None
    delivery_fee_per_km: Fen | None = None
    merchant_id: int | None = None

    _hours = field_validator("opening_hours")(_check_hours)


class Store(StoreBase):
    id: int
    code: str
    status: str
    region_id: int
    merchant_id: int | None
    open_now: bool = False


class NearbyStore(Store):
    distance_m: int
    delivers_here: bool
    # Available units per requested SKU id at this store.
    available: dict[int, int] = Field(default_factory=dict)


class BeaconCreate(Schema):
    zone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    uuid: (
        Annotated[
            str,
            StringConstraints(
                pattern=r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
            ),
        ]
        | None
    ) = None
    major: int | None = Field(default=None, ge=0, le=65535)
    minor: int | None = Field(default=None, ge=0, le=65535)
    namespace: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{20}$")] | None = None
    instance: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{12}$")] | None = None
    measured_power: int | None = Field(default=None, ge=-120, le=20, description="RSSI at 1 m, dBm")
    label: Annotated[str, StringConstraints(max_length=60)] = ""


class Beacon(Schema):
    id: int
    store_id: int
    zone: str
    kind: str
    identity: str
    uuid: str | None
    major: int | None
    minor: int | None
    namespace: str | None
    instance: str | None
    measured_power: int | None
    label: str
    verified_at: datetime | None
    verified_distance_m: float | None


class BeaconVerify(Schema):
    rssi: list[float] = Field(
        min_length=3, max_length=500, description="RSSI samples in dBm from the pairing tablet"
    )
    max_distance_m: float = Field(default=5.0, gt=0, le=100)


class BeaconVerified(Schema):
    beacon: Beacon
    median_rssi: float
    distance_m: float
    ok: bool


class ArrivalCreate(Schema):
    zone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = "entrance"
    beacon_id: int | None = None


class ArrivalDecision(Schema):
    pushed: bool
    reason: str
    message_zh: str | None = None
    message_en: str | None = None
    reward: dict[str, Any] | None = None


HELP_REASONS = ("age_check", "scan_trouble", "payment_trouble", "pickup", "other")


class HelpCallCreate(Schema):
    client_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=64)]
    reason: Annotated[
        str, StringConstraints(pattern=r"^(age_check|scan_trouble|payment_trouble|pickup|other)$")
    ]
    store_id: int | None = Field(
        default=None, ge=1, description="staff callers name the store; a kiosk is bound"
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    context: dict[str, Any] = Field(default_factory=dict)

    @field_validator("context")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 10 or any(len(str(v)) > 120 for v in value.values()):
            raise ValueError("context is at most 10 short values")
        return value


class HelpCall(Schema):
    id: int
    store_id: int
    client_id: str
    caller_kind: str
    device_name: str
    reason: str
    note: str
    context: dict[str, Any]
    status: str
    answered_by: int | None
    answered_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime


# The longest closure one request may record (e.g. a renovation); longer ones are split.
MAX_CLOSURE_DAYS = 92


class StoreClosureCreate(Schema):
    store_id: int | None = Field(description="the store, or null for every store of the chain (e.g. 春节)")
    start: date = Field(description="the first closed day, the store's local date")
    end: date | None = Field(default=None, description="the last closed day (inclusive); default: start")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""

    @model_validator(mode="after")
    def _span(self) -> StoreClosureCreate:
        end = self.end or self.start
        if end < self.start:
            raise ValueError("end must not be before start")
        if (end - self.start).days + 1 > MAX_CLOSURE_DAYS:
            raise ValueError(f"a closure covers at most {MAX_CLOSURE_DAYS} days")
        return self

    def days(self) -> list[date]:
        from datetime import timedelta

        end = self.end or self.start
        return [self.start + timedelta(days=i) for i in range((end - self.start).days + 1)]


class StoreClosure(Schema):
    id: int
    store_id: int | None = Field(description="null: every store")
    day: date
    reason: str
    created_at: datetime


class ClosureDay(Schema):
    day: date
    reason: str
    chain_wide: bool


class StoreDetail(Store):
    # The store's closed days from today (its local date) on, its own and the chain's.
    closures: list[ClosureDay] = Field(default_factory=list)
