"""In-store work on orders: picking tasks, pickup hand-over, till sales and receipts, returns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from backend.auth.deps import (
    AppSettings,
    CurrentDevice,
    CurrentHQ,
    CurrentMember,
    CurrentPrincipal,
    CurrentStaff,
    StoreActor,
)
from backend.auth.principal import Principal
from backend.core import audit
from backend.core.db import DbSession
from backend.core.errors import Forbidden
from backend.marketing.schemas import Quote
from backend.orders import access, kiosk, picking, pickup, pos, returns
from backend.orders import repository as repo
from backend.orders.errors import OrderNotFound
from backend.orders.schemas import (
    KioskBasketIn,
    KioskCheckout,
    KioskCheckoutCreate,
    OfflineBatch,
    OfflineResult,
    Order,
    PickTask,
    PickupCode,
    PickupScan,
    PosQuoteCreate,
    PosSaleCreate,
    PricedCartOut,
    Receipt,
    ReturnCreate,
    ReturnOut,
    ReturnPolicyOut,
    ReturnPolicyUpdate,
    ScanIn,
    ShipIn,
    ShortPickIn,
    SubstituteIn,
)

router = APIRouter(tags=["orders"])


def _picker(principal: Principal) -> None:
    principal.require_role(*picking.PICKING_ROLES)


# --- picking ---


@router.get("/picking/tasks", response_model=list[PickTask])
async def list_tasks(
    principal: CurrentStaff,
    session: DbSession,
    store_id: Annotated[int | None, Query(ge=1)] = None,
    status_: Annotated[list[str], Query(alias="status", max_length=6)] = ["to_pick", "picking"],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PickTask]:
    """Picking tasks of the stores the staff member works for, each with its pick list by shelf."""
    _picker(principal)
    if store_id is not None:
        principal.require_store(store_id)
    return await picking.list_tasks(session, principal, store_id, status_, limit)


@router.get("/picking/tasks/{task_id}", response_model=PickTask)
async def get_task(task_id: int, principal: CurrentStaff, session: DbSession) -> PickTask:
    """One picking task with its pick list ordered by shelf location."""
    _picker(principal)
    return await picking.view(session, *await picking.get_task(session, principal, task_id))


@router.post("/picking/tasks/{task_id}/start", response_model=PickTask)
async def start_task(task_id: int, principal: CurrentStaff, session: DbSession) -> PickTask:
    """Take a task and start picking."""
    _picker(principal)
    return await picking.view(session, *await picking.start(session, principal, task_id))


@router.post("/picking/tasks/{task_id}/scan", response_model=PickTask)
async def scan_item(task_id: int, body: ScanIn, principal: CurrentStaff, session: DbSession) -> PickTask:
    """Confirm a picked item by its barcode; a wrong item is refused."""
    _picker(principal)
    return await picking.view(
        session, *await picking.scan(session, principal, task_id, body.barcode, body.quantity)
    )


@router.post("/picking/tasks/{task_id}/lines/{line_id}/short", response_model=PickTask)
async def short_pick(
    task_id: int, line_id: int, body: ShortPickIn, principal: CurrentStaff, session: DbSession
) -> PickTask:
    """Mark units of a line as not available; the shopper is refunded for them."""
    _picker(principal)
    shipment, order = await picking.short_pick(
        session, principal, task_id, line_id, body.quantity, body.reason
    )
    return await picking.view(session, shipment, order)


@router.post("/picking/tasks/{task_id}/lines/{line_id}/substitute", response_model=PickTask)
async def offer_substitute(
    task_id: int, line_id: int, body: SubstituteIn, principal: CurrentStaff, session: DbSession
) -> PickTask:
    """Offer the shopper another SKU for a line; they accept or decline."""
    _picker(principal)
    shipment, order = await picking.offer_substitute(
        session, principal, task_id, line_id, body.sku_id, body.quantity
    )
    return await picking.view(session, shipment, order)


@router.post("/picking/tasks/{task_id}/ready", response_model=PickTask)
async def mark_ready(task_id: int, principal: CurrentStaff, session: DbSession) -> PickTask:
    """Everything is picked or marked short: packed (a pickup order becomes ready to collect)."""
    _picker(principal)
    return await picking.view(session, *await picking.mark_ready(session, principal, task_id))


@router.post("/picking/tasks/{task_id}/dispatch", response_model=PickTask)
async def dispatch(task_id: int, principal: CurrentStaff, session: DbSession) -> PickTask:
    """A packed delivery parcel leaves with the rider."""
    _picker(principal)
    return await picking.view(session, *await picking.hand_over(session, principal, task_id, None))


@router.post("/picking/tasks/{task_id}/ship", response_model=PickTask)
async def ship(task_id: int, body: ShipIn, principal: CurrentStaff, session: DbSession) -> PickTask:
    """A packed parcel is handed to the carrier with its tracking number."""
    _picker(principal)
    return await picking.view(
        session, *await picking.hand_over(session, principal, task_id, body.tracking_no)
    )


# --- pickup ---


@router.get("/orders/{order_id}/pickup-code", response_model=PickupCode)
async def pickup_code(
    order_id: int, principal: CurrentMember, session: DbSession, settings: AppSettings
) -> PickupCode:
    """The shopper's 6-digit pickup code and signed QR."""
    return await pickup.code_for(session, principal, order_id, settings)


@router.post("/pickup/verify", response_model=Order)
async def verify_pickup(
    body: PickupScan, principal: StoreActor, session: DbSession, settings: AppSettings
) -> Order:
    """Check a scanned or typed pickup code at this store without handing over."""
    if principal.is_staff:
        principal.require_role(*pickup.HANDOVER_ROLES)
    return await access.to_schema(session, await pickup.verify(session, principal, body, settings))


@router.post("/pickup/handover", response_model=Order)
async def hand_over(
    body: PickupScan, principal: StoreActor, session: DbSession, settings: AppSettings
) -> Order:
    """Hand the order over to the shopper (once): its stock is sold and the order completed."""
    if principal.is_staff:
        principal.require_role(*pickup.HANDOVER_ROLES)
    return await access.to_schema(session, await pickup.hand_over(session, principal, body, settings))


# --- till ---


@router.post("/pos/quote", response_model=Quote)
async def pos_quote(
    body: PosQuoteCreate, principal: StoreActor, session: DbSession, settings: AppSettings
) -> Quote:
    """Price a till basket exactly as the sale will charge it (promotions, the member's coupons and tier)."""
    return await pos.quote(session, principal, body, settings)


@router.post("/pos/sales", response_model=Order, status_code=status.HTTP_201_CREATED)
async def pos_sale(
    body: PosSaleCreate, principal: StoreActor, session: DbSession, response: Response, settings: AppSettings
) -> Order:
    """Sell at the till or kiosk: stock leaves at once; the client id makes a retry return the first sale."""
    order, replayed, _ = await pos.create_sale(session, principal, body, settings=settings)
    if replayed:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return await access.to_schema(session, order)


@router.post("/pos/kiosk-checkouts", response_model=KioskCheckout, status_code=status.HTTP_201_CREATED)
async def open_kiosk_checkout(
    body: KioskCheckoutCreate, principal: StoreActor, session: DbSession, settings: AppSettings
) -> KioskCheckout:
    """Price a kiosk basket for QR payment; once paid, the sale is recorded with the payment."""
    return KioskCheckout.model_validate(await kiosk.open_checkout(session, principal, body, settings))


@router.get("/pos/kiosk-checkouts/{client_id}", response_model=KioskCheckout)
async def get_kiosk_checkout(client_id: str, principal: CurrentDevice, session: DbSession) -> KioskCheckout:
    """A kiosk checkout this kiosk opened: what it costs, what the QR pays, whether it is paid."""
    return KioskCheckout.model_validate(await kiosk.own_checkout(session, principal, client_id))


@router.post("/pos/kiosk-checkouts/{client_id}/sale", response_model=Order)
async def kiosk_checkout_sale(client_id: str, principal: CurrentDevice, session: DbSession) -> Order:
    """The sale a paid kiosk checkout recorded; asking again returns the same sale."""
    return await access.to_schema(session, await kiosk.sale_of(session, principal, client_id))


@router.post("/pos/kiosk-baskets", response_model=PricedCartOut)
async def price_kiosk_basket(
    body: KioskBasketIn, principal: CurrentDevice, session: DbSession
) -> PricedCartOut:
    """Price a kiosk session's cart together with the scale-labelled packs the kiosk holds."""
    return await kiosk.price_basket(session, principal, body)


@router.post("/pos/offline-sales", response_model=list[OfflineResult])
async def offline_sales(
    body: OfflineBatch, principal: StoreActor, session: DbSession, settings: AppSettings
) -> list[OfflineResult]:
    """Upload sales made while the store was offline; each is applied once, however often it is sent."""
    return await pos.upload_offline(session, principal, body.sales, settings)


@router.get("/orders/{order_id}/receipt", response_model=Receipt)
async def receipt(
    order_id: int, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> Receipt:
    """The receipt: structured, as printable Chinese text, and with the signed e-receipt QR."""
    order = await access.order_for(session, principal, order_id)
    return await pos.receipt(session, order, settings)


# --- returns ---


@router.post("/returns", response_model=ReturnOut, status_code=status.HTTP_201_CREATED)
async def create_return(
    body: ReturnCreate,
    principal: CurrentStaff,
    session: DbSession,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_-]{8,64}$")
    ] = None,
) -> ReturnOut:
    """Take goods back at this store (any store of the chain) and refund them to the original tenders."""
    if body.client_id is None and idempotency_key:
        body = body.model_copy(update={"client_id": idempotency_key})
    ret, replayed = await returns.create_return(session, principal, body)
    if replayed:
        response.status_code = status.HTTP_200_OK
    return await returns.to_schema(session, ret)


@router.get("/returns/policy", response_model=ReturnPolicyOut)
async def get_return_policy(principal: CurrentPrincipal, session: DbSession) -> ReturnPolicyOut:
    """How many days after completion goods may be returned."""
    return ReturnPolicyOut.model_validate(await repo.return_policy(session))


@router.put("/returns/policy", response_model=ReturnPolicyOut)
async def set_return_policy(
    body: ReturnPolicyUpdate, principal: CurrentHQ, session: DbSession
) -> ReturnPolicyOut:
    """Change the return window (HQ)."""
    policy = await repo.return_policy(session, create=True)
    audit.record(
        session,
        principal,
        "returns.policy",
        "return_policy",
        1,
        before={"window_days": policy.window_days},
        after={"window_days": body.window_days},
    )
    policy.window_days = body.window_days
    policy.updated_by = principal.id
    await session.flush()
    return ReturnPolicyOut.model_validate(policy)


@router.get("/returns/{return_id}", response_model=ReturnOut)
async def get_return(return_id: int, principal: CurrentStaff, session: DbSession) -> ReturnOut:
    """One return with its lines and refunds."""
    ret = await repo.get_return(session, return_id)
    if ret is None or not (principal.can_act_for(ret.store_id) or principal.is_hq):
        raise OrderNotFound("No such return.", detail={"return_id": return_id})
    return await returns.to_schema(session, ret)


@router.get("/orders/{order_id}/returns", response_model=list[ReturnOut])
async def order_returns(order_id: int, principal: CurrentPrincipal, session: DbSession) -> list[ReturnOut]:
    """The returns made against an order."""
    if principal.is_device:
        raise Forbidden()
    order = await access.order_for(session, principal, order_id)
    return [await returns.to_schema(session, r) for r in await repo.order_returns(session, order.id)]
