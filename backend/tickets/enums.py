"""Value sets of support tickets (no server imports)."""

from __future__ import annotations

from enum import StrEnum


class TicketCategory(StrEnum):
    COMPLAINT = "complaint"
    QUALITY = "quality"
    DELIVERY = "delivery"
    SERVICE = "service"
    REFUND = "refund"
    QUESTION = "question"


class TicketStatus(StrEnum):
    OPEN = "open"
    WAITING_MEMBER = "waiting_member"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketSource(StrEnum):
    MEMBER = "member"
    ASSISTANT = "assistant"
    STAFF = "staff"


class AuthorKind(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    ASSISTANT = "assistant"
