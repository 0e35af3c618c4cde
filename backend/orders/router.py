"""Carts, orders, payment, state changes and routing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

from backend.auth.deps import (
    AppSettings,
    CurrentDevice,
    CurrentHQ,
    CurrentMember,
    CurrentPrincipal,
    CurrentStaff,
)
from backend.auth.principal import StaffRole
from backend.core import audit
from backend.core.db import DbSession
from backend.core.errors import Conflict, Forbidden
from backend.core.time import utcnow
from backend.orders import access, checkout, kiosk, payment, picking, rating, scan_and_go
from backend.orders import cart as carts
from backend.orders import repository as repo
from backend.orders.errors import IdempotencyKeyRequired, OrderNotFound
from backend.orders.models import OrderStatus, ShipmentStatus
from backend.orders.router_store import router as store_router
from backend.orders.schemas import (
    CancelIn,
    CartLineIn,
    CartLineUpdate,
    CartStoreIn,
    ExitCheckIn,
    KioskCheckout,
    Order,
    OrderCreate,
    OrderEventOut,
    OrderRating,
    OrderRatingCreate,
    OrderSummary,
    PayIn,
    PaymentStart,
    PricedCartOut,
    RoutingConfigOut,
    RoutingConfigUpdate,
    RoutingDecisionOut,
    ScanAndGoCreate,
    SubstitutionAnswer,
)
from backend.orders.state import refuse, transition

router = APIRouter(tags=["orders"])
router.include_router(store_router)
access.register_topic_checker()
payment.register_handlers()
kiosk.register_handlers()

SessionId = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=80)]


# --- cart ---


@router.get("/cart", response_model=PricedCartOut)
async def get_cart(
    principal: CurrentPrincipal,
    session: DbSession,
    session_id: SessionId = None,
    store_id: Annotated[int | None, Query(ge=1)] = None,
) -> PricedCartOut:
    """The cart priced at its store (or ``store_id``), each line with what stops it from being bought."""
    cart = await carts.get_cart(session, principal, session_id, create=False)
    return await carts.priced_view(session, cart, store_id)


@router.post("/cart/lines", response_model=PricedCartOut)
async def add_cart_line(
    body: CartLineIn, principal: CurrentPrincipal, session: DbSession, session_id: SessionId = None
) -> PricedCartOut:
    """Add units of a SKU to the cart."""
    cart = await carts.get_cart(session, principal, session_id, create=True)
    assert cart is not None
    await carts.add_line(session, cart, body.sku_id, body.quantity)
    return await carts.priced_view(session, cart)


@router.patch("/cart/lines/{sku_id}", response_model=PricedCartOut)
async def update_cart_line(
    sku_id: int,
    body: CartLineUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    session_id: SessionId = None,
) -> PricedCartOut:
    """Set a cart line's quantity."""
    cart = await carts.get_cart(session, principal, session_id, create=True)
    assert cart is not None
    await carts.set_line(session, cart, sku_id, body.quantity)
    return await carts.priced_view(session, cart)


@router.delete("/cart/lines/{sku_id}", response_model=PricedCartOut)
async def remove_cart_line(
    sku_id: int, principal: CurrentPrincipal, session: DbSession, session_id: SessionId = None
) -> PricedCartOut:
    """Take a SKU out of the cart."""
    cart = await carts.get_cart(session, principal, session_id, create=True)
    assert cart is not None
    await carts.remove_line(session, cart, sku_id)
    return await carts.priced_view(session, cart)


@router.put("/cart/store", response_model=PricedCartOut)
async def set_cart_store(
    body: CartStoreIn, principal: CurrentPrincipal, session: DbSession, session_id: SessionId = None
) -> PricedCartOut:
    """Choose the store the cart is priced and checked against."""
    cart = await carts.get_cart(session, principal, session_id, create=True)
    assert cart is not None
    await carts.set_store(session, cart, body.store_id)
    return await carts.priced_view(session, cart)


@router.delete("/cart", status_code=status.HTTP_204_NO_CONTENT)
async def clear_cart(
    principal: CurrentPrincipal, session: DbSession, session_id: SessionId = None
) -> Response:
    """Empty the cart."""
    cart = await carts.get_cart(session, principal, session_id, create=False)
    if cart is not None:
        await carts.clear(session, cart)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- orders ---


@router.post("/orders", response_model=Order, status_code=status.HTTP_201_CREATED)
async def place_order(
    body: OrderCreate,
    principal: CurrentMember,
    session: DbSession,
    settings: AppSettings,
    response: Response,
    request: Request,
    idempotency_key: IdemKey = None,
) -> Order:
    """Place an order (pickup, same-city delivery or shipping); stock is held until it is paid."""
    from backend.intelligence import risk

    if not idempotency_key:
        raise IdempotencyKeyRequired()
    await risk.guard_order(request, principal)
    order, replayed = await checkout.place_order(session, principal, body, idempotency_key, settings)
    if not replayed:
        # abnormal-order rules: a suspicious order is held for review before it can be paid
        await risk.screen_order(session, request, order)
    if replayed:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return await access.to_schema(session, order)


@router.get("/orders", response_model=list[OrderSummary])
async def list_orders(
    principal: CurrentPrincipal,
    session: DbSession,
    status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
    store_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[OrderSummary]:
    """A shopper's own orders, or the orders of the stores a staff member works for."""
    if principal.is_member:
        rows = await repo.list_orders(
            session, member_id=principal.id, status=status_, limit=limit, offset=offset
        )
    else:
        if store_id is not None:
            principal.require_store(store_id)
        rows = await repo.list_orders(
            session,
            store_ids=principal.store_ids,
            store_id=store_id,
            status=status_,
            limit=limit,
            offset=offset,
        )
    return [OrderSummary.model_validate(o) for o in rows]


@router.get("/orders/lookup", response_model=Order)
async def lookup_order(
    principal: CurrentStaff, session: DbSession, number: Annotated[str, Query(min_length=6, max_length=24)]
) -> Order:
    """Find any order of the chain by its number (for returns at another store)."""
    principal.require_role(StaffRole.CLERK, StaffRole.CASHIER, StaffRole.STORE_MANAGER)
    order = await repo.order_by_number(session, number)
    if order is None:
        raise OrderNotFound(detail={"number": number})
    return await access.to_schema(session, order)


@router.get("/orders/{order_id}", response_model=Order)
async def get_order(order_id: int, principal: CurrentPrincipal, session: DbSession) -> Order:
    """One order with its lines, shipments, tenders and refunds."""
    return await access.to_schema(session, await access.order_for(session, principal, order_id))


@router.get("/orders/{order_id}/events", response_model=list[OrderEventOut])
async def order_events(order_id: int, principal: CurrentPrincipal, session: DbSession) -> list[OrderEventOut]:
    """The order's status history: who moved it, when, from what to what."""
    order = await access.order_for(session, principal, order_id)
    return [OrderEventOut.model_validate(e) for e in await repo.events(session, order.id)]


@router.post("/orders/{order_id}/cancel", response_model=Order)
async def cancel_order(
    order_id: int, body: CancelIn, principal: CurrentPrincipal, session: DbSession
) -> Order:
    """Cancel an order before it is handed over (the shopper before picking starts; a store manager)."""
    order = await access.order_for(session, principal, order_id)
    if principal.is_member:
        if order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID):
            raise refuse(order, OrderStatus.CANCELLED)
    elif principal.is_staff:
        principal.require_role(StaffRole.STORE_MANAGER)
        audit.record(
            session,
            principal,
            "order.cancel",
            "order",
            order.id,
            before={"status": order.status},
            after={"status": "cancelled", "reason": body.reason},
            store_id=order.store_id,
        )
    else:
        raise Forbidden("Devices may not cancel orders.")
    await picking.cancel_order(session, order, principal, body.reason)
    return await access.to_schema(session, order)


@router.post("/orders/{order_id}/rating", response_model=OrderRating, status_code=status.HTTP_201_CREATED)
async def rate_order(
    order_id: int, body: OrderRatingCreate, principal: CurrentMember, session: DbSession
) -> OrderRating:
    """Rate a completed order of one's own: 1–5 stars and a comment, once."""
    return OrderRating.model_validate(
        await rating.rate(session, principal, order_id, body.stars, body.comment)
    )


@router.get("/orders/{order_id}/rating", response_model=OrderRating)
async def get_order_rating(order_id: int, principal: CurrentPrincipal, session: DbSession) -> OrderRating:
    """The order's rating (404 until it is rated)."""
    return OrderRating.model_validate(await rating.get(session, principal, order_id))


@router.post("/orders/{order_id}/payment", response_model=PaymentStart)
async def start_payment(order_id: int, principal: CurrentMember, session: DbSession) -> PaymentStart:
    """Start paying an unpaid order through the payment provider (a pay URL and QR payload)."""
    order = await access.order_for(session, principal, order_id)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise refuse(order, OrderStatus.PAID)
    return await payment.start(session, order)


@router.post("/orders/{order_id}/pay", response_model=Order)
async def pay_order(order_id: int, body: PayIn, principal: CurrentMember, session: DbSession) -> Order:
    """Pay the whole order with a sandbox tender (when no payment provider is installed)."""
    order = await access.order_for(session, principal, order_id)
    if payment.payments_service() is not None:
        raise Conflict("Pay through the payment provider: POST /orders/{id}/payment.")
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise refuse(order, OrderStatus.PAID)
    await payment.mark_paid(
        session,
        order,
        method=body.method,
        amount=order.total,
        payment_id=None,
        reference=body.reference,
        actor=principal,
    )
    return await access.to_schema(session, order)


@router.post("/orders/{order_id}/complete", response_model=Order)
async def complete_order(order_id: int, principal: CurrentPrincipal, session: DbSession) -> Order:
    """Confirm a delivered or shipped order was received (the shopper, or staff of its store)."""
    order = await access.order_for(session, principal, order_id)
    if principal.is_device:
        raise Forbidden("Devices may not confirm deliveries.")
    if order.status not in (OrderStatus.OUT_FOR_DELIVERY, OrderStatus.SHIPPED):
        raise refuse(order, OrderStatus.COMPLETED)
    await transition(session, order, OrderStatus.COMPLETED, principal, "received", completed_at=utcnow())
    for shipment in await repo.shipments(session, order.id):
        if shipment.status == ShipmentStatus.HANDED_OVER:
            shipment.status = ShipmentStatus.DELIVERED
    return await access.to_schema(session, order)


@router.post("/orders/{order_id}/substitutions/{line_id}", response_model=Order)
async def answer_substitution(
    order_id: int, line_id: int, body: SubstitutionAnswer, principal: CurrentMember, session: DbSession
) -> Order:
    """Accept or decline the substitute the picker offered for a line."""
    order = await picking.answer_substitute(session, principal, order_id, line_id, body.accept)
    return await access.to_schema(session, order)


@router.post("/pos/kiosk-checkouts/{client_id}/cancel", response_model=KioskCheckout)
async def cancel_kiosk_checkout(
    client_id: str, principal: CurrentDevice, session: DbSession
) -> KioskCheckout:
    """Close an unpaid kiosk checkout the shopper walked away from; its coupons are given back."""
    return KioskCheckout.model_validate(await kiosk.cancel_checkout(session, principal, client_id))


# --- scan-and-go ---


@router.post("/scan-and-go/orders", response_model=Order, status_code=status.HTTP_201_CREATED)
async def place_scan_and_go(
    body: ScanAndGoCreate,
    principal: CurrentMember,
    session: DbSession,
    settings: AppSettings,
    response: Response,
    idempotency_key: IdemKey = None,
) -> Order:
    """Buy the goods scanned in the store; once paid the order is completed and its exit pass valid."""
    if not idempotency_key:
        raise IdempotencyKeyRequired()
    order, replayed = await scan_and_go.place(session, principal, body, idempotency_key, settings)
    if replayed:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return await access.to_schema(session, order)


@router.post("/scan-and-go/exit-checks", response_model=Order)
async def check_exit_pass(body: ExitCheckIn, principal: CurrentStaff, session: DbSession) -> Order:
    """Check a shopper's exit pass at the door of the staff member's store."""
    order = await scan_and_go.check_exit(session, principal, body.store_id, body.code)
    return await access.to_schema(session, order)


# --- routing ---


@router.get("/routing/config", response_model=RoutingConfigOut)
async def get_routing_config(principal: CurrentStaff, session: DbSession) -> RoutingConfigOut:
    """HQ's routing weights and the shipping fee."""
    return RoutingConfigOut.model_validate(await repo.routing_config(session))


@router.put("/routing/config", response_model=RoutingConfigOut)
async def set_routing_config(
    body: RoutingConfigUpdate, principal: CurrentHQ, session: DbSession
) -> RoutingConfigOut:
    """Change the routing weights or shipping fee (HQ)."""
    config = await repo.routing_config(session, create=True)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    before = {k: getattr(config, k) for k in changes}
    for key, value in changes.items():
        setattr(config, key, value)
    config.updated_by = principal.id
    audit.record(session, principal, "routing.config", "routing_config", 1, before=before, after=changes)
    await session.flush()
    return RoutingConfigOut.model_validate(config)


@router.get("/orders/{order_id}/routing", response_model=RoutingDecisionOut)
async def order_routing(order_id: int, principal: CurrentStaff, session: DbSession) -> RoutingDecisionOut:
    """Why the order went to its store(s): every candidate with its scores."""
    order = await access.order_for(session, principal, order_id)
    decision = await repo.routing_decision(session, order.id)
    if decision is None:
        raise OrderNotFound("This order was not routed.", detail={"order_id": order_id})
    return RoutingDecisionOut.model_validate(decision)
