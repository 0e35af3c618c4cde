"""The FAQ knowledge base HQ edits, and each chat turn the assistant answered (for review)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk, updated_at


class FaqEntry(Base):
    __tablename__ = "assistant_faq"

    id: Mapped[intpk]
    question_zh: Mapped[str] = mapped_column(String(200))
    question_en: Mapped[str] = mapped_column(String(200))
    answer_zh: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str] = mapped_column(Text)
    # Extra words shoppers use for this question, space separated (e.g. "发票 开票 invoice").
    keywords: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class ChatTurn(Base):
    __tablename__ = "assistant_turns"

    id: Mapped[intpk]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    message: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(30))
    confidence: Mapped[float] = mapped_column(Float)
    answer: Mapped[str] = mapped_column(Text)
    # The records the answer was built from: {"order_id": ..., "store_ids": [...], "faq_id": ...}.
    grounding: Mapped[dict[str, Any]]
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
