"""Carts, orders, payment, picking, pickup, till sales, returns and routing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from backend.marketing.schemas import Quote
from backend.orders.schemas import (
    KioskCheckout,
    OfflineResult,
    Order,
    OrderEventOut,
    OrderRating,
    OrderSummary,
    PaymentStart,
    PickTask,
    PickupCode,
    PricedCartOut,
    Receipt,
    ReturnOut,
    ReturnPolicyOut,
    RoutingConfigOut,
    RoutingDecisionOut,
)
from shared.sdk.base import Call, Resource
from shared.sdk.base import idempotency_key as new_key


def _lines(lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        dict(line) if isinstance(line, dict) else {"sku_id": line[0], "quantity": line[1]} for line in lines
    ]


def _when(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


class OrdersAPI(Resource):
    # --- cart (a member's, or a kiosk's with ``session_id``) ---

    def cart(self, session_id: str | None = None, store_id: int | None = None) -> PricedCartOut:
        """The cart priced at its store, each line with what stops it from being bought."""
        params = {"session_id": session_id, "store_id": store_id}
        return self._call(Call("GET", "/cart", params=params, model=PricedCartOut))

    def add_to_cart(self, sku_id: int, quantity: int = 1, session_id: str | None = None) -> PricedCartOut:
        return self._call(
            Call(
                "POST",
                "/cart/lines",
                params={"session_id": session_id},
                json={"sku_id": sku_id, "quantity": quantity},
                model=PricedCartOut,
            )
        )

    def set_cart_quantity(self, sku_id: int, quantity: int, session_id: str | None = None) -> PricedCartOut:
        return self._call(
            Call(
                "PATCH",
                f"/cart/lines/{sku_id}",
                params={"session_id": session_id},
                json={"quantity": quantity},
                model=PricedCartOut,
            )
        )

    def remove_from_cart(self, sku_id: int, session_id: str | None = None) -> PricedCartOut:
        return self._call(
            Call("DELETE", f"/cart/lines/{sku_id}", params={"session_id": session_id}, model=PricedCartOut)
        )

    def set_cart_store(self, store_id: int | None, session_id: str | None = None) -> PricedCartOut:
        return self._call(
            Call(
                "PUT",
                "/cart/store",
                params={"session_id": session_id},
                json={"store_id": store_id},
                model=PricedCartOut,
            )
        )

    def clear_cart(self, session_id: str | None = None) -> None:
        return self._call(Call("DELETE", "/cart", params={"session_id": session_id}, expect_empty=True))

    # --- orders ---

    def place(
        self,
        fulfilment: str,
        *,
        lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]] = (),
        store_id: int | None = None,
        address: dict[str, Any] | None = None,
        pickup_slot_start: datetime | str | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
        coupon_ids: Sequence[int] | None = None,
        points_amount: int = 0,
        stored_value: int = 0,
    ) -> Order:
        """Place an order; the same ``idempotency_key`` makes a retry safe (made if omitted).

        ``coupon_ids`` None lets the best combination of the member's coupons be chosen; ``points_amount``
        and ``stored_value`` are fen paid from the member's wallet (the rest through a payment)."""
        body = {
            "fulfilment": fulfilment,
            "store_id": store_id,
            "lines": _lines(lines),
            "address": address,
            "pickup_slot_start": _when(pickup_slot_start),
            "note": note,
            "coupon_ids": None if coupon_ids is None else list(coupon_ids),
            "points_amount": points_amount,
            "stored_value": stored_value,
        }
        headers = {"Idempotency-Key": idempotency_key or new_key()}
        return self._call(Call("POST", "/orders", json=body, headers=headers, model=Order))

    def place_scan_and_go(
        self,
        store_id: int,
        lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]],
        *,
        idempotency_key: str | None = None,
        coupon_ids: Sequence[int] | None = None,
        note: str | None = None,
    ) -> Order:
        """Buy the goods scanned at ``store_id`` (扫码购); paid, the order is completed at once."""
        body = {
            "store_id": store_id,
            "lines": _lines(lines),
            "note": note,
            "coupon_ids": None if coupon_ids is None else list(coupon_ids),
        }
        headers = {"Idempotency-Key": idempotency_key or new_key()}
        return self._call(Call("POST", "/scan-and-go/orders", json=body, headers=headers, model=Order))

    def check_exit_pass(self, store_id: int, code: str) -> Order:
        """Staff at the door: the scan-and-go order an exit pass names, if it may leave this store."""
        body = {"store_id": store_id, "code": code}
        return self._call(Call("POST", "/scan-and-go/exit-checks", json=body, model=Order))

    def list(
        self, status: str | None = None, store_id: int | None = None, limit: int = 50, offset: int = 0
    ) -> list[OrderSummary]:
        params = {"status": status, "store_id": store_id, "limit": limit, "offset": offset}
        return self._call(Call("GET", "/orders", params=params, model=list[OrderSummary]))

    def lookup(self, number: str) -> Order:
        """Any order of the chain by its number (staff taking a return)."""
        return self._call(Call("GET", "/orders/lookup", params={"number": number}, model=Order))

    def get(self, order_id: int) -> Order:
        return self._call(Call("GET", f"/orders/{order_id}", model=Order))

    def events(self, order_id: int) -> list[OrderEventOut]:
        return self._call(Call("GET", f"/orders/{order_id}/events", model=list[OrderEventOut]))

    def cancel(self, order_id: int, reason: str = "shopper cancelled") -> Order:
        return self._call(Call("POST", f"/orders/{order_id}/cancel", json={"reason": reason}, model=Order))

    def start_payment(self, order_id: int) -> PaymentStart:
        """Open a provider payment for the order: its pay URL and QR payload."""
        return self._call(Call("POST", f"/orders/{order_id}/payment", model=PaymentStart))

    def pay(self, order_id: int, method: str = "sandbox_qr", reference: str | None = None) -> Order:
        """Pay with a sandbox tender (only when no payment provider is installed)."""
        return self._call(
            Call(
                "POST",
                f"/orders/{order_id}/pay",
                json={"method": method, "reference": reference},
                model=Order,
            )
        )

    def complete(self, order_id: int) -> Order:
        """Confirm a delivered or shipped order was received."""
        return self._call(Call("POST", f"/orders/{order_id}/complete", model=Order))

    def answer_substitution(self, order_id: int, line_id: int, accept: bool) -> Order:
        return self._call(
            Call("POST", f"/orders/{order_id}/substitutions/{line_id}", json={"accept": accept}, model=Order)
        )

    def rate(self, order_id: int, stars: int, comment: str = "") -> OrderRating:
        """Rate a completed order of one's own (1–5 stars), once."""
        body = {"stars": stars, "comment": comment}
        return self._call(Call("POST", f"/orders/{order_id}/rating", json=body, model=OrderRating))

    def rating(self, order_id: int) -> OrderRating:
        return self._call(Call("GET", f"/orders/{order_id}/rating", model=OrderRating))

    def receipt(self, order_id: int) -> Receipt:
        return self._call(Call("GET", f"/orders/{order_id}/receipt", model=Receipt))

    def pickup_code(self, order_id: int) -> PickupCode:
        return self._call(Call("GET", f"/orders/{order_id}/pickup-code", model=PickupCode))

    # --- routing ---

    def routing_config(self) -> RoutingConfigOut:
        return self._call(Call("GET", "/routing/config", model=RoutingConfigOut))

    def set_routing_config(self, **fields: Any) -> RoutingConfigOut:
        """HQ: weight_stock, weight_distance, weight_load, max_distance_m, shipping_fee."""
        return self._call(Call("PUT", "/routing/config", json=fields, model=RoutingConfigOut))

    def routing(self, order_id: int) -> RoutingDecisionOut:
        return self._call(Call("GET", f"/orders/{order_id}/routing", model=RoutingDecisionOut))

    # --- picking ---

    def picking_tasks(self, store_id: int | None = None, status: Sequence[str] = ()) -> list[PickTask]:
        params = {"store_id": store_id, "status": list(status)}
        return self._call(Call("GET", "/picking/tasks", params=params, model=list[PickTask]))

    def picking_task(self, task_id: int) -> PickTask:
        return self._call(Call("GET", f"/picking/tasks/{task_id}", model=PickTask))

    def start_picking(self, task_id: int) -> PickTask:
        return self._call(Call("POST", f"/picking/tasks/{task_id}/start", model=PickTask))

    def scan(self, task_id: int, barcode: str, quantity: int = 1) -> PickTask:
        return self._call(
            Call(
                "POST",
                f"/picking/tasks/{task_id}/scan",
                json={"barcode": barcode, "quantity": quantity},
                model=PickTask,
            )
        )

    def short_pick(self, task_id: int, line_id: int, quantity: int, reason: str) -> PickTask:
        return self._call(
            Call(
                "POST",
                f"/picking/tasks/{task_id}/lines/{line_id}/short",
                json={"quantity": quantity, "reason": reason},
                model=PickTask,
            )
        )

    def offer_substitute(
        self, task_id: int, line_id: int, sku_id: int, quantity: int | None = None
    ) -> PickTask:
        return self._call(
            Call(
                "POST",
                f"/picking/tasks/{task_id}/lines/{line_id}/substitute",
                json={"sku_id": sku_id, "quantity": quantity},
                model=PickTask,
            )
        )

    def mark_ready(self, task_id: int) -> PickTask:
        return self._call(Call("POST", f"/picking/tasks/{task_id}/ready", model=PickTask))

    def dispatch(self, task_id: int) -> PickTask:
        return self._call(Call("POST", f"/picking/tasks/{task_id}/dispatch", model=PickTask))

    def ship(self, task_id: int, tracking_no: str) -> PickTask:
        return self._call(
            Call("POST", f"/picking/tasks/{task_id}/ship", json={"tracking_no": tracking_no}, model=PickTask)
        )

    # --- pickup ---

    def verify_pickup(self, store_id: int, code: str | None = None, qr: str | None = None) -> Order:
        return self._call(
            Call("POST", "/pickup/verify", json={"store_id": store_id, "code": code, "qr": qr}, model=Order)
        )

    def hand_over(self, store_id: int, code: str | None = None, qr: str | None = None) -> Order:
        return self._call(
            Call("POST", "/pickup/handover", json={"store_id": store_id, "code": code, "qr": qr}, model=Order)
        )

    # --- till ---

    def sell(
        self,
        tenders: Sequence[dict[str, Any]],
        *,
        lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]] = (),
        store_id: int | None = None,
        cart_session_id: str | None = None,
        member_id: int | None = None,
        client_id: str | None = None,
        created_at: datetime | str | None = None,
        coupon_ids: Sequence[int] | None = None,
        member_code: str | None = None,
    ) -> Order:
        """A till or kiosk sale; ``client_id`` (made if omitted) makes a retry return the first sale.

        Tenders may include ``{"method": "points" | "stored_value", "amount": fen}`` for an identified
        member; ``coupon_ids`` None uses the member's best coupons. Spending stored value, points or
        coupons at a till needs ``member_code``, the member's current signed code as scanned."""
        body = {
            "client_id": client_id or new_key(),
            "store_id": store_id,
            "lines": _lines(lines),
            "cart_session_id": cart_session_id,
            "member_id": member_id,
            "tenders": list(tenders),
            "created_at": _when(created_at),
            "coupon_ids": None if coupon_ids is None else list(coupon_ids),
        }
        if member_code is not None:
            body["member_code"] = member_code
        return self._call(Call("POST", "/pos/sales", json=body, model=Order))

    def pos_quote(
        self,
        store_id: int,
        lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]],
        *,
        member_id: int | None = None,
        member_code: str | None = None,
        coupon_ids: Sequence[int] | None = None,
    ) -> Quote:
        """A till basket priced exactly as the sale will charge it (the member's coupons with their code)."""
        body = {
            "store_id": store_id,
            "lines": _lines(lines),
            "member_id": member_id,
            "member_code": member_code,
            "coupon_ids": None if coupon_ids is None else list(coupon_ids),
        }
        return self._call(Call("POST", "/pos/quote", json=body, model=Quote))

    def open_kiosk_checkout(
        self,
        client_id: str,
        *,
        cart_session_id: str | None = None,
        lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]] = (),
        member_id: int | None = None,
        coupon_ids: Sequence[int] | None = None,
        points_amount: int = 0,
        stored_value: int = 0,
        member_code: str | None = None,
    ) -> KioskCheckout:
        """Price a kiosk basket for QR payment (then ``payments.create("kiosk_sale", client_id)``); a
        basket wholly paid with ``points_amount`` + ``stored_value`` is sold at once (status ``paid``),
        one partly paid with stored value leaves ``due`` for the QR. Naming a member needs
        ``member_code``, their signed code as scanned. ``lines`` may carry scale labels as
        ``{"barcode": label, "quantity": n}``."""
        body = {
            "client_id": client_id,
            "cart_session_id": cart_session_id,
            "lines": _lines(lines),
            "member_id": member_id,
            "coupon_ids": None if coupon_ids is None else list(coupon_ids),
            "points_amount": points_amount,
            "stored_value": stored_value,
        }
        if member_code is not None:
            body["member_code"] = member_code
        return self._call(Call("POST", "/pos/kiosk-checkouts", json=body, model=KioskCheckout))

    def cancel_kiosk_checkout(self, client_id: str) -> KioskCheckout:
        """Close an unpaid kiosk checkout (the shopper walked away); its coupons are given back."""
        return self._call(Call("POST", f"/pos/kiosk-checkouts/{client_id}/cancel", model=KioskCheckout))

    def kiosk_checkout(self, client_id: str) -> KioskCheckout:
        return self._call(Call("GET", f"/pos/kiosk-checkouts/{client_id}", model=KioskCheckout))

    def kiosk_sale(self, client_id: str) -> Order:
        """The sale a paid kiosk checkout recorded (the same sale however often it is asked)."""
        return self._call(Call("POST", f"/pos/kiosk-checkouts/{client_id}/sale", model=Order))

    def price_kiosk_basket(
        self, session_id: str, lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]] = ()
    ) -> PricedCartOut:
        """The kiosk session's cart priced with its scale-labelled packs (``{"barcode", "quantity"}``)."""
        body = {"cart_session_id": session_id, "lines": _lines(lines)}
        return self._call(Call("POST", "/pos/kiosk-baskets", json=body, model=PricedCartOut))

    def upload_offline(self, sales: Sequence[dict[str, Any]]) -> list[OfflineResult]:
        """Sales made offline, each a dict with its own ``client_id`` and ``created_at``."""
        body = {"sales": [{**s, "created_at": _when(s.get("created_at"))} for s in sales]}
        return self._call(Call("POST", "/pos/offline-sales", json=body, model=list[OfflineResult]))

    # --- returns ---

    def create_return(
        self,
        order_id: int,
        store_id: int,
        lines: Sequence[tuple[int, int]] | Sequence[dict[str, Any]],
        reason: str = "七天无理由退货",
        client_id: str | None = None,
    ) -> ReturnOut:
        """Return lines (``(order_line_id, quantity)``) at this store; refunds go to the original tenders."""
        items = [
            dict(ln) if isinstance(ln, dict) else {"order_line_id": ln[0], "quantity": ln[1]} for ln in lines
        ]
        body = {
            "order_id": order_id,
            "store_id": store_id,
            "lines": items,
            "reason": reason,
            "client_id": client_id or new_key(),
        }
        return self._call(Call("POST", "/returns", json=body, model=ReturnOut))

    def get_return(self, return_id: int) -> ReturnOut:
        return self._call(Call("GET", f"/returns/{return_id}", model=ReturnOut))

    def order_returns(self, order_id: int) -> list[ReturnOut]:
        return self._call(Call("GET", f"/orders/{order_id}/returns", model=list[ReturnOut]))

    def return_policy(self) -> ReturnPolicyOut:
        return self._call(Call("GET", "/returns/policy", model=ReturnPolicyOut))

    def set_return_policy(self, window_days: int) -> ReturnPolicyOut:
        return self._call(
            Call("PUT", "/returns/policy", json={"window_days": window_days}, model=ReturnPolicyOut)
        )
