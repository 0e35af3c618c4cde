from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from backend.core.schemas import Schema
from backend.tickets.enums import TicketCategory


class TicketCreate(Schema):
    category: TicketCategory
    subject: str = Field(min_length=2, max_length=120)
    body: str = Field(min_length=1, max_length=4000)
    order_id: int | None = Field(default=None, gt=0)
    store_id: int | None = Field(default=None, gt=0)
    client_ref: str | None = Field(default=None, min_length=8, max_length=64)


class ChatTurn(Schema):
    role: Literal["member", "assistant"]
    text: str = Field(min_length=1, max_length=4000)


class Escalation(Schema):
    """What the assistant hands over when it cannot help: the chat so far and what it is about."""

    category: TicketCategory = TicketCategory.QUESTION
    subject: str = Field(min_length=2, max_length=120)
    transcript: list[ChatTurn] = Field(min_length=1, max_length=100)
    order_id: int | None = Field(default=None, gt=0)
    store_id: int | None = Field(default=None, gt=0)
    client_ref: str | None = Field(default=None, min_length=8, max_length=64)


class MessageCreate(Schema):
    body: str = Field(min_length=1, max_length=4000)
    internal: bool = False


class Assignment(Schema):
    store_id: int | None = Field(default=None, gt=0)
    assignee_id: int | None = Field(default=None, gt=0)


class RatingCreate(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class Message(Schema):
    id: int
    author_kind: str
    author_id: int | None
    body: str
    internal: bool
    created_at: datetime


class Ticket(Schema):
    id: int
    member_id: int | None
    category: str
    subject: str
    status: str
    source: str
    store_id: int | None
    assignee_id: int | None
    order_id: int | None
    first_response_due: datetime
    resolution_due: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    response_breached_at: datetime | None
    resolution_breached_at: datetime | None
    rating: int | None
    rating_comment: str | None
    created_at: datetime
    messages: list[Message] = Field(default_factory=list)
