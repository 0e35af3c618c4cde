"""The assistant answers from the member's own records through the API and hands over when unsure."""

from __future__ import annotations

from sqlalchemy import select

from backend.catalog import service as catalog_service
from backend.catalog.models import Product
from backend.members import wallet
from backend.orders.models import Order
from backend.tickets.models import Ticket, TicketMessage
from tests.backend.orders.factories import pay, pickup_body, place, put_stock, shopper
from tests.factories import (
    bearer,
    create_member,
    create_sku,
    create_staff,
    create_store,
    member_token,
    staff_token,
)


async def ask(client, text: str, headers=None, **extra):  # type: ignore[no-untyped-def]
    response = await client.post(
        "/api/v1/assistant/chat", json={"message": text, **extra}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_order_status_and_pickup_code_come_from_the_members_own_orders(app, client, session):
    store = await create_store(session, name_zh="人民广场店")
    milk = await create_sku(session, name="牛奶")
    await put_stock(session, store, milk, 10)
    _, me = await shopper(client, app, session)
    _, other = await shopper(client, app, session)
    mine = (await place(client, me, pickup_body(store, [(milk, 1)]))).json()
    await pay(client, me, mine["id"])
    theirs = (await place(client, other, pickup_body(store, [(milk, 2)]))).json()

    reply = await ask(client, "我的订单到哪了", me)
    assert reply["intent"] == "order_status" and reply["grounding"]["order_ids"] == [mine["id"]]
    assert mine["number"] in reply["answer"] and "已付款" in reply["answer"]

    code = await ask(client, "what's my pickup code", me)
    assert code["language"] == "en" and code["intent"] == "pickup_code"
    pickup_code = await session.scalar(
        select(Order.pickup_code).where(Order.id == mine["id"]).execution_options(populate_existing=True)
    )
    await session.commit()
    assert pickup_code and pickup_code in code["answer"]

    # Someone else's order number is never described.
    probe = await ask(client, f"订单 {theirs['number']} 到哪了", me)
    assert theirs["number"] not in probe["answer"] and probe["grounding"]["order_ids"] == []

    anonymous = await ask(client, "我的订单到哪了")
    assert "请先登录" in anonymous["answer"] and not anonymous["handed_over"]


async def test_stock_points_and_stored_value_are_the_databases_figures(app, client, session):
    store = await create_store(session, name_zh="西湖店")
    yogurt = await create_sku(session, name="酸奶")
    await catalog_service.reindex(session, await session.get(Product, yogurt.product_id))
    await put_stock(session, store, yogurt, 7)
    member = await create_member(session, home_store_id=store.id)
    await wallet.earn_points(session, member.id, 1234, "test", "assistant", valid_days=30)
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))

    stock = await ask(client, "西湖店还有酸奶吗", headers)
    assert stock["intent"] == "stock_check" and "7 件" in stock["answer"]
    assert stock["grounding"]["store_ids"] == [store.id]

    near = await ask(client, "酸奶有货吗", headers)
    assert "西湖店 7 件" in near["answer"]

    points = await ask(client, "我有多少积分", headers)
    assert "1234 积分" in points["answer"] and points["grounding"]["points"] == 1234

    balance = await ask(client, "how much is left on my card", headers)
    assert balance["intent"] == "stored_value" and "¥0.00" in balance["answer"]


async def test_asking_for_a_human_or_a_question_it_cannot_place_opens_a_ticket(app, client, session):
    _, me = await shopper(client, app, session)
    reply = await ask(
        client,
        "我要投诉，转人工",
        me,
        history=[{"role": "member", "text": "你好"}, {"role": "assistant", "text": "您好"}],
    )
    assert reply["intent"] == "human" and reply["handed_over"] and reply["ticket_id"]
    ticket = await session.get(Ticket, reply["ticket_id"])
    assert ticket.source == "assistant" and ticket.category == "complaint"
    messages = list(await session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)))
    await session.commit()
    assert [m.body for m in messages][:3] == ["你好", "您好", "我要投诉，转人工"]

    unsure = await ask(client, "qwzx plmk 7788 zzkv", me)
    assert unsure["handed_over"] and unsure["confidence"] < 0.35


async def test_hq_maintains_the_faq_and_the_assistant_answers_from_it(app, client, session):
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    hq_headers = bearer(await staff_token(client, hq))
    _, me = await shopper(client, app, session)
    entry = {
        "question_zh": "怎么开发票",
        "question_en": "how do i get an invoice",
        "answer_zh": "在订单详情页点“申请发票”，电子发票会发到您的邮箱。",
        "answer_en": "Open the order and tap Request invoice; the e-invoice is emailed to you.",
        "keywords": "发票 开票 invoice fapiao",
    }
    denied = await client.post("/api/v1/assistant/faq", json=entry, headers=me)
    assert denied.status_code == 403
    created = await client.post("/api/v1/assistant/faq", json=entry, headers=hq_headers)
    assert created.status_code == 201, created.text

    reply = await ask(client, "发票怎么开", me)
    assert reply["intent"] == "faq" and reply["grounding"] == {"faq_id": created.json()["id"]}
    assert "申请发票" in reply["answer"]
    english = await ask(client, "can I get an invoice?", me)
    assert "e-invoice" in english["answer"]

    retired = await client.patch(
        f"/api/v1/assistant/faq/{created.json()['id']}", json={"active": False}, headers=hq_headers
    )
    assert retired.status_code == 200 and retired.json()["active"] is False
    assert (
        await client.patch("/api/v1/assistant/faq/999999", json={"active": False}, headers=hq_headers)
    ).status_code == 404
    assert (await client.post("/api/v1/assistant/chat", json={"message": ""})).status_code == 422


async def test_sdk_chat(app, session):
    import httpx

    from shared import sdk

    await create_store(session, name_zh="人民广场店", latitude=31.2304, longitude=121.4737)
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as client:
        reply = await client.assistant.chat("最近的门店在哪", latitude=31.2305, longitude=121.4736)
        assert reply.intent == "store_nearest" and "人民广场店" in reply.answer
