"""On-site work orders: the technician's quote (labour and parts from the store's stock), the customer's
confirmation and payment, photos before and after, completion and the customer's rating."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments.enums import BookingStatus, PhotoStage, WorkOrderStatus
from backend.appointments.errors import AlreadyRated, BookingNotFound, WorkOrderNotFound
from backend.appointments.models import Booking, WorkOrder, WorkOrderPart, WorkOrderPhoto
from backend.appointments.schemas import QuoteCreate, RatingCreate, WorkOrderCreate
from backend.auth.principal import Principal, StaffRole
from backend.catalog import images
from backend.catalog.models import Product, Sku
from backend.core import audit, events
from backend.core.errors import BadRequest, Forbidden, InvalidState, NotFound
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.pricing import service as pricing

REF_TYPE = "work_order"
MAX_PHOTOS = 12


def _require_worker(principal: Principal, order_or_booking: WorkOrder | Booking) -> None:
    """The booking's technician, or a manager of its store (HQ always)."""
    if principal.is_hq:
        return
    if not principal.is_staff or not principal.can_act_for(order_or_booking.store_id):
        raise WorkOrderNotFound()
    if principal.id == order_or_booking.technician_id or principal.has_role(StaffRole.STORE_MANAGER):
        return
    raise Forbidden("Only the booking's technician or the store manager may do this.")


async def _get(session: AsyncSession, work_order_id: int, *, lock: bool = False) -> WorkOrder:
    query = select(WorkOrder).where(WorkOrder.id == work_order_id)
    if lock:
        query = query.with_for_update()
    order = await session.scalar(query)
    if order is None:
        raise WorkOrderNotFound(detail={"work_order_id": work_order_id})
    return order


async def visible(session: AsyncSession, principal: Principal, work_order_id: int) -> WorkOrder:
    """A work order the caller may see: the member's own, or one of the staff member's stores."""
    order = await _get(session, work_order_id)
    if principal.is_member and order.member_id == principal.id:
        return order
    if principal.is_staff and principal.can_act_for(order.store_id):
        return order
    raise WorkOrderNotFound(detail={"work_order_id": work_order_id})


def _emit(session: AsyncSession, order: WorkOrder, type_: str) -> None:
    payload = {
        "work_order_id": order.id,
        "booking_id": order.booking_id,
        "status": order.status,
        "total": order.total,
    }
    events.emit(session, f"member:{order.member_id}", type_, payload)
    events.emit(session, f"store:{order.store_id}:services", type_, payload)


async def open_order(session: AsyncSession, principal: Principal, body: WorkOrderCreate) -> WorkOrder:
    """Open the work order of a booking on arrival (opening it again returns the same one)."""
    booking = await session.get(Booking, body.booking_id)
    if booking is None or not principal.can_act_for(booking.store_id):
        raise BookingNotFound(detail={"booking_id": body.booking_id})
    _require_worker(principal, booking)
    existing = await session.scalar(select(WorkOrder).where(WorkOrder.booking_id == booking.id))
    if existing is not None:
        return existing
    if booking.status != BookingStatus.BOOKED:
        raise InvalidState("Only a booked appointment gets a work order.", detail={"status": booking.status})
    order = WorkOrder(
        booking_id=booking.id,
        member_id=booking.member_id,
        store_id=booking.store_id,
        technician_id=booking.technician_id,
        status=WorkOrderStatus.OPEN,
        diagnosis=body.diagnosis,
    )
    session.add(order)
    await session.flush()
    _emit(session, order, "work_order.opened")
    return order


async def quote(
    session: AsyncSession, principal: Principal, work_order_id: int, body: QuoteCreate
) -> WorkOrder:
    """Set (or revise, until the customer confirms) labour and parts; parts are priced at the store."""
    order = await _get(session, work_order_id, lock=True)
    _require_worker(principal, order)
    if order.status not in (WorkOrderStatus.OPEN, WorkOrderStatus.QUOTED):
        raise InvalidState(
            "The quote can change only until the customer confirms.", detail={"status": order.status}
        )
    wanted: dict[int, int] = {}
    for part in body.parts:
        wanted[part.sku_id] = wanted.get(part.sku_id, 0) + part.quantity
    rows = {}
    if wanted:
        found = await session.execute(
            select(Sku, Product).join(Product, Product.id == Sku.product_id).where(Sku.id.in_(wanted))
        )
        rows = {sku.id: (sku, product) for sku, product in found.all()}
    missing = sorted(set(wanted) - set(rows))
    if missing:
        raise NotFound("No such SKU.", detail={"sku_ids": missing})
    services = sorted(s for s, (_sku, product) in rows.items() if product.kind != "goods")
    if services:
        raise BadRequest("Parts must be goods kept in stock.", detail={"sku_ids": services})
    prices = await pricing.price_for(session, order.store_id, list(wanted))
    for old in await session.scalars(select(WorkOrderPart).where(WorkOrderPart.work_order_id == order.id)):
        await session.delete(old)
    await session.flush()
    parts_total = 0
    for sku_id, qty in sorted(wanted.items()):
        unit = prices[sku_id].price
        session.add(
            WorkOrderPart(
                work_order_id=order.id,
                sku_id=sku_id,
                name_zh=rows[sku_id][1].name_zh,
                quantity=qty,
                unit_price=unit,
                amount=unit * qty,
            )
        )
        parts_total += unit * qty
    order.labour = body.labour
    order.parts_total = parts_total
    order.total = body.labour + parts_total
    if body.diagnosis is not None:
        order.diagnosis = body.diagnosis
    order.status = WorkOrderStatus.QUOTED
    order.quoted_at = utcnow()
    await session.flush()
    audit.record(
        session,
        principal,
        "work_order.quote",
        "work_order",
        order.id,
        after={"labour": order.labour, "parts": wanted, "total": order.total},
        store_id=order.store_id,
    )
    _emit(session, order, "work_order.quoted")
    return order


async def parts_of(session: AsyncSession, order: WorkOrder) -> list[WorkOrderPart]:
    query = (
        select(WorkOrderPart).where(WorkOrderPart.work_order_id == order.id).order_by(WorkOrderPart.sku_id)
    )
    return list(await session.scalars(query))


async def photos_of(session: AsyncSession, order: WorkOrder) -> list[WorkOrderPhoto]:
    query = select(WorkOrderPhoto).where(WorkOrderPhoto.work_order_id == order.id).order_by(WorkOrderPhoto.id)
    return list(await session.scalars(query))


async def confirm(session: AsyncSession, member: Principal, work_order_id: int) -> WorkOrder:
    """The customer accepts the quote: the parts leave the store's stock through the ledger, all or none."""
    order = await _get(session, work_order_id, lock=True)
    if order.member_id != member.id:
        raise WorkOrderNotFound(detail={"work_order_id": work_order_id})
    if order.status != WorkOrderStatus.QUOTED:
        raise InvalidState("Only a quoted work order can be confirmed.", detail={"status": order.status})
    parts = await parts_of(session, order)
    if parts:
        await inventory.sell(
            session,
            order.store_id,
            [(p.sku_id, p.quantity) for p in parts],
            REF_TYPE,
            str(order.id),
            actor=member,
        )
    order.status = WorkOrderStatus.CONFIRMED
    order.confirmed_at = utcnow()
    await session.flush()
    _emit(session, order, "work_order.confirmed")
    return order


async def add_photo(
    session: AsyncSession,
    principal: Principal,
    var_dir: Path,
    work_order_id: int,
    stage: PhotoStage,
    data: bytes,
) -> WorkOrderPhoto:
    """Keep a before/after photo; the bytes are decoded to be sure they are a picture."""
    order = await _get(session, work_order_id)
    _require_worker(principal, order)
    if order.status in (WorkOrderStatus.COMPLETED, WorkOrderStatus.CANCELLED):
        raise InvalidState("The work order is closed.", detail={"status": order.status})
    if len(await photos_of(session, order)) >= MAX_PHOTOS:
        raise BadRequest(f"At most {MAX_PHOTOS} photos per work order.", detail={"max": MAX_PHOTOS})
    stored = images.store(var_dir, Path("work-orders") / str(order.id), data, prefix=f"{stage}-")
    photo = WorkOrderPhoto(work_order_id=order.id, stage=stage, **stored.columns())
    session.add(photo)
    await session.flush()
    return photo


async def photo_file(
    session: AsyncSession, principal: Principal, var_dir: Path, work_order_id: int, photo_id: int
) -> tuple[Path, str]:
    order = await visible(session, principal, work_order_id)
    photo = await session.get(WorkOrderPhoto, photo_id)
    if photo is None or photo.work_order_id != order.id:
        raise NotFound("No such photo.", detail={"photo_id": photo_id})
    path = images.stored_file(var_dir, photo.path)
    if path is None:
        raise NotFound("The photo file is missing.", detail={"photo_id": photo_id})
    return path, photo.content_type


async def complete(session: AsyncSession, principal: Principal, work_order_id: int) -> WorkOrder:
    """Finish the job: the quote confirmed and paid in full, and at least one photo of the result."""
    order = await _get(session, work_order_id, lock=True)
    _require_worker(principal, order)
    if order.status != WorkOrderStatus.CONFIRMED:
        raise InvalidState("Only a confirmed work order can be completed.", detail={"status": order.status})
    if order.paid_amount < order.total:
        raise InvalidState(
            "The customer has not paid the quote yet.",
            detail={"total": order.total, "paid": order.paid_amount},
        )
    if not any(p.stage == PhotoStage.AFTER for p in await photos_of(session, order)):
        raise BadRequest("Add a photo of the finished work first.", detail={"stage": PhotoStage.AFTER})
    now = utcnow()
    order.status = WorkOrderStatus.COMPLETED
    order.completed_at = now
    booking = await session.get(Booking, order.booking_id)
    assert booking is not None
    if booking.status == BookingStatus.BOOKED:
        booking.status = BookingStatus.COMPLETED
    await session.flush()
    _emit(session, order, "work_order.completed")
    return order


async def rate(session: AsyncSession, member: Principal, work_order_id: int, body: RatingCreate) -> WorkOrder:
    order = await _get(session, work_order_id, lock=True)
    if order.member_id != member.id:
        raise WorkOrderNotFound(detail={"work_order_id": work_order_id})
    if order.status != WorkOrderStatus.COMPLETED:
        raise InvalidState("Rate the work once it is completed.", detail={"status": order.status})
    if order.rating is not None:
        raise AlreadyRated()
    order.rating = body.rating
    order.rating_comment = body.comment.strip() or None
    order.rated_at = utcnow()
    await session.flush()
    _emit(session, order, "work_order.rated")
    return order
