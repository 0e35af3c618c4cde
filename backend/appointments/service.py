"""Rules of bookable services: who may maintain technicians and shifts, slots, booking, cancelling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments import payments as booking_payments
from backend.appointments import repository as repo
from backend.appointments import slots as slotlib
from backend.appointments.enums import BookingStatus, LocationType
from backend.appointments.errors import (
    BookingNotFound,
    ChangeWindowClosed,
    OutOfServiceArea,
    OutsideShift,
    ServiceNotFound,
    ShiftExists,
    SlotInPast,
    SlotTaken,
    TechnicianNotFound,
)
from backend.appointments.models import (
    Booking,
    BookingReminder,
    DayOff,
    ServiceOffering,
    Shift,
    TechnicianProfile,
    TechnicianSlot,
)
from backend.appointments.quote import ServiceQuote, quote
from backend.appointments.schemas import (
    BookingCreate,
    DayOffCreate,
    OfferingCreate,
    Reschedule,
    ShiftCreate,
    TechnicianCreate,
    TechnicianUpdate,
)
from backend.auth.principal import Principal, StaffRole
from backend.catalog.models import Sku
from backend.core import audit, events
from backend.core.errors import BadRequest, Conflict, InvalidState, NotFound, ValidationFailed
from backend.core.geo import haversine_m
from backend.core.time import utcnow
from backend.pricing import service as pricing
from backend.stores.models import Store

SLOT_GRANULARITY_MIN = 30
MAX_RANGE_DAYS = 31
REMINDERS = (("day", timedelta(days=1)), ("hour", timedelta(hours=1)))


def _hhmm(value: str) -> time:
    return time.fromisoformat(value)


# Offerings -----------------------------------------------------------------------------------------


async def create_offering(
    session: AsyncSession, principal: Principal, body: OfferingCreate
) -> ServiceOffering:
    found = await repo.sku_with_kind(session, body.sku_id)
    if found is None:
        raise NotFound("No such SKU.", detail={"sku_id": body.sku_id})
    if found[1] != "service":
        raise BadRequest("Only SKUs of service products can be booked.", detail={"sku_id": body.sku_id})
    if body.location_type == LocationType.AT_HOME and body.service_radius_m is None:
        raise BadRequest("At-home services need a service radius.", detail={"field": "service_radius_m"})
    if await repo.offering_by_sku(session, body.sku_id) is not None:
        raise Conflict("This SKU already has an offering.", detail={"sku_id": body.sku_id})
    offering = ServiceOffering(**body.model_dump())
    session.add(offering)
    await session.flush()
    audit.record(
        session, principal, "create", "service_offering", offering.id, after=body.model_dump(mode="json")
    )
    return offering


async def _offering(session: AsyncSession, sku_id: int) -> tuple[ServiceOffering, Sku]:
    found = await repo.offering_by_sku(session, sku_id)
    if found is None:
        raise ServiceNotFound(detail={"sku_id": sku_id})
    return found


# Technicians and shifts ----------------------------------------------------------------------------


async def create_technician(
    session: AsyncSession, principal: Principal, body: TechnicianCreate
) -> TechnicianProfile:
    principal.require_store(body.home_store_id)
    staff = await repo.get_staff(session, body.staff_id)
    if staff is None or StaffRole.TECHNICIAN not in (staff.roles or []):
        raise BadRequest(
            "The staff member must have the technician role.", detail={"staff_id": body.staff_id}
        )
    if await repo.get_store(session, body.home_store_id) is None:
        raise NotFound("No such store.", detail={"store_id": body.home_store_id})
    if await repo.get_technician(session, body.staff_id) is not None:
        raise Conflict(
            "This staff member already has a technician profile.", detail={"staff_id": body.staff_id}
        )
    tech = TechnicianProfile(
        staff_id=body.staff_id, home_store_id=body.home_store_id, skills=body.skills, capacity=body.capacity
    )
    session.add(tech)
    await session.flush()
    audit.record(
        session,
        principal,
        "create",
        "technician",
        tech.staff_id,
        after=body.model_dump(mode="json"),
        store_id=body.home_store_id,
    )
    return tech


async def scoped_technician(session: AsyncSession, principal: Principal, staff_id: int) -> TechnicianProfile:
    """A technician the staff member may manage (home store among theirs); 404 otherwise."""
    tech = await repo.get_technician(session, staff_id, principal.store_ids)
    if tech is None:
        raise TechnicianNotFound(detail={"technician_id": staff_id})
    return tech


async def add_shift(session: AsyncSession, principal: Principal, staff_id: int, body: ShiftCreate) -> Shift:
    tech = await scoped_technician(session, principal, staff_id)
    if await repo.shift_on(session, tech.staff_id, body.local_date) is not None:
        raise ShiftExists(detail={"local_date": body.local_date.isoformat()})
    shift = Shift(
        technician_id=tech.staff_id,
        local_date=body.local_date,
        start=body.start,
        end=body.end,
        breaks=[list(b) for b in body.breaks],
    )
    session.add(shift)
    await session.flush()
    audit.record(
        session,
        principal,
        "create",
        "technician_shift",
        shift.id,
        after=body.model_dump(mode="json"),
        store_id=tech.home_store_id,
    )
    return shift


async def add_day_off(
    session: AsyncSession, principal: Principal, staff_id: int, body: DayOffCreate
) -> DayOff:
    tech = await scoped_technician(session, principal, staff_id)
    if await repo.day_off_on(session, tech.staff_id, body.local_date) is not None:
        raise Conflict("This day is already off.", detail={"local_date": body.local_date.isoformat()})
    day_off = DayOff(technician_id=tech.staff_id, local_date=body.local_date, reason=body.reason)
    session.add(day_off)
    await session.flush()
    audit.record(
        session,
        principal,
        "create",
        "technician_day_off",
        day_off.id,
        after=body.model_dump(mode="json"),
        store_id=tech.home_store_id,
    )
    return day_off


# Slots ---------------------------------------------------------------------------------------------


async def _candidates(
    session: AsyncSession,
    offering: ServiceOffering,
    store_id: int | None,
    latitude: float | None,
    longitude: float | None,
) -> tuple[list[TechnicianProfile], dict[int, Store], Store]:
    """Technicians who could do this service for this place, their home stores, and the anchor store."""
    if offering.location_type == LocationType.AT_HOME:
        if latitude is None or longitude is None:
            raise BadRequest("At-home services need the address coordinates.", detail={"field": "latitude"})
        techs = list(await repo.list_technicians(session))
        stores = await repo.stores_by_id(session, {t.home_store_id for t in techs})
        radius = offering.service_radius_m or 0
        techs = [
            t
            for t in techs
            if haversine_m(
                latitude, longitude, stores[t.home_store_id].latitude, stores[t.home_store_id].longitude
            )
            <= radius
        ]
        if store_id is not None:
            techs = [t for t in techs if t.home_store_id == store_id]
        if not techs:
            raise OutOfServiceArea(detail={"service_radius_m": radius})
        anchor = stores[techs[0].home_store_id] if store_id is None else stores[store_id]
        return techs, stores, anchor
    if store_id is None:
        raise BadRequest("Choose a store for an in-store service.", detail={"field": "store_id"})
    store = await repo.get_store(session, store_id)
    if store is None:
        raise NotFound("No such store.", detail={"store_id": store_id})
    techs = list(await repo.list_technicians(session, store_ids=[store_id]))
    return techs, {store.id: store}, store


def _tz(store: Store) -> ZoneInfo:
    return ZoneInfo(store.timezone or "Asia/Shanghai")


async def _technician_days(
    session: AsyncSession,
    techs: Sequence[TechnicianProfile],
    tz: ZoneInfo,
    date_from: date,
    date_to: date,
    exclude_booking_id: int | None = None,
) -> list[slotlib.TechnicianDay]:
    ids = [t.staff_id for t in techs]
    shifts = await repo.shifts_for(session, ids, date_from, date_to)
    offs = await repo.days_off_for(session, ids, date_from, date_to)
    begin = slotlib.local_to_utc(date_from, time(0), tz) - timedelta(days=1)
    end = slotlib.local_to_utc(date_to, time(0), tz) + timedelta(days=2)
    booked = await repo.active_bookings_between(session, ids, begin, end, exclude_booking_id)
    out = []
    for t in techs:
        out.append(
            slotlib.TechnicianDay(
                technician_id=t.staff_id,
                skills=frozenset(t.skills or ()),
                capacity=t.capacity,
                shifts=[
                    slotlib.ShiftSpec(
                        s.local_date,
                        _hhmm(s.start),
                        _hhmm(s.end),
                        [(_hhmm(a), _hhmm(b)) for a, b in s.breaks or []],
                    )
                    for s in shifts
                    if s.technician_id == t.staff_id
                ],
                days_off=frozenset(o.local_date for o in offs if o.technician_id == t.staff_id),
                busy=[(b.occupied_from, b.occupied_until) for b in booked if b.technician_id == t.staff_id],
            )
        )
    return out


async def _unit_price(session: AsyncSession, store_id: int | None, sku: Sku) -> int:
    """The SKU's price at the store (regional lists and store overrides apply), else its base price."""
    prices = await pricing.price_for(session, store_id, [sku.id])
    found = prices.get(sku.id)
    return found.price if found is not None else sku.base_price


async def service_quote(
    session: AsyncSession, *, sku_id: int, store_id: int | None = None, area_m2: int | None = None
) -> tuple[ServiceQuote, int]:
    """Price and duration of a service spec at a store (and area); returns the quote and the unit price."""
    offering, sku = await _offering(session, sku_id)
    unit = await _unit_price(session, store_id, sku)
    return quote(offering, unit, area_m2), unit


def _travel(offering: ServiceOffering) -> int:
    return offering.travel_min if offering.location_type == LocationType.AT_HOME else 0


async def available_slots(
    session: AsyncSession,
    *,
    sku_id: int,
    date_from: date,
    date_to: date,
    store_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    technician_id: int | None = None,
    area_m2: int | None = None,
) -> list[slotlib.Slot]:
    if date_to < date_from or (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationFailed(
            f"The date range must run forward and span at most {MAX_RANGE_DAYS} days.",
            detail={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        )
    offering, sku = await _offering(session, sku_id)
    duration = quote(offering, sku.base_price, area_m2).duration_min
    techs, _stores, anchor = await _candidates(session, offering, store_id, latitude, longitude)
    if technician_id is not None:
        techs = [t for t in techs if t.staff_id == technician_id]
    tz = _tz(anchor)
    days = await _technician_days(session, techs, tz, date_from, date_to)
    return slotlib.available_slots(
        days,
        date_from=date_from,
        date_to=date_to,
        tz=tz,
        duration_min=duration,
        buffer_min=offering.buffer_min,
        travel_min=_travel(offering),
        required_skill=offering.required_skill,
        granularity_min=SLOT_GRANULARITY_MIN,
        not_before=utcnow(),
    )


# Booking -------------------------------------------------------------------------------------------


async def _choose_technician(
    session: AsyncSession,
    offering: ServiceOffering,
    start_at: datetime,
    techs: list[TechnicianProfile],
    stores: dict[int, Store],
    anchor: Store,
    wanted: int | None,
    place: tuple[float, float],
    duration_min: int,
    exclude_booking_id: int | None = None,
) -> TechnicianProfile:
    """The chosen technician if free; otherwise the best free one with the skill: the fewest bookings that
    local day (spreads the work), then the shortest distance from their home store to the place, then
    the lowest id (a stable tie-break)."""
    if offering.required_skill:
        techs = [t for t in techs if offering.required_skill in (t.skills or [])]
    if wanted is not None:
        techs = [t for t in techs if t.staff_id == wanted]
        if not techs:
            raise TechnicianNotFound(
                "This technician does not offer this service here.", detail={"technician_id": wanted}
            )
    tz = _tz(anchor)
    local_day = start_at.astimezone(tz).date()
    days = await _technician_days(session, techs, tz, local_day, local_day, exclude_booking_id)
    kwargs = dict(
        date_from=local_day,
        date_to=local_day,
        tz=tz,
        duration_min=duration_min,
        buffer_min=offering.buffer_min,
        travel_min=_travel(offering),
    )
    working = [
        d for d in days if start_at in slotlib.technician_free_starts(d, ignore_bookings=True, **kwargs)
    ]
    if not working:
        raise OutsideShift(detail={"start_at": start_at.isoformat()})
    free_ids = {d.technician_id for d in working if start_at in slotlib.technician_free_starts(d, **kwargs)}
    if not free_ids:
        raise SlotTaken(detail={"start_at": start_at.isoformat()})
    free = [t for t in techs if t.staff_id in free_ids]
    day_begin = slotlib.local_to_utc(local_day, time(0), tz)
    counts = await repo.booking_counts(session, free_ids, day_begin, day_begin + timedelta(days=1))

    def rank(t: TechnicianProfile) -> tuple[int, float, int]:
        home = stores.get(t.home_store_id) or anchor
        return (
            counts.get(t.staff_id, 0),
            haversine_m(place[0], place[1], home.latitude, home.longitude),
            t.staff_id,
        )

    return min(free, key=rank)


async def _hold_cells(session: AsyncSession, booking: Booking, tech: TechnicianProfile) -> None:
    """Insert the cells the booking occupies; a concurrent booking of any of them fails on the unique key."""
    detail = {"start_at": booking.start_at.isoformat(), "technician_id": tech.staff_id}
    cells = slotlib.cells(booking.occupied_from, booking.occupied_until)
    taken = await repo.seats_taken(session, tech.staff_id, cells)
    seat = next((s for s in range(tech.capacity) if s not in taken), 0)
    session.add_all(
        TechnicianSlot(technician_id=tech.staff_id, seat=seat, slot_start=c, booking_id=booking.id)
        for c in cells
    )
    try:
        await session.flush()
    except IntegrityError as exc:
        raise SlotTaken(detail=detail) from exc


def _schedule_reminders(session: AsyncSession, booking: Booking, now: datetime) -> None:
    for kind, ahead in REMINDERS:
        due = booking.start_at - ahead
        if due > now:
            session.add(
                BookingReminder(booking_id=booking.id, member_id=booking.member_id, kind=kind, due_at=due)
            )


def _place(booking_or_body: BookingCreate | Booking, anchor: Store) -> tuple[float, float]:
    lat, lng = booking_or_body.latitude, booking_or_body.longitude
    return (lat, lng) if lat is not None and lng is not None else (anchor.latitude, anchor.longitude)


def _booking_event(session: AsyncSession, booking: Booking, type_: str) -> None:
    payload = {
        "booking_id": booking.id,
        "status": booking.status,
        "technician_id": booking.technician_id,
        "start_at": booking.start_at.isoformat(),
    }
    events.emit(session, f"member:{booking.member_id}", type_, payload)
    events.emit(session, f"store:{booking.store_id}:orders", type_, payload)


async def book(session: AsyncSession, member: Principal, body: BookingCreate) -> Booking:
    if body.client_ref:
        replay = await repo.booking_by_ref(session, member.id, body.client_ref)
        if replay is not None:
            return replay
    offering, sku = await _offering(session, body.sku_id)
    now = utcnow()
    start_at = body.start_at.astimezone(now.tzinfo)
    if start_at <= now:
        raise SlotInPast(detail={"start_at": start_at.isoformat()})
    techs, stores, anchor = await _candidates(session, offering, body.store_id, body.latitude, body.longitude)
    if offering.location_type == LocationType.AT_HOME and not body.address:
        raise BadRequest("At-home services need an address.", detail={"field": "address"})
    place = _place(body, anchor)
    duration = quote(offering, sku.base_price, body.area_m2).duration_min
    tech = await _choose_technician(
        session, offering, start_at, techs, stores, anchor, body.technician_id, place, duration
    )
    store_id = body.store_id or tech.home_store_id
    priced = quote(offering, await _unit_price(session, store_id, sku), body.area_m2)
    occupied_from, occupied_until = slotlib.occupied_interval(
        start_at, duration, offering.buffer_min, _travel(offering)
    )
    booking = Booking(
        member_id=member.id,
        offering_id=offering.id,
        sku_id=sku.id,
        store_id=store_id,
        technician_id=tech.staff_id,
        status=BookingStatus.BOOKED,
        start_at=start_at,
        end_at=start_at + timedelta(minutes=duration),
        occupied_from=occupied_from,
        occupied_until=occupied_until,
        price=priced.price,
        area_m2=body.area_m2,
        address=body.address,
        latitude=body.latitude,
        longitude=body.longitude,
        client_ref=body.client_ref,
    )
    session.add(booking)
    await session.flush()
    await _hold_cells(session, booking, tech)
    _schedule_reminders(session, booking, now)
    _booking_event(session, booking, "booking.created")
    return booking


async def my_booking(session: AsyncSession, member: Principal, booking_id: int) -> Booking:
    booking = await repo.get_booking(session, booking_id, member_id=member.id)
    if booking is None:
        raise BookingNotFound(detail={"booking_id": booking_id})
    return booking


def _require_booked(booking: Booking) -> None:
    if booking.status != BookingStatus.BOOKED:
        raise InvalidState("Only a booked appointment can change.", detail={"status": booking.status})


async def reschedule(session: AsyncSession, member: Principal, booking_id: int, body: Reschedule) -> Booking:
    """Move a booking: free until the offering's free window before the current start; later, refused."""
    booking = await my_booking(session, member, booking_id)
    _require_booked(booking)
    now = utcnow()
    start_at = body.start_at.astimezone(now.tzinfo)
    if start_at <= now:
        raise SlotInPast(detail={"start_at": start_at.isoformat()})
    offering = await session.get(ServiceOffering, booking.offering_id)
    assert offering is not None
    closes = booking.start_at - timedelta(hours=offering.free_cancel_hours)
    if now > closes:
        raise ChangeWindowClosed(
            detail={"closed_at": closes.isoformat(), "free_cancel_hours": offering.free_cancel_hours}
        )
    duration = int((booking.end_at - booking.start_at).total_seconds() // 60)
    store_filter = None if offering.location_type == LocationType.AT_HOME else booking.store_id
    techs, stores, anchor = await _candidates(
        session, offering, store_filter, booking.latitude, booking.longitude
    )
    wanted = body.technician_id or booking.technician_id
    tech = await _choose_technician(
        session,
        offering,
        start_at,
        techs,
        stores,
        anchor,
        wanted,
        _place(booking, anchor),
        duration,
        booking.id,
    )
    await repo.release_cells(session, booking.id)
    await repo.drop_unsent_reminders(session, booking.id)
    before = {"start_at": booking.start_at.isoformat(), "technician_id": booking.technician_id}
    booking.start_at = start_at
    booking.end_at = start_at + timedelta(minutes=duration)
    booking.occupied_from, booking.occupied_until = slotlib.occupied_interval(
        start_at, duration, offering.buffer_min, _travel(offering)
    )
    booking.technician_id = tech.staff_id
    await session.flush()
    await _hold_cells(session, booking, tech)
    _schedule_reminders(session, booking, now)
    _booking_event(session, booking, "booking.rescheduled")
    events.emit(
        session, f"member:{booking.member_id}", "booking.moved_from", before | {"booking_id": booking.id}
    )
    return booking


async def cancel(session: AsyncSession, member: Principal, booking_id: int) -> Booking:
    """Cancel: free until the offering's free window before the start, then its fee (at most the price);
    what was paid comes back less the fee."""
    booking = await my_booking(session, member, booking_id)
    _require_booked(booking)
    offering = await session.get(ServiceOffering, booking.offering_id)
    assert offering is not None
    now = utcnow()
    fee = 0
    if now > booking.start_at - timedelta(hours=offering.free_cancel_hours):
        fee = min(offering.cancel_fee, booking.price)
    await _close(session, booking, fee, "member cancelled", member)
    return booking


async def staff_cancel(session: AsyncSession, principal: Principal, booking_id: int, reason: str) -> Booking:
    """The store cancels (technician ill, store closed): never a fee, everything paid goes back."""
    booking = await repo.get_booking(session, booking_id)
    if booking is None or not principal.can_act_for(booking.store_id):
        raise BookingNotFound(detail={"booking_id": booking_id})
    _require_booked(booking)
    await _close(session, booking, 0, f"store cancelled: {reason}", principal)
    audit.record(
        session,
        principal,
        "booking.cancel",
        "booking",
        booking.id,
        after={"reason": reason},
        store_id=booking.store_id,
    )
    return booking


async def _close(session: AsyncSession, booking: Booking, fee: int, reason: str, actor: Principal) -> None:
    booking.cancel_fee = fee
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    await repo.release_cells(session, booking.id)
    await repo.drop_unsent_reminders(session, booking.id)
    await session.flush()
    await booking_payments.refund_booking(session, booking, booking.paid_amount - fee, reason, actor)
    _booking_event(session, booking, "booking.cancelled")


# Technicians' schedules ----------------------------------------------------------------------------


async def update_technician(
    session: AsyncSession, principal: Principal, staff_id: int, body: TechnicianUpdate
) -> TechnicianProfile:
    tech = await scoped_technician(session, principal, staff_id)
    changes = body.model_dump(exclude_none=True)
    before = {k: getattr(tech, k) for k in changes}
    for key, value in changes.items():
        setattr(tech, key, value)
    await session.flush()
    audit.record(
        session,
        principal,
        "update",
        "technician",
        tech.staff_id,
        before=before,
        after=changes,
        store_id=tech.home_store_id,
    )
    return tech


async def schedule(
    session: AsyncSession, principal: Principal, staff_id: int, date_from: date, date_to: date
) -> tuple[TechnicianProfile, list[Shift], list[DayOff]]:
    if date_to < date_from or (date_to - date_from).days >= MAX_RANGE_DAYS * 3:
        raise ValidationFailed("The date range must run forward and span at most 93 days.")
    tech = await scoped_technician(session, principal, staff_id)
    shifts = list(await repo.shifts_for(session, [tech.staff_id], date_from, date_to))
    offs = sorted(
        await repo.days_off_for(session, [tech.staff_id], date_from, date_to), key=lambda o: o.local_date
    )
    return tech, shifts, offs


async def remove_shift(session: AsyncSession, principal: Principal, staff_id: int, shift_id: int) -> None:
    """Remove a shift, unless bookings fall inside it (move or cancel those first)."""
    tech = await scoped_technician(session, principal, staff_id)
    shift = await session.get(Shift, shift_id)
    if shift is None or shift.technician_id != tech.staff_id:
        raise NotFound("No such shift.", detail={"shift_id": shift_id})
    store = await repo.get_store(session, tech.home_store_id)
    assert store is not None
    tz = _tz(store)
    begin = slotlib.local_to_utc(shift.local_date, _hhmm(shift.start), tz)
    end = slotlib.local_to_utc(shift.local_date, _hhmm(shift.end), tz)
    booked = await repo.active_bookings_between(session, [tech.staff_id], begin, end)
    if booked:
        raise Conflict(
            "Bookings fall in this shift; move or cancel them first.",
            detail={"booking_ids": [b.id for b in booked]},
        )
    await session.delete(shift)
    await session.flush()
    audit.record(
        session,
        principal,
        "delete",
        "technician_shift",
        shift_id,
        before={"local_date": shift.local_date.isoformat(), "start": shift.start, "end": shift.end},
        store_id=tech.home_store_id,
    )
