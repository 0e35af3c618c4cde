"""Service levels per ticket category: how soon staff must first answer, and resolve."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.tickets.enums import TicketCategory

# (first response, resolution)
SLA: dict[str, tuple[timedelta, timedelta]] = {
    TicketCategory.COMPLAINT: (timedelta(hours=2), timedelta(hours=24)),
    TicketCategory.QUALITY: (timedelta(hours=2), timedelta(hours=48)),
    TicketCategory.DELIVERY: (timedelta(hours=1), timedelta(hours=12)),
    TicketCategory.SERVICE: (timedelta(hours=4), timedelta(hours=48)),
    TicketCategory.REFUND: (timedelta(hours=4), timedelta(hours=72)),
    TicketCategory.QUESTION: (timedelta(hours=8), timedelta(hours=72)),
}
# Escalations from the assistant: the shopper already waited on the bot, so the first answer is due sooner.
ESCALATION_RESPONSE = timedelta(minutes=30)


def deadlines(category: str, opened_at: datetime, *, escalated: bool = False) -> tuple[datetime, datetime]:
    response, resolution = SLA[category]
    if escalated:
        response = min(response, ESCALATION_RESPONSE)
    return opened_at + response, opened_at + resolution
