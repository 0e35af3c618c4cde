"""售后 tickets on the HQ pages through HTTP: the conversation read and answered (the member sees the
reply through the API, not the internal note), resolved; SLA breaches listed; a franchisee cannot open
another merchant's ticket."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from backend.core.time import utcnow
from backend.tickets.tasks import sla_breaches
from tests.backend.appointments.factories import signed_in_member
from tests.backend.hq.factories import csrf_of, hq_login
from tests.factories import bearer, create_merchant, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_ticket_conversation_reply_resolve_and_sla_breaches(client, session, settings):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id)
    other = await create_store(session, merchant_id=theirs.id)
    _, token = await signed_in_member(session, settings)
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    member = bearer(token)
    late = await client.post(
        "/api/v1/tickets",
        json={"category": "delivery", "subject": "配送超时", "body": "两小时还没到", "store_id": other.id},
        headers=member,
    )
    mine_ticket = await client.post(
        "/api/v1/tickets",
        json={"category": "question", "subject": "营业时间", "body": "几点关门？", "store_id": own.id},
        headers=member,
    )
    late_id, own_id = late.json()["id"], mine_ticket.json()["id"]
    assert await sla_breaches(session, utcnow() + timedelta(minutes=90)) == 1
    await session.commit()

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/aftersales")
    page = await client.get("/hq/aftersales")
    assert f"/hq/aftersales/tickets/{late_id}" in page.text
    breaches = csv_rows((await client.get("/hq/aftersales.csv?table=breaches")).text)
    assert [(r["id"], r["subject"]) for r in breaches] == [(str(late_id), "配送超时")]
    assert breaches[0]["response_breached_at"] != ""
    opened = await client.get(f"/hq/aftersales/tickets/{late_id}")
    assert (
        opened.status_code == 200
        and "两小时还没到" in opened.text
        and 'data-kpi="sla">响应超时' in opened.text
    )
    empty = await client.post(f"/hq/aftersales/tickets/{late_id}/reply", data={"csrf": token, "body": "  "})
    assert empty.status_code == 422 and 'role="alert"' in empty.text
    note = {"csrf": token, "body": "骑手已联系，预计十分钟", "internal": "true"}
    assert (await client.post(f"/hq/aftersales/tickets/{late_id}/reply", data=note)).status_code == 303
    answer = {"csrf": token, "body": "非常抱歉，骑手十分钟内送达"}
    assert (await client.post(f"/hq/aftersales/tickets/{late_id}/reply", data=answer)).status_code == 303
    thread = await client.get(f"/hq/aftersales/tickets/{late_id}")
    assert "骑手已联系" in thread.text and "内部备注" in thread.text and "十分钟内送达" in thread.text
    seen = (await client.get(f"/api/v1/tickets/{late_id}", headers=member)).json()
    assert [m["body"] for m in seen["messages"]] == ["两小时还没到", "非常抱歉，骑手十分钟内送达"]
    assert seen["status"] == "waiting_member"
    assert (
        await client.post(f"/hq/aftersales/tickets/{late_id}/resolve", data={"csrf": token})
    ).status_code == 303
    assert (await client.get(f"/api/v1/tickets/{late_id}", headers=member)).json()["status"] == "resolved"
    again = await client.post(f"/hq/aftersales/tickets/{late_id}/resolve", data={"csrf": token})
    assert again.status_code == 409
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/aftersales")
    assert csv_rows((await client.get("/hq/aftersales.csv?table=breaches")).text) == []
    assert [r["id"] for r in csv_rows((await client.get("/hq/aftersales.csv?table=tickets")).text)] == [
        str(own_id)
    ]
    assert (await client.get(f"/hq/aftersales/tickets/{late_id}")).status_code == 404
    denied = await client.post(f"/hq/aftersales/tickets/{late_id}/reply", data={"csrf": token, "body": "x"})
    assert denied.status_code == 404
    assert (
        await client.post(f"/hq/aftersales/tickets/{late_id}/resolve", data={"csrf": token})
    ).status_code == 404
    reply = await client.post(
        f"/hq/aftersales/tickets/{own_id}/reply", data={"csrf": token, "body": "晚上十点"}
    )
    assert reply.status_code == 303
    assert (await client.get(f"/api/v1/tickets/{own_id}", headers=member)).json()["messages"][-1][
        "body"
    ] == "晚上十点"
