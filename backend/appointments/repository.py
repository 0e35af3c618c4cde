"""All SQL of the appointments domain."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments.enums import BookingStatus
from backend.appointments.models import (
    Booking,
    BookingReminder,
    DayOff,
    ServiceOffering,
    Shift,
    TechnicianProfile,
    TechnicianSlot,
)
from backend.auth.models import StaffUser
from backend.catalog.models import Product, Sku
from backend.stores.models import Store


async def offering_by_sku(session: AsyncSession, sku_id: int) -> tuple[ServiceOffering, Sku] | None:
    row = (
        await session.execute(
            select(ServiceOffering, Sku)
            .join(Sku, Sku.id == ServiceOffering.sku_id)
            .where(ServiceOffering.sku_id == sku_id, ServiceOffering.active.is_(True))
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def list_offerings(session: AsyncSession) -> Sequence[ServiceOffering]:
    return (
        await session.scalars(
            select(ServiceOffering).where(ServiceOffering.active.is_(True)).order_by(ServiceOffering.id)
        )
    ).all()


async def sku_with_kind(session: AsyncSession, sku_id: int) -> tuple[Sku, str] | None:
    row = (
        await session.execute(
            select(Sku, Product.kind).join(Product, Product.id == Sku.product_id).where(Sku.id == sku_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def get_staff(session: AsyncSession, staff_id: int) -> StaffUser | None:
    return await session.get(StaffUser, staff_id)


async def get_store(session: AsyncSession, store_id: int) -> Store | None:
    return await session.get(Store, store_id)


async def stores_by_id(session: AsyncSession, ids: Collection[int]) -> dict[int, Store]:
    if not ids:
        return {}
    return {s.id: s for s in await session.scalars(select(Store).where(Store.id.in_(ids)))}


async def get_technician(
    session: AsyncSession, staff_id: int, store_ids: frozenset[int] | None = None
) -> TechnicianProfile | None:
    """A technician profile, only if its home store is among ``store_ids`` (None = every store)."""
    query = select(TechnicianProfile).where(TechnicianProfile.staff_id == staff_id)
    if store_ids is not None:
        query = query.where(TechnicianProfile.home_store_id.in_(store_ids))
    return await session.scalar(query)


async def list_technicians(
    session: AsyncSession, *, store_ids: Collection[int] | None = None
) -> Sequence[TechnicianProfile]:
    query = select(TechnicianProfile).where(TechnicianProfile.active.is_(True))
    if store_ids is not None:
        query = query.where(TechnicianProfile.home_store_id.in_(store_ids))
    return (await session.scalars(query.order_by(TechnicianProfile.staff_id))).all()


async def shifts_for(
    session: AsyncSession, technician_ids: Collection[int], date_from: date, date_to: date
) -> Sequence[Shift]:
    return (
        await session.scalars(
            select(Shift)
            .where(Shift.technician_id.in_(technician_ids), Shift.local_date.between(date_from, date_to))
            .order_by(Shift.local_date)
        )
    ).all()


async def shift_on(session: AsyncSession, technician_id: int, local_date: date) -> Shift | None:
    return await session.scalar(
        select(Shift).where(Shift.technician_id == technician_id, Shift.local_date == local_date)
    )


async def days_off_for(
    session: AsyncSession, technician_ids: Collection[int], date_from: date, date_to: date
) -> Sequence[DayOff]:
    return (
        await session.scalars(
            select(DayOff).where(
                DayOff.technician_id.in_(technician_ids), DayOff.local_date.between(date_from, date_to)
            )
        )
    ).all()


async def day_off_on(session: AsyncSession, technician_id: int, local_date: date) -> DayOff | None:
    return await session.scalar(
        select(DayOff).where(DayOff.technician_id == technician_id, DayOff.local_date == local_date)
    )


async def active_bookings_between(
    session: AsyncSession,
    technician_ids: Collection[int],
    begin: datetime,
    end: datetime,
    exclude_booking_id: int | None = None,
) -> Sequence[Booking]:
    query = select(Booking).where(
        Booking.technician_id.in_(technician_ids),
        Booking.status == BookingStatus.BOOKED,
        Booking.occupied_from < end,
        Booking.occupied_until > begin,
    )
    if exclude_booking_id is not None:
        query = query.where(Booking.id != exclude_booking_id)
    return (await session.scalars(query)).all()


async def booking_counts(
    session: AsyncSession, technician_ids: Collection[int], begin: datetime, end: datetime
) -> dict[int, int]:
    rows = await session.execute(
        select(Booking.technician_id, func.count())
        .where(
            Booking.technician_id.in_(technician_ids),
            Booking.status == BookingStatus.BOOKED,
            Booking.start_at >= begin,
            Booking.start_at < end,
        )
        .group_by(Booking.technician_id)
    )
    return {tech: count for tech, count in rows.all()}


async def seats_taken(session: AsyncSession, technician_id: int, cells: Sequence[datetime]) -> set[int]:
    return set(
        await session.scalars(
            select(TechnicianSlot.seat).where(
                TechnicianSlot.technician_id == technician_id, TechnicianSlot.slot_start.in_(cells)
            )
        )
    )


async def release_cells(session: AsyncSession, booking_id: int) -> None:
    await session.execute(delete(TechnicianSlot).where(TechnicianSlot.booking_id == booking_id))


async def drop_unsent_reminders(session: AsyncSession, booking_id: int) -> None:
    await session.execute(
        delete(BookingReminder).where(
            BookingReminder.booking_id == booking_id, BookingReminder.sent_at.is_(None)
        )
    )


async def get_booking(
    session: AsyncSession, booking_id: int, *, member_id: int | None = None
) -> Booking | None:
    query = select(Booking).where(Booking.id == booking_id)
    if member_id is not None:
        query = query.where(Booking.member_id == member_id)
    return await session.scalar(query)


async def booking_by_ref(session: AsyncSession, member_id: int, client_ref: str) -> Booking | None:
    return await session.scalar(
        select(Booking).where(Booking.member_id == member_id, Booking.client_ref == client_ref)
    )


async def member_bookings(session: AsyncSession, member_id: int) -> Sequence[Booking]:
    return (
        await session.scalars(
            select(Booking).where(Booking.member_id == member_id).order_by(Booking.start_at.desc())
        )
    ).all()


async def store_bookings(
    session: AsyncSession,
    store_ids: Collection[int] | None,
    *,
    store_id: int | None = None,
    begin: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
) -> Sequence[Booking]:
    """Bookings of the given stores (None = every store), soonest first."""
    query = select(Booking)
    if store_ids is not None:
        query = query.where(Booking.store_id.in_(store_ids))
    if store_id is not None:
        query = query.where(Booking.store_id == store_id)
    if begin is not None:
        query = query.where(Booking.start_at >= begin)
    if end is not None:
        query = query.where(Booking.start_at < end)
    return (await session.scalars(query.order_by(Booking.start_at, Booking.id).limit(limit))).all()


async def due_reminders(
    session: AsyncSession, now: datetime, limit: int = 500
) -> Sequence[tuple[BookingReminder, Booking]]:
    rows = await session.execute(
        select(BookingReminder, Booking)
        .join(Booking, Booking.id == BookingReminder.booking_id)
        .where(
            BookingReminder.sent_at.is_(None),
            BookingReminder.due_at <= now,
            Booking.status == BookingStatus.BOOKED,
        )
        .order_by(BookingReminder.due_at)
        .limit(limit)
    )
    return [(r, b) for r, b in rows.all()]
