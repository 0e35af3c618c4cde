"""After-sales: return and exchange requests, photos, staff decisions, completion at any store."""

from __future__ import annotations

from typing import Any

from backend.aftersales.schemas import CategoryRule, RequestPhoto, ReturnRequest
from shared.sdk.base import Call, Resource

_P = "/aftersales"


class AftersalesAPI(Resource):
    def request(
        self,
        order_id: int,
        reason_code: str,
        lines: list[dict[str, Any]],
        *,
        kind: str = "return",
        reason: str = "",
        client_ref: str | None = None,
    ) -> ReturnRequest:
        """Ask to return (or, with ``kind="exchange"`` and ``exchange_sku_id`` per line, exchange) goods."""
        body = {
            "order_id": order_id,
            "kind": kind,
            "reason_code": reason_code,
            "reason": reason,
            "lines": lines,
            "client_ref": client_ref,
        }
        return self._call(Call("POST", f"{_P}/requests", json=body, model=ReturnRequest))

    def mine(self) -> list[ReturnRequest]:
        return self._call(Call("GET", f"{_P}/requests/mine", model=list[ReturnRequest]))

    def get(self, request_id: int) -> ReturnRequest:
        return self._call(Call("GET", f"{_P}/requests/{request_id}", model=ReturnRequest))

    def queue(self, status: str | None = None) -> list[ReturnRequest]:
        """Requests on the signed-in staff member's stores' orders."""
        return self._call(Call("GET", f"{_P}/requests", params={"status": status}, model=list[ReturnRequest]))

    def add_photo(
        self, request_id: int, data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg"
    ) -> RequestPhoto:
        files = {"file": (filename, data, content_type)}
        return self._call(Call("POST", f"{_P}/requests/{request_id}/photos", files=files, model=RequestPhoto))

    def approve(self, request_id: int, note: str = "") -> ReturnRequest:
        body = {"note": note}
        return self._call(Call("POST", f"{_P}/requests/{request_id}/approve", json=body, model=ReturnRequest))

    def reject(self, request_id: int, note: str) -> ReturnRequest:
        body = {"note": note}
        return self._call(Call("POST", f"{_P}/requests/{request_id}/reject", json=body, model=ReturnRequest))

    def cancel(self, request_id: int) -> ReturnRequest:
        return self._call(Call("POST", f"{_P}/requests/{request_id}/cancel", model=ReturnRequest))

    def complete(self, request_id: int, store_id: int) -> ReturnRequest:
        body = {"store_id": store_id}
        return self._call(
            Call("POST", f"{_P}/requests/{request_id}/complete", json=body, model=ReturnRequest)
        )

    def rules(self) -> list[CategoryRule]:
        return self._call(Call("GET", f"{_P}/category-rules", model=list[CategoryRule]))

    def set_rule(self, category_id: int, **rule: Any) -> CategoryRule:
        """HQ: ``no_reason``, ``no_reason_days``, ``quality_days``, ``note``."""
        return self._call(Call("PUT", f"{_P}/category-rules/{category_id}", json=rule, model=CategoryRule))
