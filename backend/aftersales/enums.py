"""Value sets of after-sales requests (no server imports)."""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"


class ReasonCode(StrEnum):
    NO_REASON = "no_reason"  # 无理由退货
    QUALITY = "quality"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
