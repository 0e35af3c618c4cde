from __future__ import annotations

from backend.core.errors import Conflict, NotFound


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    default_message = "No such ticket."


class TicketClosed(Conflict):
    code = "ticket_closed"
    default_message = "This ticket is closed."
