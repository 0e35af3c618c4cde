"""Value sets of the appointments domain, shared by models and schemas (no server imports)."""

from __future__ import annotations

from enum import StrEnum


class LocationType(StrEnum):
    IN_STORE = "in_store"
    AT_HOME = "at_home"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class WorkOrderStatus(StrEnum):
    OPEN = "open"
    QUOTED = "quoted"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PhotoStage(StrEnum):
    BEFORE = "before"
    AFTER = "after"
