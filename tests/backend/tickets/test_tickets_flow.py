"""Tickets through the API: SLA deadlines per category, scoping, conversation, assignment, breaches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.core.events import Event
from backend.core.time import utcnow
from backend.tickets.models import Ticket
from backend.tickets.tasks import sla_breaches
from tests.backend.appointments.factories import signed_in_member
from tests.factories import bearer, create_staff, create_store, staff_token

API = "/api/v1/tickets"


def _close(value: str, expected) -> bool:  # type: ignore[no-untyped-def]
    from datetime import datetime

    got = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return abs((got - expected).total_seconds()) < 120


async def test_a_complaint_gets_its_sla_goes_to_the_store_and_is_answered_resolved_and_rated(
    client, session, settings
):
    store, other = await create_store(session), await create_store(session)
    member_id, token = await signed_in_member(session, settings)
    _, stranger = await signed_in_member(session, settings)
    clerk = await create_staff(session, ["clerk"], [store])
    outsider = await create_staff(session, ["clerk"], [other])
    hq = await create_staff(session, ["hq_admin"], [])
    await session.commit()
    opened = await client.post(
        API,
        json={
            "category": "complaint",
            "subject": "店员态度差",
            "body": "收银员很不耐烦",
            "store_id": store.id,
        },
        headers=bearer(token),
    )
    assert opened.status_code == 201, opened.text
    ticket = opened.json()
    now = utcnow()
    assert _close(ticket["first_response_due"], now + timedelta(hours=2))
    assert _close(ticket["resolution_due"], now + timedelta(hours=24))
    assert ticket["status"] == "open" and ticket["source"] == "member"
    assert [m["body"] for m in ticket["messages"]] == ["收银员很不耐烦"]

    staff, stranger_staff = (
        bearer(await staff_token(client, clerk)),
        bearer(await staff_token(client, outsider)),
    )
    assert (await client.get(f"{API}/{ticket['id']}", headers=bearer(stranger))).status_code == 404
    assert (await client.get(f"{API}/{ticket['id']}", headers=stranger_staff)).status_code == 404
    assert [t["id"] for t in (await client.get(API, headers=stranger_staff)).json()] == []
    assert [t["id"] for t in (await client.get(API, headers=staff)).json()] == [ticket["id"]]

    note = await client.post(
        f"{API}/{ticket['id']}/messages", json={"body": "已联系店长", "internal": True}, headers=staff
    )
    assert note.status_code == 201
    answer = await client.post(
        f"{API}/{ticket['id']}/messages", json={"body": "非常抱歉，已批评教育"}, headers=staff
    )
    assert answer.json()["author_kind"] == "staff"
    member_view = await client.get(f"{API}/{ticket['id']}", headers=bearer(token))
    assert [m["body"] for m in member_view.json()["messages"]] == ["收银员很不耐烦", "非常抱歉，已批评教育"]
    assert member_view.json()["status"] == "waiting_member" and member_view.json()["first_responded_at"]
    staff_view = await client.get(f"{API}/{ticket['id']}", headers=staff)
    assert len(staff_view.json()["messages"]) == 3 and staff_view.json()["assignee_id"] == clerk.id
    sneaky = await client.post(
        f"{API}/{ticket['id']}/messages", json={"body": "x", "internal": True}, headers=bearer(token)
    )
    assert sneaky.status_code == 400

    early = await client.post(f"{API}/{ticket['id']}/rating", json={"rating": 5}, headers=bearer(token))
    assert early.status_code == 409
    resolved = await client.post(f"{API}/{ticket['id']}/resolve", headers=staff)
    assert resolved.json()["status"] == "resolved"
    reopened = await client.post(
        f"{API}/{ticket['id']}/messages", json={"body": "还有个问题"}, headers=bearer(token)
    )
    assert reopened.status_code == 201
    assert (await client.get(f"{API}/{ticket['id']}", headers=bearer(token))).json()["status"] == "open"
    await client.post(f"{API}/{ticket['id']}/resolve", headers=staff)
    rated = await client.post(
        f"{API}/{ticket['id']}/rating", json={"rating": 4, "comment": "处理及时"}, headers=bearer(token)
    )
    assert rated.json()["status"] == "closed" and rated.json()["rating"] == 4
    closed = await client.post(f"{API}/{ticket['id']}/messages", json={"body": "再问"}, headers=bearer(token))
    assert closed.status_code == 409 and closed.json()["error"] == "ticket_closed"
    hq_view = await client.get(API, headers=bearer(await staff_token(client, hq)))
    assert ticket["id"] in [t["id"] for t in hq_view.json()]
    assert [t["id"] for t in (await client.get(f"{API}/mine", headers=bearer(token))).json()] == [
        ticket["id"]
    ]
    assert member_id == ticket["member_id"]


async def test_the_assistant_escalates_a_chat_to_hq_which_hands_it_to_a_store(client, session, settings):
    store = await create_store(session)
    _, token = await signed_in_member(session, settings)
    clerk = await create_staff(session, ["clerk"], [store])
    hq = await create_staff(session, ["hq_admin"], [])
    await session.commit()
    transcript = [
        {"role": "member", "text": "我的优惠券用不了"},
        {"role": "assistant", "text": "请问是哪张优惠券？"},
        {"role": "member", "text": "满100减20那张，转人工"},
    ]
    escalated = await client.post(
        f"{API}/escalations",
        json={
            "category": "refund",
            "subject": "优惠券无法使用",
            "transcript": transcript,
            "client_ref": "chat-000123",
        },
        headers=bearer(token),
    )
    assert escalated.status_code == 201, escalated.text
    ticket = escalated.json()
    assert ticket["source"] == "assistant" and ticket["store_id"] is None
    assert [(m["author_kind"], m["body"]) for m in ticket["messages"]] == [
        ("member", "我的优惠券用不了"),
        ("assistant", "请问是哪张优惠券？"),
        ("member", "满100减20那张，转人工"),
    ]
    # Escalations must be answered within half an hour whatever the category says.
    assert _close(ticket["first_response_due"], utcnow() + timedelta(minutes=30))
    again = await client.post(
        f"{API}/escalations",
        json={
            "category": "refund",
            "subject": "优惠券无法使用",
            "transcript": transcript,
            "client_ref": "chat-000123",
        },
        headers=bearer(token),
    )
    assert again.json()["id"] == ticket["id"]

    staff, boss = bearer(await staff_token(client, clerk)), bearer(await staff_token(client, hq))
    assert (await client.get(f"{API}/{ticket['id']}", headers=staff)).status_code == 404
    hq_queue = await client.get(API, params={"hq_queue": True}, headers=boss)
    assert [t["id"] for t in hq_queue.json()] == [ticket["id"]]
    wrong_person = await client.post(
        f"{API}/{ticket['id']}/assign", json={"store_id": store.id, "assignee_id": hq.id}, headers=boss
    )
    assert wrong_person.status_code == 400
    moved = await client.post(
        f"{API}/{ticket['id']}/assign", json={"store_id": store.id, "assignee_id": clerk.id}, headers=boss
    )
    assert moved.json()["store_id"] == store.id and moved.json()["assignee_id"] == clerk.id
    assert (await client.get(f"{API}/{ticket['id']}", headers=staff)).status_code == 200
    back = await client.post(f"{API}/{ticket['id']}/assign", json={"store_id": None}, headers=staff)
    assert back.json()["store_id"] is None
    assert (await client.get(f"{API}/{ticket['id']}", headers=staff)).status_code == 404


async def test_overdue_tickets_are_marked_once_and_their_queue_is_told(client, session, settings):
    store = await create_store(session)
    _, token = await signed_in_member(session, settings)
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    late = await client.post(
        API,
        json={"category": "delivery", "subject": "配送超时", "body": "两小时还没到", "store_id": store.id},
        headers=bearer(token),
    )
    calm = await client.post(
        API,
        json={"category": "question", "subject": "营业时间", "body": "几点关门？", "store_id": store.id},
        headers=bearer(token),
    )
    staff = bearer(await staff_token(client, clerk))
    answered = await client.post(
        f"{API}/{calm.json()['id']}/messages", json={"body": "晚上十点"}, headers=staff
    )
    assert answered.status_code == 201
    now = utcnow()
    # Delivery: first answer within 1 hour, resolution within 12; the question was answered in time.
    assert await sla_breaches(session, now + timedelta(minutes=90)) == 1
    assert await sla_breaches(session, now + timedelta(minutes=95)) == 0
    assert await sla_breaches(session, now + timedelta(hours=13)) == 1
    await session.commit()
    row = await session.get(Ticket, late.json()["id"], populate_existing=True)
    assert row is not None and row.response_breached_at is not None and row.resolution_breached_at is not None
    calm_row = await session.get(Ticket, calm.json()["id"], populate_existing=True)
    assert calm_row is not None and calm_row.response_breached_at is None
    kinds = [
        e.payload["deadline"]
        for e in await session.scalars(
            select(Event)
            .where(Event.topic == f"store:{store.id}:tickets", Event.type == "ticket.sla_breached")
            .order_by(Event.id)
        )
    ]
    assert kinds == ["first_response", "resolution"]
    await session.commit()
    breached = await client.get(API, params={"breached": True}, headers=staff)
    assert [t["id"] for t in breached.json()] == [late.json()["id"]]
    fine = await client.get(API, params={"breached": False}, headers=staff)
    assert [t["id"] for t in fine.json()] == [calm.json()["id"]]
    bad = await client.post(
        API, json={"category": "gossip", "subject": "xx", "body": "y"}, headers=bearer(token)
    )
    assert bad.status_code == 422
