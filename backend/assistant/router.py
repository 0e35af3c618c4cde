"""The assistant over the API: chat (signed in or not) and the FAQ knowledge base (HQ edits)."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.assistant import llm, service
from backend.assistant import repository as repo
from backend.assistant.schemas import ChatReply, ChatRequest, Faq, FaqCreate, FaqUpdate
from backend.auth.deps import AppSettings, CurrentHQ, OptionalPrincipal
from backend.core.db import DbSession

router = APIRouter(prefix="/assistant", tags=["assistant"])


@router.post("/chat", response_model=ChatReply)
async def chat(
    body: ChatRequest, principal: OptionalPrincipal, session: DbSession, settings: AppSettings
) -> ChatReply:
    """Ask the assistant; answers come from the member's own records, or a ticket hands over to staff."""
    return await service.chat(session, principal, body, llm.from_settings(settings))


@router.get("/faq", response_model=list[Faq])
async def list_faq(principal: CurrentHQ, session: DbSession) -> list[Faq]:
    """The FAQ knowledge base (HQ)."""
    return [Faq.model_validate(e) for e in await repo.faq_entries(session, active_only=False)]


@router.post("/faq", response_model=Faq, status_code=status.HTTP_201_CREATED)
async def create_faq(body: FaqCreate, principal: CurrentHQ, session: DbSession) -> Faq:
    """Add a question and its answer in both languages (HQ)."""
    return Faq.model_validate(await service.create_faq(session, principal, body))


@router.patch("/faq/{faq_id}", response_model=Faq)
async def update_faq(faq_id: int, body: FaqUpdate, principal: CurrentHQ, session: DbSession) -> Faq:
    """Change or retire an entry (HQ)."""
    return Faq.model_validate(await service.update_faq(session, principal, faq_id, body))
