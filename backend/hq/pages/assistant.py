"""智能客服: the FAQ knowledge base the assistant answers from (HQ adds, retires and restores entries),
and what shoppers asked lately with the intent understood and whether it went to a human."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assistant import repository as repo
from backend.assistant import service
from backend.assistant.models import ChatTurn
from backend.assistant.schemas import FaqCreate, FaqUpdate
from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import Forbidden, RetailError, ValidationFailed
from backend.hq.session import check_csrf
from backend.hq.web import Action, Column, HQUser, Input, Table, form_failed, nav, table_page
from backend.hq.web import Form as PageForm

router = APIRouter()
nav("assistant", "智能客服", "/hq/assistant")


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    entries = await repo.faq_entries(session, active_only=False)
    turns = list(await session.scalars(select(ChatTurn).order_by(ChatTurn.id.desc()).limit(200)))
    context: dict[str, Any] = {
        "tables": [
            Table(
                "faq",
                "知识库",
                [
                    Column("id", "编号"),
                    Column("question_zh", "问题"),
                    Column("answer_zh", "回答"),
                    Column("question_en", "Question", "muted"),
                    Column("keywords", "关键词", "muted"),
                    Column("state", "状态"),
                ],
                [
                    {
                        "id": e.id,
                        "question_zh": e.question_zh,
                        "answer_zh": e.answer_zh,
                        "question_en": e.question_en,
                        "keywords": e.keywords,
                        "state": "启用" if e.active else "停用",
                        "active": e.active,
                        "retired": not e.active,
                    }
                    for e in entries
                ],
                actions=[
                    Action("停用", "/hq/assistant/faq/{id}/retire", "secondary", when="active"),
                    Action("启用", "/hq/assistant/faq/{id}/restore", when="retired"),
                ]
                if principal.is_hq
                else [],
                empty="知识库还是空的",
            ),
            Table(
                "turns",
                "最近的提问",
                [
                    Column("at", "时间 (UTC)", "time"),
                    Column("message", "提问"),
                    Column("intent", "理解为"),
                    Column("confidence", "置信度", "share"),
                    Column("ticket", "转人工"),
                ],
                [
                    {
                        "at": t.created_at,
                        "message": t.message,
                        "intent": t.intent,
                        "confidence": t.confidence,
                        "ticket": f"工单 {t.ticket_id}" if t.ticket_id else "",
                    }
                    for t in turns
                ],
            ),
        ]
    }
    if principal.is_hq:
        context["forms"] = ["_faq_form.html"]
        if entries:
            context["forms"].append(
                PageForm(
                    "faq_edit",
                    "修改知识",
                    "/hq/assistant/faq-edits",
                    [
                        Input(
                            "faq_id",
                            "条目",
                            "select",
                            [(str(e.id), f"{e.id} {e.question_zh}") for e in entries],
                        ),
                        Input("question_zh", "问题", required=False),
                        Input("answer_zh", "回答", required=False),
                        Input("question_en", "Question (English)", required=False),
                        Input("answer_en", "Answer (English)", required=False),
                        Input("keywords", "关键词（空格分隔）", required=False),
                    ],
                    note="只填写要改的项，留空的保持不变；修改后助手立即按新内容回答。",
                )
            )
    return context


PAGE = ("assistant", "智能客服", build)


@router.post("/assistant/faq-edits", response_model=None)
async def edit_faq(
    request: Request,
    principal: HQUser,
    session: DbSession,
    csrf: Annotated[str, Form()] = "",
    faq_id: Annotated[int, Form(gt=0)] = 0,
    question_zh: Annotated[str, Form(max_length=200)] = "",
    answer_zh: Annotated[str, Form(max_length=4000)] = "",
    question_en: Annotated[str, Form(max_length=200)] = "",
    answer_en: Annotated[str, Form(max_length=4000)] = "",
    keywords: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ edits the knowledge base.")
    fields = {
        "question_zh": question_zh,
        "answer_zh": answer_zh,
        "question_en": question_en,
        "answer_en": answer_en,
        "keywords": keywords,
    }
    try:
        changes = {k: v.strip() for k, v in fields.items() if v.strip()}
        if not changes:
            raise ValueError("请至少填写一项要修改的内容")
        await service.update_faq(session, principal, faq_id, FaqUpdate(**changes))
    except (ValueError, ValidationError, RetailError) as exc:
        return await form_failed(request, session, principal, PAGE, "faq_edit", exc)
    return RedirectResponse(f"/hq/assistant?flash=已修改知识 {faq_id}", status_code=303)


table_page(router, "/assistant", "assistant", "智能客服", build)


@router.post("/assistant/faq")
async def add_faq(
    request: Request,
    principal: HQUser,
    session: DbSession,
    question_zh: Annotated[str, Form(max_length=200)],
    answer_zh: Annotated[str, Form(max_length=4000)],
    question_en: Annotated[str, Form(max_length=200)],
    answer_en: Annotated[str, Form(max_length=4000)],
    keywords: Annotated[str, Form(max_length=300)] = "",
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ edits the knowledge base.")
    try:
        body = FaqCreate(
            question_zh=question_zh,
            question_en=question_en,
            answer_zh=answer_zh,
            answer_en=answer_en,
            keywords=keywords,
        )
    except ValidationError as exc:
        raise ValidationFailed(detail=[e["msg"] for e in exc.errors()]) from exc
    entry = await service.create_faq(session, principal, body)
    return RedirectResponse(f"/hq/assistant?flash=已添加知识 {entry.id}", status_code=303)


@router.post("/assistant/faq/{faq_id}/{action}")
async def toggle_faq(
    request: Request,
    principal: HQUser,
    session: DbSession,
    faq_id: int,
    action: str,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_csrf(request, csrf)
    if not principal.is_hq:
        raise Forbidden("Only HQ edits the knowledge base.")
    if action not in ("retire", "restore"):
        raise ValidationFailed("Unknown action.", detail={"action": action})
    await service.update_faq(session, principal, faq_id, FaqUpdate(active=action == "restore"))
    done = "已启用" if action == "restore" else "已停用"
    return RedirectResponse(f"/hq/assistant?flash=知识 {faq_id} {done}", status_code=303)
