from __future__ import annotations

from backend.core.errors import BadRequest, Conflict, NotFound


class ServiceNotFound(NotFound):
    code = "service_not_found"
    default_message = "No such bookable service."


class TechnicianNotFound(NotFound):
    code = "technician_not_found"
    default_message = "No such technician."


class BookingNotFound(NotFound):
    code = "booking_not_found"
    default_message = "No such booking."


class SlotInPast(BadRequest):
    code = "slot_in_past"
    default_message = "This time has already passed."


class OutsideShift(BadRequest):
    code = "outside_shift"
    default_message = "No technician works at this time, or it is not one of the offered start times."


class OutOfServiceArea(BadRequest):
    code = "out_of_service_area"
    default_message = "The address is outside the service area."


class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = "This time has just been taken; choose another."


class ShiftExists(Conflict):
    code = "shift_exists"
    default_message = "The technician already has a shift on this date."
