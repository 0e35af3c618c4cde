"""The SDK's ticket calls against the real app: open, escalate, answer, reassign, resolve, rate."""

from __future__ import annotations

import httpx
import pytest

from shared import sdk
from tests.factories import PASSWORD, create_staff, create_store


def _client(app) -> sdk.AsyncClient:  # type: ignore[no-untyped-def]
    return sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )


async def test_sdk_ticket_round_trip(app, session):
    store = await create_store(session)
    clerk = await create_staff(session, ["clerk"], [store])
    hq = await create_staff(session, ["hq_admin"], [])
    await session.commit()

    member = _client(app)
    await member.auth.request_code("13700000654")
    await member.auth.verify_code("13700000654", app.state.sms.last_codes["13700000654"])
    question = await member.tickets.open("question", "会员积分", "积分什么时候到账？", store_id=store.id)
    assert question.status == "open" and question.store_id == store.id
    chat = await member.tickets.escalate(
        "退款进度",
        [{"role": "member", "text": "退款还没到"}, {"role": "assistant", "text": "我帮您转人工"}],
        category="refund",
    )
    assert chat.source == "assistant" and len(chat.messages) == 2
    assert [t.id for t in await member.tickets.mine()] == [chat.id, question.id]

    staff = _client(app)
    await staff.auth.staff_login(clerk.username, PASSWORD)
    assert [t.id for t in await staff.tickets.queue()] == [question.id]
    reply = await staff.tickets.reply(question.id, "下单完成后24小时内到账")
    assert reply.author_kind == "staff"
    with pytest.raises(sdk.NotFound):
        await staff.tickets.get(chat.id)

    admin = _client(app)
    await admin.auth.staff_login(hq.username, PASSWORD)
    assert [t.id for t in await admin.tickets.queue(hq_queue=True)] == [chat.id]
    moved = await admin.tickets.assign(chat.id, store.id, clerk.id)
    assert moved.assignee_id == clerk.id
    assert (await staff.tickets.resolve(chat.id)).status == "resolved"
    rated = await member.tickets.rate(chat.id, 5, "很快")
    assert rated.status == "closed" and rated.rating == 5
    with pytest.raises(sdk.Conflict):
        await member.tickets.reply(chat.id, "谢谢")
    history = await member.tickets.get(question.id)
    assert [m.body for m in history.messages] == ["积分什么时候到账？", "下单完成后24小时内到账"]
    for client in (member, staff, admin):
        await client.aclose()
