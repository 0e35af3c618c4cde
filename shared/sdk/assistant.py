"""The assistant (智能客服): ask in Chinese or English; HQ maintains its FAQ."""

from __future__ import annotations

from typing import Any

from backend.assistant.schemas import ChatReply, Faq
from shared.sdk.base import Call, Resource


class AssistantAPI(Resource):
    def chat(
        self,
        message: str,
        *,
        language: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> ChatReply:
        """Ask a question; the answer is built from the member's records, or a ticket is opened."""
        body: dict[str, Any] = {"message": message, "history": history or []}
        for key, value in (("language", language), ("latitude", latitude), ("longitude", longitude)):
            if value is not None:
                body[key] = value
        return self._call(Call("POST", "/assistant/chat", json=body, model=ChatReply))

    def faq(self) -> list[Faq]:
        return self._call(Call("GET", "/assistant/faq", model=list[Faq]))

    def add_faq(self, **fields: Any) -> Faq:
        return self._call(Call("POST", "/assistant/faq", json=fields, model=Faq))

    def update_faq(self, faq_id: int, **fields: Any) -> Faq:
        return self._call(Call("PATCH", f"/assistant/faq/{faq_id}", json=fields, model=Faq))
