"""What every payment provider offers, and the typed values that cross the boundary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from backend.payments.errors import InvalidNotification


class TradeStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    CLOSED = "closed"
    FAILED = "failed"


class RefundOutcome(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CreateRequest:
    out_trade_no: str
    amount: int
    description: str
    notify_url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Created:
    """What the gateway answers to a new payment: its trade number (if any yet) and what the payer opens."""

    provider_trade_no: str | None
    pay_url: str | None
    qr_text: str | None


@dataclass(frozen=True, slots=True)
class TradeState:
    out_trade_no: str
    status: TradeStatus
    provider_trade_no: str | None = None
    amount: int | None = None
    paid_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefundRequest:
    out_trade_no: str
    provider_trade_no: str | None
    out_refund_no: str
    amount: int
    total: int
    reason: str
    notify_url: str


@dataclass(frozen=True, slots=True)
class RefundResult:
    out_refund_no: str
    status: RefundOutcome
    provider_refund_no: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentNotification:
    """A verified notification that a trade changed state."""

    out_trade_no: str
    status: TradeStatus
    amount: int
    provider_trade_no: str | None = None
    paid_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefundNotification:
    """A verified notification that a refund finished; ``amount`` is None when the gateway does not say."""

    out_refund_no: str
    out_trade_no: str
    status: RefundOutcome
    amount: int | None = None
    provider_refund_no: str | None = None


Notification = PaymentNotification | RefundNotification


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer a gateway expects to its notification."""

    status_code: int
    body: str
    media_type: str


@runtime_checkable
class PaymentProvider(Protocol):
    name: str
    # False for tenders taken at the till (cash, card terminal): no gateway, nothing to create or notify.
    online: bool

    async def create(self, session: AsyncSession, request: CreateRequest) -> Created: ...

    async def query(self, session: AsyncSession, out_trade_no: str) -> TradeState: ...

    async def close(self, session: AsyncSession, out_trade_no: str) -> None: ...

    async def refund(self, session: AsyncSession, request: RefundRequest) -> RefundResult: ...

    def verify_and_parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """The notification's facts, or ``InvalidNotification`` (or a subclass) for a forged or bad one."""
        ...

    def reply(self, ok: bool, message: str = "") -> Reply: ...


def yuan_to_fen(value: str) -> int:
    """'12.34' -> 1234 exactly; anything that is not a whole number of fen is refused."""
    try:
        fen = Decimal(value) * 100
    except (InvalidOperation, TypeError) as exc:
        raise InvalidNotification("Malformed amount.", detail={"amount": value}) from exc
    if fen != fen.to_integral_value() or fen < 0:
        raise InvalidNotification("Malformed amount.", detail={"amount": value})
    return int(fen)
