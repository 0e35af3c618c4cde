"""Payments: pay for a reference, poll its status, till tenders and refunds."""

from __future__ import annotations

from backend.payments.schemas import Payment, Refund
from shared.sdk.base import Call, Resource, idempotency_key


def _key(key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": key or idempotency_key()}


class PaymentsAPI(Resource):
    def create(
        self, ref_type: str, ref_id: str, provider: str = "sandbox", key: str | None = None
    ) -> Payment:
        """Start paying for a reference; show ``pay_url``/``qr_text`` to the payer and poll ``get``."""
        body = {"ref_type": ref_type, "ref_id": ref_id, "provider": provider}
        return self._call(Call("POST", "/payments", json=body, headers=_key(key), model=Payment))

    def get(self, payment_id: int) -> Payment:
        return self._call(Call("GET", f"/payments/{payment_id}", model=Payment))

    def for_ref(self, ref_type: str, ref_id: str) -> list[Payment]:
        params = {"ref_type": ref_type, "ref_id": ref_id}
        return self._call(Call("GET", "/payments", params=params, model=list[Payment]))

    def sync(self, payment_id: int) -> Payment:
        """Ask the gateway now instead of waiting for its notification."""
        return self._call(Call("POST", f"/payments/{payment_id}/sync", model=Payment))

    def record_tender(
        self, ref_type: str, ref_id: str, tender: str, terminal_ref: str | None = None, key: str | None = None
    ) -> Payment:
        """Cash or card taken at the till."""
        body = {"ref_type": ref_type, "ref_id": ref_id, "tender": tender, "terminal_ref": terminal_ref}
        return self._call(Call("POST", "/payments/offline", json=body, headers=_key(key), model=Payment))

    def refund(self, payment_id: int, amount: int, reason: str, key: str | None = None) -> Refund:
        body = {"amount": amount, "reason": reason}
        return self._call(
            Call("POST", f"/payments/{payment_id}/refunds", json=body, headers=_key(key), model=Refund)
        )

    def refunds(self, payment_id: int) -> list[Refund]:
        return self._call(Call("GET", f"/payments/{payment_id}/refunds", model=list[Refund]))
