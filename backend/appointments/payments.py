"""Paying for bookings and work orders through the payments domain, and giving booking money back."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments.enums import BookingStatus, WorkOrderStatus
from backend.appointments.errors import BookingNotFound, WorkOrderNotFound
from backend.appointments.models import Booking, WorkOrder
from backend.auth.principal import Principal
from backend.core import events
from backend.core.errors import InvalidState
from backend.core.time import utcnow
from backend.payments import service as payments

BOOKING_REF = "booking"
WORK_ORDER_REF = "work_order"


def _may_pay(principal: Principal, member_id: int, store_id: int) -> bool:
    """The member themself, or staff of the store taking the money at the till."""
    if principal.is_member:
        return principal.id == member_id
    return principal.can_act_for(store_id)


async def _booking_due(session: AsyncSession, principal: Principal, ref_id: str) -> payments.PayableRef:
    booking = await session.get(Booking, int(ref_id)) if ref_id.isdigit() else None
    if booking is None or not _may_pay(principal, booking.member_id, booking.store_id):
        raise BookingNotFound(detail={"booking_id": ref_id})
    if booking.status != BookingStatus.BOOKED or booking.paid_amount > 0:
        raise InvalidState(
            "Only an unpaid, booked appointment can be paid.",
            detail={"status": booking.status, "paid_amount": booking.paid_amount},
        )
    return payments.PayableRef(
        amount=booking.price,
        description=f"服务预约 {booking.id}",
        store_id=booking.store_id,
        payer_member_id=booking.member_id,
    )


async def _booking_paid(session: AsyncSession, ref_id: str, payment: Any) -> None:
    booking = await session.get(Booking, int(ref_id))
    if booking is None:
        return
    if booking.status != BookingStatus.BOOKED or booking.paid_amount > 0:
        # Paid after a cancellation, or paid twice: the money goes straight back.
        await payments.refund(session, payment.id, payment.amount, "booking no longer payable")
        return
    booking.paid_amount = payment.amount
    booking.payment_id = payment.id
    booking.paid_at = utcnow()
    payload = {"booking_id": booking.id, "paid_amount": booking.paid_amount}
    events.emit(session, f"member:{booking.member_id}", "booking.paid", payload)
    events.emit(session, f"store:{booking.store_id}:orders", "booking.paid", payload)


async def refund_booking(
    session: AsyncSession, booking: Booking, amount: int, reason: str, actor: Principal | None
) -> None:
    """Give ``amount`` of what was paid for the booking back through its payment (nothing if unpaid)."""
    if amount <= 0 or booking.payment_id is None:
        return
    await payments.refund(session, booking.payment_id, amount, reason, actor=actor)
    booking.refunded_amount += amount


async def _work_order_due(session: AsyncSession, principal: Principal, ref_id: str) -> payments.PayableRef:
    order = await session.get(WorkOrder, int(ref_id)) if ref_id.isdigit() else None
    if order is None or not _may_pay(principal, order.member_id, order.store_id):
        raise WorkOrderNotFound(detail={"work_order_id": ref_id})
    if order.status != WorkOrderStatus.CONFIRMED or order.paid_amount > 0 or order.total <= 0:
        raise InvalidState(
            "Only a confirmed, unpaid quote can be paid.",
            detail={"status": order.status, "paid_amount": order.paid_amount},
        )
    return payments.PayableRef(
        amount=order.total,
        description=f"上门服务工单 {order.id}",
        store_id=order.store_id,
        payer_member_id=order.member_id,
    )


async def _work_order_paid(session: AsyncSession, ref_id: str, payment: Any) -> None:
    order = await session.get(WorkOrder, int(ref_id))
    if order is None:
        return
    if order.status != WorkOrderStatus.CONFIRMED or order.paid_amount > 0:
        await payments.refund(session, payment.id, payment.amount, "work order no longer payable")
        return
    order.paid_amount = payment.amount
    order.payment_id = payment.id
    order.paid_at = utcnow()
    payload = {"work_order_id": order.id, "paid_amount": order.paid_amount}
    events.emit(session, f"member:{order.member_id}", "work_order.paid", payload)
    events.emit(session, f"store:{order.store_id}:services", "work_order.paid", payload)


def register_handlers() -> None:
    """Tell the payments domain what bookings and work orders cost and what to do when they are paid."""
    payments.register_ref_checker(BOOKING_REF, _booking_due)
    payments.register_paid_handler(BOOKING_REF, _booking_paid)
    payments.register_ref_checker(WORK_ORDER_REF, _work_order_due)
    payments.register_paid_handler(WORK_ORDER_REF, _work_order_paid)
