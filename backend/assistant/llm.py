"""An optional large language model that rephrases the assistant's answers (OpenAI-compatible
chat-completions protocol: a local vLLM, Ollama, llama.cpp server, or a hosted one).

The model never decides what is true: the assistant first builds its answer from the member's records,
then asks the model to say the same thing more naturally, giving it only that answer and the records it
came from. A rephrasing is used only when it keeps every number and code of the grounded answer (order
numbers, pickup codes, amounts, times); otherwise, or when the endpoint fails or is slow, the grounded
answer goes out as it is. Unconfigured (the default), nothing leaves the process.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Protocol

import httpx

from backend.core.settings import Settings

log = logging.getLogger("omo.assistant.llm")
_TOKENS = re.compile(r"[A-Za-z]*\d[\w.:-]*", re.ASCII)

SYSTEM = {
    "zh-CN": (
        "你是连锁零售商店的客服助手。请用简洁、友好的中文重新表述下面的回答。"
        "只能使用回答和资料里的事实，不要添加任何新信息；所有数字、编号、取货码、金额和时间必须原样保留。"
    ),
    "en": (
        "You are the customer-service assistant of a retail chain. Rephrase the answer below in concise, "
        "friendly English. Use only the facts in the answer and the records; add nothing new; keep every "
        "number, order number, pickup code, amount and time exactly as written."
    ),
}


class Phraser(Protocol):
    name: str

    async def phrase(
        self, question: str, answer: str, grounding: dict[str, Any], language: str
    ) -> str | None:
        """The answer said more naturally, or None to keep it as it is."""


def keeps_facts(grounded: str, phrased: str) -> bool:
    """Every number or code in the grounded answer is also in the rephrasing."""
    return all(token.rstrip(".:-") in phrased for token in _TOKENS.findall(grounded))


class OpenAICompatible:
    """A chat-completions endpoint at ``base_url`` (``.../v1``)."""

    name = "llm"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 8.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = timeout
        self.transport = transport

    async def phrase(
        self, question: str, answer: str, grounding: dict[str, Any], language: str
    ) -> str | None:
        user = (
            f"问题 / Question: {question}\n回答 / Answer: {answer}\n"
            f"资料 / Records: {json.dumps(grounding, ensure_ascii=False, default=str)}"
        )
        body = {
            "model": self.model,
            "temperature": 0.2,
            "max_tokens": 400,
            "messages": [
                {"role": "system", "content": SYSTEM.get(language, SYSTEM["en"])},
                {"role": "user", "content": user},
            ],
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as http:
                response = await http.post(self.url, json=body, headers=self.headers)
                response.raise_for_status()
                text = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("assistant LLM endpoint failed: %s", exc)
            return None
        if not isinstance(text, str) or not text.strip():
            return None
        text = text.strip()
        if not keeps_facts(answer, text):
            log.warning("assistant LLM rephrasing dropped a fact; the grounded answer is used")
            return None
        return text[:2000]


def from_settings(settings: Settings) -> Phraser | None:
    """The configured endpoint, or None (offline)."""
    if not settings.assistant_llm_url:
        return None
    return OpenAICompatible(
        settings.assistant_llm_url,
        settings.assistant_llm_model,
        api_key=settings.assistant_llm_api_key,
        timeout=settings.assistant_llm_timeout_seconds,
    )
