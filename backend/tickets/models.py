"""Support tickets: complaints and questions with SLA deadlines, assignment, and the conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk, updated_at
from backend.tickets.enums import TicketStatus


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("member_id", "client_ref"),)

    id: Mapped[intpk]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    category: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.OPEN, index=True)
    source: Mapped[str] = mapped_column(String(12))
    # None: HQ's customer service handles it; otherwise the store's staff.
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    first_response_due: Mapped[datetime] = mapped_column(index=True)
    resolution_due: Mapped[datetime] = mapped_column(index=True)
    first_responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    response_breached_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    client_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class TicketMessage(Base):
    __tablename__ = "ticket_messages"

    id: Mapped[intpk]
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # Staff notes to each other, never shown to the member.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[created_at]
