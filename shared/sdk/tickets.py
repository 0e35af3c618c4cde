"""Support tickets: open, escalate from the assistant, converse, assign, resolve, rate."""

from __future__ import annotations

from typing import Any

from backend.tickets.schemas import Message, Ticket
from shared.sdk.base import Call, Resource

_P = "/tickets"


class TicketsAPI(Resource):
    def open(self, category: str, subject: str, body: str, **fields: Any) -> Ticket:
        """Open a ticket; ``order_id``, ``store_id`` and ``client_ref`` are optional."""
        payload = {"category": category, "subject": subject, "body": body, **fields}
        return self._call(Call("POST", _P, json=payload, model=Ticket))

    def escalate(self, subject: str, transcript: list[dict[str, str]], **fields: Any) -> Ticket:
        """Hand an assistant chat (``[{"role": "member"|"assistant", "text": ...}]``) over to people."""
        payload = {"subject": subject, "transcript": transcript, **fields}
        return self._call(Call("POST", f"{_P}/escalations", json=payload, model=Ticket))

    def mine(self) -> list[Ticket]:
        return self._call(Call("GET", f"{_P}/mine", model=list[Ticket]))

    def queue(
        self, status: str | None = None, breached: bool | None = None, hq_queue: bool | None = None
    ) -> list[Ticket]:
        """Tickets the signed-in staff member works (their stores'; HQ every one)."""
        params = {"status": status, "breached": breached, "hq_queue": hq_queue}
        return self._call(Call("GET", _P, params=params, model=list[Ticket]))

    def get(self, ticket_id: int) -> Ticket:
        return self._call(Call("GET", f"{_P}/{ticket_id}", model=Ticket))

    def reply(self, ticket_id: int, body: str, internal: bool = False) -> Message:
        payload = {"body": body, "internal": internal}
        return self._call(Call("POST", f"{_P}/{ticket_id}/messages", json=payload, model=Message))

    def assign(self, ticket_id: int, store_id: int | None, assignee_id: int | None = None) -> Ticket:
        payload = {"store_id": store_id, "assignee_id": assignee_id}
        return self._call(Call("POST", f"{_P}/{ticket_id}/assign", json=payload, model=Ticket))

    def resolve(self, ticket_id: int) -> Ticket:
        return self._call(Call("POST", f"{_P}/{ticket_id}/resolve", model=Ticket))

    def rate(self, ticket_id: int, rating: int, comment: str = "") -> Ticket:
        payload = {"rating": rating, "comment": comment}
        return self._call(Call("POST", f"{_P}/{ticket_id}/rating", json=payload, model=Ticket))
