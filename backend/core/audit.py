"""Append-only audit log of staff changes: who changed which price, stock, order, balance or rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, bigpk, created_at


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[bigpk]
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    store_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    created_at: Mapped[created_at]


def record(
    session: AsyncSession,
    actor: Any,
    action: str,
    entity: str,
    entity_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    store_id: int | None = None,
) -> None:
    """Write an audit row in the current transaction. ``actor`` is a Principal (or None for the system)."""
    session.add(
        AuditEntry(
            actor_kind=getattr(actor, "kind", "system"),
            actor_id=getattr(actor, "id", None),
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            store_id=store_id,
            before=before,
            after=after,
        )
    )
