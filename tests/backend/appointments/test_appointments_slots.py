"""Written cases for the pure slot computation (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from backend.appointments.slots import ShiftSpec, TechnicianDay, available_slots, cells, local_to_utc

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
D = date(2026, 3, 10)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def sh(h: int, mi: int = 0, day: date = D) -> datetime:
    """A Shanghai local time on ``day`` as UTC."""
    return local_to_utc(day, time(h, mi), SH)


def tech(tid: int = 1, *, shifts=None, busy=(), skills=("clean",), capacity=1, days_off=()) -> TechnicianDay:
    return TechnicianDay(
        technician_id=tid,
        skills=frozenset(skills),
        capacity=capacity,
        shifts=shifts if shifts is not None else [ShiftSpec(D, time(9), time(12))],
        days_off=frozenset(days_off),
        busy=list(busy),
    )


def starts(techs, tz=SH, date_from=D, date_to=D, **kw) -> list[datetime]:
    kw.setdefault("duration_min", 60)
    kw.setdefault("buffer_min", 0)
    return [s.start for s in available_slots(techs, date_from=date_from, date_to=date_to, tz=tz, **kw)]


def test_shanghai_morning_shift_converts_to_utc():
    assert sh(9) == utc(2026, 3, 10, 1)
    assert starts([tech()]) == [utc(2026, 3, 10, h, m) for h, m in ((1, 0), (1, 30), (2, 0), (2, 30), (3, 0))]


def test_a_break_removes_overlapping_starts():
    shift = ShiftSpec(D, time(9), time(12), [(time(10), time(10, 30))])
    assert starts([tech(shifts=[shift])]) == [sh(9), sh(10, 30), sh(11)]


def test_the_services_buffer_must_fit_in_the_shift():
    assert starts([tech()], buffer_min=30) == [sh(9), sh(9, 30), sh(10), sh(10, 30)]


def test_an_existing_booking_blocks_overlapping_starts_but_touching_is_fine():
    t = tech(shifts=[ShiftSpec(D, time(9), time(13))], busy=[(sh(10), sh(11))])
    assert starts([t]) == [sh(9), sh(11), sh(11, 30), sh(12)]


def test_an_existing_bookings_buffer_keeps_the_technician_busy():
    t = tech(shifts=[ShiftSpec(D, time(9), time(13))], busy=[(sh(10), sh(11, 30))])
    assert starts([t]) == [sh(9), sh(11, 30), sh(12)]


def test_a_day_off_has_no_slots():
    assert starts([tech(days_off=[D])]) == []


def test_technicians_without_the_skill_are_left_out():
    slots = available_slots(
        [tech(1, skills=("clean",)), tech(2, skills=("repair",))],
        date_from=D,
        date_to=D,
        tz=SH,
        duration_min=60,
        buffer_min=0,
        required_skill="repair",
    )
    assert {tuple(s.technician_ids) for s in slots} == {(2,)}


def test_free_technicians_are_grouped_by_start():
    busy_one = tech(1, busy=[(sh(9), sh(10))])
    slots = available_slots([busy_one, tech(2)], date_from=D, date_to=D, tz=SH, duration_min=60, buffer_min=0)
    assert slots[0].start == sh(9) and slots[0].technician_ids == [2]
    assert slots[2].start == sh(10) and slots[2].technician_ids == [1, 2]


def test_capacity_two_allows_one_overlap_but_not_two():
    one = tech(capacity=2, busy=[(sh(9), sh(10))])
    assert sh(9) in starts([one])
    two = tech(capacity=2, busy=[(sh(9), sh(10)), (sh(9, 30), sh(10, 30))])
    assert sh(9) not in starts([two]) and sh(9, 30) not in starts([two]) and sh(10, 30) in starts([two])


def test_at_home_travel_is_needed_before_and_after():
    assert starts([tech()], travel_min=30) == [sh(9, 30), sh(10), sh(10, 30)]


def test_not_before_drops_past_starts_and_dates_outside_the_range_are_ignored():
    other_day = ShiftSpec(date(2026, 3, 11), time(9), time(12))
    t = tech(shifts=[ShiftSpec(D, time(9), time(12)), other_day])
    assert starts([t], not_before=sh(10, 15)) == [sh(10, 30), sh(11)]
    assert len(starts([t], date_to=date(2026, 3, 11))) == 10


def test_granularity_of_an_hour():
    assert starts([tech()], granularity_min=60) == [sh(9), sh(10), sh(11)]


def test_berlin_across_the_spring_dst_change():
    # 2026-03-29 02:00 CET becomes 03:00 CEST: 09:00 is 08:00 UTC the day before and 07:00 UTC after.
    before, after = date(2026, 3, 28), date(2026, 3, 29)
    t = tech(shifts=[ShiftSpec(before, time(9), time(10)), ShiftSpec(after, time(9), time(10))])
    assert starts([t], tz=BERLIN, date_from=before, date_to=after) == [
        utc(2026, 3, 28, 8),
        utc(2026, 3, 29, 7),
    ]


def test_berlin_early_shift_on_the_night_the_clocks_go_back():
    # 2026-10-25 03:00 CEST becomes 02:00 CET; a 04:00-06:00 shift is 03:00-05:00 UTC.
    day = date(2026, 10, 25)
    t = tech(shifts=[ShiftSpec(day, time(4), time(6))])
    got = starts([t], tz=BERLIN, date_from=day, date_to=day)
    assert got == [utc(2026, 10, 25, 3), utc(2026, 10, 25, 3, 30), utc(2026, 10, 25, 4)]


def test_cells_cover_every_fifteen_minutes_touched():
    assert cells(utc(2026, 1, 1, 9, 10), utc(2026, 1, 1, 10, 5)) == [
        utc(2026, 1, 1, 9, 0),
        utc(2026, 1, 1, 9, 15),
        utc(2026, 1, 1, 9, 30),
        utc(2026, 1, 1, 9, 45),
        utc(2026, 1, 1, 10, 0),
    ]
    assert cells(utc(2026, 1, 1, 9), utc(2026, 1, 1, 10)) == [utc(2026, 1, 1, 9, m) for m in (0, 15, 30, 45)]
