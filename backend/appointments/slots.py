"""Pure slot computation: which start times are free for which technicians (no database, no clock)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Every booking occupies whole cells of this size in ``technician_slots`` (the unique key's grain).
CELL_MINUTES = 15


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    """A working window on a local date, with breaks, all in the store's local wall-clock time."""

    local_date: date
    start: time
    end: time
    breaks: Sequence[tuple[time, time]] = ()


@dataclass(frozen=True, slots=True)
class TechnicianDay:
    """Everything about one technician the computation needs."""

    technician_id: int
    skills: frozenset[str] = frozenset()
    capacity: int = 1
    shifts: Sequence[ShiftSpec] = ()
    days_off: frozenset[date] = frozenset()
    # Occupied UTC intervals of existing bookings, buffers included.
    busy: Sequence[tuple[datetime, datetime]] = ()


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    technician_ids: list[int] = field(default_factory=list)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time on a local date, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def occupied_interval(
    start: datetime, duration_min: int, buffer_min: int, travel_min: int = 0
) -> tuple[datetime, datetime]:
    """How long a booking at ``start`` holds a technician: travel there, job, buffer, travel back."""
    return start - timedelta(minutes=travel_min), start + timedelta(
        minutes=duration_min + buffer_min + travel_min
    )


def cells(begin: datetime, end: datetime) -> list[datetime]:
    """The fixed-grain cells (UTC, aligned to the hour) that an interval touches."""
    begin = begin.astimezone(UTC)
    step = timedelta(minutes=CELL_MINUTES)
    first = begin.replace(second=0, microsecond=0, minute=begin.minute - begin.minute % CELL_MINUTES)
    out = []
    cell = first
    while cell < end:
        out.append(cell)
        cell += step
    return out


def _overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _windows(shift: ShiftSpec, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The shift split by its breaks, as UTC intervals."""
    begin, end = (
        local_to_utc(shift.local_date, shift.start, tz),
        local_to_utc(shift.local_date, shift.end, tz),
    )
    pieces = [(begin, end)]
    for b_start, b_end in sorted(shift.breaks):
        cut = (local_to_utc(shift.local_date, b_start, tz), local_to_utc(shift.local_date, b_end, tz))
        nxt = []
        for w in pieces:
            if not _overlaps(w, cut):
                nxt.append(w)
                continue
            if w[0] < cut[0]:
                nxt.append((w[0], cut[0]))
            if cut[1] < w[1]:
                nxt.append((cut[1], w[1]))
        pieces = nxt
    return pieces


def technician_free_starts(
    tech: TechnicianDay,
    *,
    date_from: date,
    date_to: date,
    tz: ZoneInfo,
    duration_min: int,
    buffer_min: int,
    travel_min: int = 0,
    granularity_min: int = 30,
    not_before: datetime | None = None,
    ignore_bookings: bool = False,
) -> list[datetime]:
    """UTC start times in [date_from, date_to] (local dates) at which this technician can take the job."""
    step = timedelta(minutes=granularity_min)
    out: list[datetime] = []
    for shift in tech.shifts:
        if not (date_from <= shift.local_date <= date_to) or shift.local_date in tech.days_off:
            continue
        windows = _windows(shift, tz)
        # Candidate starts step through the shift in local wall-clock time from its start.
        local = datetime.combine(shift.local_date, shift.start)
        local_end = datetime.combine(shift.local_date, shift.end)
        while local < local_end:
            start = local.replace(tzinfo=tz).astimezone(UTC)
            local += step
            if not_before is not None and start < not_before:
                continue
            need = occupied_interval(start, duration_min, buffer_min, travel_min)
            if not any(w[0] <= need[0] and need[1] <= w[1] for w in windows):
                continue
            if not ignore_bookings:
                clashes = sum(1 for b in tech.busy if _overlaps(b, need))
                if clashes >= tech.capacity:
                    continue
            out.append(start)
    return out


def available_slots(
    technicians: Iterable[TechnicianDay],
    *,
    date_from: date,
    date_to: date,
    tz: ZoneInfo,
    duration_min: int,
    buffer_min: int,
    travel_min: int = 0,
    required_skill: str | None = None,
    granularity_min: int = 30,
    not_before: datetime | None = None,
) -> list[Slot]:
    """Free start times (UTC) with the technicians who could take each, ordered by time."""
    by_start: dict[datetime, list[int]] = {}
    for tech in technicians:
        if required_skill and required_skill not in tech.skills:
            continue
        for start in technician_free_starts(
            tech,
            date_from=date_from,
            date_to=date_to,
            tz=tz,
            duration_min=duration_min,
            buffer_min=buffer_min,
            travel_min=travel_min,
            granularity_min=granularity_min,
            not_before=not_before,
        ):
            by_start.setdefault(start, []).append(tech.technician_id)
    return [Slot(start=s, technician_ids=sorted(ids)) for s, ids in sorted(by_start.items())]
