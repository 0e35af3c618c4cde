"""The optional OpenAI-compatible endpoint: a local HTTP server speaking the chat-completions protocol
rephrases grounded answers; a rephrasing that drops a fact, or an endpoint that fails, leaves the grounded
answer as it is; unconfigured, the assistant never calls out."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from backend.assistant import llm
from backend.orders.models import Order
from tests.backend.orders.factories import pay, pickup_body, place, put_stock, shopper
from tests.factories import create_sku, create_store


class FakeCompletions:
    """A chat-completions server on a free local port; ``reply`` builds the model's text from the prompt."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.mode = "rephrase"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                outer.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions" or outer.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                prompt = body["messages"][-1]["content"]
                answer = prompt.split("回答 / Answer: ", 1)[1].split("\n", 1)[0]
                text = "亲，" + answer if outer.mode == "rephrase" else "亲，您的订单一切正常。"
                payload = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                }
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def fake_llm() -> Iterator[FakeCompletions]:
    fake = FakeCompletions()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def settings(settings, fake_llm):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={
            "assistant_llm_url": fake_llm.url,
            "assistant_llm_model": "local-test-model",
            "assistant_llm_api_key": "k-123",
            "assistant_llm_timeout_seconds": 5.0,
        }
    )


async def test_the_endpoint_rephrases_grounded_answers_and_never_drops_a_fact(app, client, session, fake_llm):
    store = await create_store(session, name_zh="人民广场店")
    milk = await create_sku(session, name="牛奶")
    await put_stock(session, store, milk, 10)
    _, me = await shopper(client, app, session)
    order = (await place(client, me, pickup_body(store, [(milk, 1)]))).json()
    await pay(client, me, order["id"])
    code = await session.scalar(select(Order.pickup_code).where(Order.id == order["id"]))
    await session.commit()

    reply = (
        await client.post("/api/v1/assistant/chat", json={"message": "我的取货码是多少"}, headers=me)
    ).json()
    assert reply["intent"] == "pickup_code" and reply["phrased_by"] == "llm"
    assert reply["answer"].startswith("亲，") and code in reply["answer"]
    sent = fake_llm.requests[-1]
    assert sent["model"] == "local-test-model" and sent["messages"][0]["role"] == "system"
    assert code in sent["messages"][-1]["content"]
    assert str(order["id"]) in sent["messages"][-1]["content"]  # the records the answer came from
    assert fake_llm.headers[-1]["Authorization"] == "Bearer k-123"

    fake_llm.mode = "invent"  # the model drops the pickup code: the grounded answer goes out
    kept = (
        await client.post("/api/v1/assistant/chat", json={"message": "我的取货码是多少"}, headers=me)
    ).json()
    assert kept["phrased_by"] is None and code in kept["answer"] and "一切正常" not in kept["answer"]

    fake_llm.mode = "error"
    down = (
        await client.post("/api/v1/assistant/chat", json={"message": "what's my pickup code"}, headers=me)
    ).json()
    assert down["phrased_by"] is None and code in down["answer"] and down["language"] == "en"


async def test_unconfigured_the_assistant_stays_offline(fake_llm) -> None:  # type: ignore[no-untyped-def]
    from backend.core.settings import Settings

    assert llm.from_settings(Settings(assistant_llm_url=None)) is None
    unreachable = llm.OpenAICompatible("http://127.0.0.1:9/v1", "m", timeout=0.5)
    assert await unreachable.phrase("hi", "Order 123 is paid.", {}, "en") is None
    assert llm.keeps_facts("订单 A12-3 取货码 0042，¥9.90", "您的订单A12-3，取货码0042，共¥9.90")
    assert not llm.keeps_facts("取货码 0042", "取货码已发送")
    assert fake_llm.requests == []
