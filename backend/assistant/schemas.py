"""Chat with the assistant and the FAQ knowledge base over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from backend.core.schemas import Schema

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ChatTurnIn(Schema):
    role: Literal["member", "assistant"]
    text: Annotated[str, StringConstraints(max_length=2000)]


class ChatRequest(Schema):
    message: Text
    # zh-CN or en; omitted: guessed from the message (any Chinese character → zh-CN).
    language: Literal["zh-CN", "en"] | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    # The chat so far, handed to a human with the ticket when the assistant gives up.
    history: list[ChatTurnIn] = Field(default_factory=list, max_length=40)


class ChatReply(Schema):
    intent: str
    confidence: float
    language: str
    answer: str
    # Suggested follow-ups the app shows as chips.
    suggestions: list[str] = Field(default_factory=list)
    # What the answer was built from (order ids, store ids, FAQ entry), never invented.
    grounding: dict[str, Any] = Field(default_factory=dict)
    ticket_id: int | None = None
    handed_over: bool = False
    # "llm" when the configured language model rephrased the grounded answer (numbers and codes kept).
    phrased_by: str | None = None


class FaqCreate(Schema):
    question_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    question_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    answer_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=4000)]
    answer_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=4000)]
    keywords: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    active: bool = True


class FaqUpdate(Schema):
    question_zh: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] | None
    ) = None
    question_en: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] | None
    ) = None
    answer_zh: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=4000)] | None
    ) = None
    answer_en: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=4000)] | None
    ) = None
    keywords: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    active: bool | None = None


class Faq(FaqCreate):
    id: int
    updated_at: datetime
