"""Tenders taken at the till: cash in the drawer, or a bank card on the store's own terminal."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from backend.payments.errors import InvalidNotification, UnknownProvider
from backend.payments.providers.base import (
    Created,
    CreateRequest,
    Notification,
    RefundOutcome,
    RefundRequest,
    RefundResult,
    Reply,
    TradeState,
    TradeStatus,
)


class OfflineProvider:
    """Paid the moment it is recorded; refunded by handing back cash or reversing on the terminal."""

    online = False

    def __init__(self, name: str) -> None:
        self.name = name

    async def create(self, session: AsyncSession, request: CreateRequest) -> Created:
        raise UnknownProvider(
            "Cash and card are recorded at the till, not paid online.", detail={"provider": self.name}
        )

    async def query(self, session: AsyncSession, out_trade_no: str) -> TradeState:
        return TradeState(out_trade_no=out_trade_no, status=TradeStatus.SUCCEEDED)

    async def close(self, session: AsyncSession, out_trade_no: str) -> None:
        return None

    async def refund(self, session: AsyncSession, request: RefundRequest) -> RefundResult:
        return RefundResult(out_refund_no=request.out_refund_no, status=RefundOutcome.SUCCEEDED)

    def verify_and_parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        raise InvalidNotification("Offline tenders have no notifications.")

    def reply(self, ok: bool, message: str = "") -> Reply:
        return Reply(200 if ok else 400, "", "text/plain")
