from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import AwareDatetime

from backend.appointments import payments as booking_payments
from backend.appointments import repository as repo
from backend.appointments import service
from backend.appointments.router_workorders import router as work_orders_router
from backend.appointments.schemas import (
    Booking,
    BookingCreate,
    DayOff,
    DayOffCreate,
    Offering,
    OfferingCreate,
    Quote,
    Reschedule,
    Schedule,
    Shift,
    ShiftCreate,
    Slot,
    StaffCancel,
    Technician,
    TechnicianCreate,
    TechnicianUpdate,
)
from backend.auth.deps import CurrentHQ, CurrentMember, staff_with
from backend.auth.principal import Principal, StaffRole
from backend.core.db import DbSession

router = APIRouter(prefix="/appointments", tags=["appointments"])

Manager = Annotated[Principal, Depends(staff_with(StaffRole.STORE_MANAGER))]
StoreStaff = Annotated[
    Principal, Depends(staff_with(StaffRole.STORE_MANAGER, StaffRole.TECHNICIAN, StaffRole.CLERK))
]


@router.get("/offerings", response_model=list[Offering])
async def list_offerings(session: DbSession) -> list[Offering]:
    """Bookable services."""
    return [Offering.model_validate(o) for o in await repo.list_offerings(session)]


@router.post("/offerings", response_model=Offering, status_code=status.HTTP_201_CREATED)
async def create_offering(body: OfferingCreate, principal: CurrentHQ, session: DbSession) -> Offering:
    """Make a service SKU bookable (HQ)."""
    return Offering.model_validate(await service.create_offering(session, principal, body))


@router.post("/technicians", response_model=Technician, status_code=status.HTTP_201_CREATED)
async def create_technician(body: TechnicianCreate, principal: Manager, session: DbSession) -> Technician:
    """Give a technician a profile: home store, skills, capacity (HQ or the store's manager)."""
    return Technician.model_validate(await service.create_technician(session, principal, body))


@router.get("/technicians", response_model=list[Technician])
async def list_technicians(principal: Manager, session: DbSession) -> list[Technician]:
    """Technicians of the caller's stores."""
    techs = await repo.list_technicians(session, store_ids=principal.store_ids)
    return [Technician.model_validate(t) for t in techs]


@router.post("/technicians/{staff_id}/shifts", response_model=Shift, status_code=status.HTTP_201_CREATED)
async def add_shift(staff_id: int, body: ShiftCreate, principal: Manager, session: DbSession) -> Shift:
    """Add a shift (local date and times, breaks) for a technician of the caller's stores."""
    return Shift.model_validate(await service.add_shift(session, principal, staff_id, body))


@router.patch("/technicians/{staff_id}", response_model=Technician)
async def update_technician(
    staff_id: int, body: TechnicianUpdate, principal: Manager, session: DbSession
) -> Technician:
    """Change a technician's skills, capacity or whether they take bookings."""
    return Technician.model_validate(await service.update_technician(session, principal, staff_id, body))


@router.get("/technicians/{staff_id}/schedule", response_model=Schedule)
async def technician_schedule(
    staff_id: int, date_from: date, date_to: date, principal: Manager, session: DbSession
) -> Schedule:
    """A technician's shifts and days off between two local dates."""
    tech, shifts, offs = await service.schedule(session, principal, staff_id, date_from, date_to)
    return Schedule(
        technician_id=tech.staff_id,
        shifts=[Shift.model_validate(s) for s in shifts],
        days_off=[DayOff.model_validate(o) for o in offs],
    )


@router.delete("/technicians/{staff_id}/shifts/{shift_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_shift(staff_id: int, shift_id: int, principal: Manager, session: DbSession) -> Response:
    """Remove a shift that has no bookings in it."""
    await service.remove_shift(session, principal, staff_id, shift_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/technicians/{staff_id}/days-off", response_model=DayOff, status_code=status.HTTP_201_CREATED)
async def add_day_off(staff_id: int, body: DayOffCreate, principal: Manager, session: DbSession) -> DayOff:
    """Mark a technician's day off."""
    return DayOff.model_validate(await service.add_day_off(session, principal, staff_id, body))


@router.get("/quote", response_model=Quote)
async def service_quote(
    session: DbSession,
    sku_id: Annotated[int, Query(gt=0)],
    store_id: Annotated[int | None, Query(gt=0)] = None,
    area_m2: Annotated[int | None, Query(gt=0, le=10_000)] = None,
) -> Quote:
    """Price and duration of a service spec at a store, for an area where the service is priced by area."""
    found, _unit = await service.service_quote(session, sku_id=sku_id, store_id=store_id, area_m2=area_m2)
    return Quote(
        sku_id=sku_id,
        store_id=store_id,
        area_m2=area_m2,
        price=found.price,
        duration_min=found.duration_min,
        extra_m2=found.extra_m2,
    )


@router.get("/slots", response_model=list[Slot])
async def list_slots(
    session: DbSession,
    sku_id: Annotated[int, Query(gt=0)],
    date_from: date,
    date_to: date,
    store_id: Annotated[int | None, Query(gt=0)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
    technician_id: Annotated[int | None, Query(gt=0)] = None,
    area_m2: Annotated[int | None, Query(gt=0, le=10_000)] = None,
) -> list[Slot]:
    """Free start times (UTC) of a service between two local dates, with the technicians free then."""
    found = await service.available_slots(
        session,
        sku_id=sku_id,
        date_from=date_from,
        date_to=date_to,
        store_id=store_id,
        latitude=lat,
        longitude=lng,
        technician_id=technician_id,
        area_m2=area_m2,
    )
    return [Slot(start=s.start, technician_ids=s.technician_ids) for s in found]


@router.post("/bookings", response_model=Booking, status_code=status.HTTP_201_CREATED)
async def book(body: BookingCreate, member: CurrentMember, session: DbSession) -> Booking:
    """Book a service at a free time, with a chosen technician or the best free one."""
    return Booking.model_validate(await service.book(session, member, body))


@router.get("/bookings/mine", response_model=list[Booking])
async def my_bookings(member: CurrentMember, session: DbSession) -> list[Booking]:
    """The signed-in member's bookings, latest first."""
    return [Booking.model_validate(b) for b in await repo.member_bookings(session, member.id)]


@router.get("/bookings", response_model=list[Booking])
async def store_bookings(
    principal: StoreStaff,
    session: DbSession,
    store_id: Annotated[int | None, Query(gt=0)] = None,
    start_from: AwareDatetime | None = None,
    start_to: AwareDatetime | None = None,
) -> list[Booking]:
    """Bookings of the caller's stores, soonest first (optionally one store and a time window)."""
    found = await repo.store_bookings(
        session, principal.store_ids, store_id=store_id, begin=start_from, end=start_to
    )
    return [Booking.model_validate(b) for b in found]


@router.post("/bookings/{booking_id}/reschedule", response_model=Booking)
async def reschedule(booking_id: int, body: Reschedule, member: CurrentMember, session: DbSession) -> Booking:
    """Move a booking to another free time."""
    return Booking.model_validate(await service.reschedule(session, member, booking_id, body))


@router.post("/bookings/{booking_id}/cancel", response_model=Booking)
async def cancel(booking_id: int, member: CurrentMember, session: DbSession) -> Booking:
    """Cancel a booking (a fee applies inside the service's free-cancellation window)."""
    return Booking.model_validate(await service.cancel(session, member, booking_id))


@router.post("/bookings/{booking_id}/staff-cancel", response_model=Booking)
async def staff_cancel(booking_id: int, body: StaffCancel, principal: Manager, session: DbSession) -> Booking:
    """Cancel a booking for the store (no fee; everything paid goes back)."""
    return Booking.model_validate(await service.staff_cancel(session, principal, booking_id, body.reason))


router.include_router(work_orders_router)
booking_payments.register_handlers()
