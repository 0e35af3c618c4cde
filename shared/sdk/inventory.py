"""Stock, batches, ledger, reservations, alerts and stock documents (receipt, issue, transfer, stocktake)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.core.schemas import Page
from backend.inventory.schemas import (
    Alert,
    Batch,
    Document,
    ExpiryWindow,
    InTransit,
    Movement,
    Reservation,
    ScanResult,
    Stock,
    StockRow,
    Stocktake,
    Transfer,
    Variance,
)
from shared.sdk.base import Call, Resource, idempotency_key


def _key(key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": key or idempotency_key()}


class InventoryAPI(Resource):
    # --- stock ---

    def store_stock(
        self,
        store_id: int,
        *,
        sku_ids: Sequence[int] = (),
        q: str | None = None,
        low_only: bool = False,
        in_stock_only: bool = False,
        page: int = 1,
        page_size: int = 50,
    ) -> Page[StockRow]:
        params = {
            "sku_ids": list(sku_ids),
            "q": q,
            "low_only": low_only or None,
            "in_stock_only": in_stock_only or None,
            "page": page,
            "page_size": page_size,
        }
        return self._call(
            Call("GET", f"/inventory/stores/{store_id}/stock", params=params, model=Page[StockRow])
        )

    def sku_stock(self, sku_id: int) -> list[Stock]:
        """One SKU's stock in every store the caller may see."""
        return self._call(Call("GET", f"/inventory/skus/{sku_id}/stock", model=list[Stock]))

    def set_levels(
        self, store_id: int, sku_id: int, *, safety_stock: int | None = None, reorder_point: int | None = None
    ) -> Stock:
        body = {
            k: v
            for k, v in {"safety_stock": safety_stock, "reorder_point": reorder_point}.items()
            if v is not None
        }
        return self._call(
            Call("PATCH", f"/inventory/stores/{store_id}/stock/{sku_id}", json=body, model=Stock)
        )

    def adjust(
        self, store_id: int, sku_id: int, delta: int, reason: str, *, key: str | None = None, **batch: Any
    ) -> Stock:
        """Correct on_hand by ``delta``; retry with the same ``key`` to apply it once."""
        body = {"delta": delta, "reason": reason, **batch}
        path = f"/inventory/stores/{store_id}/stock/{sku_id}/adjustments"
        return self._call(Call("POST", path, json=body, headers=_key(key), model=Stock))

    def movements(self, store_id: int, **filters: Any) -> Page[Movement]:
        """The ledger: filters sku_id, kind, ref_type, ref_id, page, page_size."""
        path = f"/inventory/stores/{store_id}/movements"
        return self._call(Call("GET", path, params=filters, model=Page[Movement]))

    def batches(
        self, store_id: int, *, sku_id: int | None = None, expiring_within_days: int | None = None
    ) -> list[Batch]:
        params = {"sku_id": sku_id, "expiring_within_days": expiring_within_days}
        return self._call(
            Call("GET", f"/inventory/stores/{store_id}/batches", params=params, model=list[Batch])
        )

    def reservations(self, store_id: int, **filters: Any) -> Page[Reservation]:
        """Filters: status, sku_id, ref_type, ref_id, page, page_size."""
        path = f"/inventory/stores/{store_id}/reservations"
        return self._call(Call("GET", path, params=filters, model=Page[Reservation]))

    def in_transit(self, store_id: int | None = None, sku_id: int | None = None) -> list[InTransit]:
        params = {"store_id": store_id, "sku_id": sku_id}
        return self._call(Call("GET", "/inventory/in-transit", params=params, model=list[InTransit]))

    # --- alerts ---

    def alerts(
        self, store_id: int | None = None, kind: str | None = None, status: str | None = "open"
    ) -> list[Alert]:
        params = {"store_id": store_id, "kind": kind, "status": status}
        return self._call(Call("GET", "/inventory/alerts", params=params, model=list[Alert]))

    def acknowledge_alert(self, alert_id: int) -> Alert:
        return self._call(Call("POST", f"/inventory/alerts/{alert_id}/acknowledge", model=Alert))

    def expiry_windows(self) -> list[ExpiryWindow]:
        return self._call(Call("GET", "/inventory/expiry-windows", model=list[ExpiryWindow]))

    def set_expiry_window(self, days: int, category_id: int | None = None) -> ExpiryWindow:
        body = {"days": days, "category_id": category_id}
        return self._call(Call("PUT", "/inventory/expiry-windows", json=body, model=ExpiryWindow))

    # --- receipts and issues ---

    def create_document(
        self,
        kind: str,
        store_id: int,
        lines: Sequence[dict[str, Any]],
        *,
        key: str | None = None,
        **fields: Any,
    ) -> Document:
        """A receipt or issue draft; lines are {sku_id, quantity[, batch_no, expires_on, unit_cost]}."""
        body = {"kind": kind, "store_id": store_id, "lines": list(lines), **fields}
        return self._call(Call("POST", "/inventory/documents", json=body, headers=_key(key), model=Document))

    def documents(self, **filters: Any) -> list[Document]:
        return self._call(Call("GET", "/inventory/documents", params=filters, model=list[Document]))

    def document(self, doc_id: int) -> Document:
        return self._call(Call("GET", f"/inventory/documents/{doc_id}", model=Document))

    def document_action(self, doc_id: int, action: str) -> Document:
        """submit, approve, post or cancel."""
        return self._call(Call("POST", f"/inventory/documents/{doc_id}/{action}", model=Document))

    # --- transfers ---

    def create_transfer(
        self,
        from_store_id: int,
        to_store_id: int,
        lines: Sequence[tuple[int, int]],
        *,
        note: str | None = None,
        key: str | None = None,
    ) -> Transfer:
        body = {
            "from_store_id": from_store_id,
            "to_store_id": to_store_id,
            "note": note,
            "lines": [{"sku_id": sku_id, "quantity": qty} for sku_id, qty in lines],
        }
        return self._call(Call("POST", "/inventory/transfers", json=body, headers=_key(key), model=Transfer))

    def transfers(self, **filters: Any) -> list[Transfer]:
        return self._call(Call("GET", "/inventory/transfers", params=filters, model=list[Transfer]))

    def transfer(self, transfer_id: int) -> Transfer:
        return self._call(Call("GET", f"/inventory/transfers/{transfer_id}", model=Transfer))

    def transfer_action(self, transfer_id: int, action: str) -> Transfer:
        """approve, ship or cancel."""
        return self._call(Call("POST", f"/inventory/transfers/{transfer_id}/{action}", model=Transfer))

    def receive_transfer(
        self, transfer_id: int, short: Sequence[tuple[int, int, str]] = (), note: str | None = None
    ) -> Transfer:
        """Receive; ``short`` lists (sku_id, received, reason) for lines that arrived short."""
        body = {"lines": [{"sku_id": k, "received": n, "reason": r} for k, n, r in short], "note": note}
        return self._call(
            Call("POST", f"/inventory/transfers/{transfer_id}/receive", json=body, model=Transfer)
        )

    # --- stocktakes ---

    def create_stocktake(
        self,
        store_id: int,
        *,
        sku_ids: Sequence[int] | None = None,
        shelf_zone: str | None = None,
        note: str | None = None,
        key: str | None = None,
    ) -> Stocktake:
        body = {
            "store_id": store_id,
            "sku_ids": list(sku_ids) if sku_ids else None,
            "shelf_zone": shelf_zone,
            "note": note,
        }
        return self._call(
            Call("POST", "/inventory/stocktakes", json=body, headers=_key(key), model=Stocktake)
        )

    def stocktakes(self, **filters: Any) -> list[Stocktake]:
        return self._call(Call("GET", "/inventory/stocktakes", params=filters, model=list[Stocktake]))

    def stocktake(self, stocktake_id: int) -> Stocktake:
        return self._call(Call("GET", f"/inventory/stocktakes/{stocktake_id}", model=Stocktake))

    def scan(
        self,
        stocktake_id: int,
        *,
        barcode: str | None = None,
        sku_id: int | None = None,
        quantity: int = 1,
        client_id: str | None = None,
    ) -> ScanResult:
        """Count units; the ``client_id`` (made fresh if omitted) makes a replayed scan count once."""
        body = {
            "barcode": barcode,
            "sku_id": sku_id,
            "quantity": quantity,
            "client_id": client_id or idempotency_key(),
        }
        return self._call(
            Call("POST", f"/inventory/stocktakes/{stocktake_id}/scans", json=body, model=ScanResult)
        )

    def variance(self, stocktake_id: int) -> Variance:
        return self._call(Call("GET", f"/inventory/stocktakes/{stocktake_id}/variance", model=Variance))

    def stocktake_action(self, stocktake_id: int, action: str) -> Stocktake:
        """submit, reopen, post or cancel."""
        return self._call(Call("POST", f"/inventory/stocktakes/{stocktake_id}/{action}", model=Stocktake))
