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


class AreaRequired(BadRequest):
    code = "area_required"
    default_message = "This service is priced by area: give the area in m²."


class AreaOutOfRange(BadRequest):
    code = "area_out_of_range"
    default_message = "The area is too large for this spec; choose a larger one."


class ChangeWindowClosed(Conflict):
    code = "change_window_closed"
    default_message = "It is too close to the start to move this booking; cancel it instead."


class WorkOrderNotFound(NotFound):
    code = "work_order_not_found"
    default_message = "No such work order."


class AlreadyRated(Conflict):
    code = "already_rated"
    default_message = "This work order has already been rated."
