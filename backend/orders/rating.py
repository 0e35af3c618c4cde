"""Order ratings (评价): the shopper gives a completed order 1–5 stars and a comment, once per order."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.auth.principal import Principal
from backend.core.db import Base, created_at, intpk
from backend.core.errors import Conflict, InvalidState, NotFound
from backend.core.events import emit
from backend.orders.access import order_for
from backend.orders.models import OrderStatus

# Orders whose goods the shopper has received (picked up, delivered, or kept after a partial refund).
RATABLE = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)


class OrderRating(Base):
    __tablename__ = "order_ratings"
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_in_range"),)

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[created_at]


class AlreadyRated(Conflict):
    code = "already_rated"
    default_message = "This order has already been rated."


class OrderNotRatable(InvalidState):
    code = "order_not_ratable"
    default_message = "Only a completed order can be rated."


class RatingNotFound(NotFound):
    code = "rating_not_found"
    default_message = "This order has not been rated."


async def rating_of(session: AsyncSession, order_id: int) -> OrderRating | None:
    return await session.scalar(select(OrderRating).where(OrderRating.order_id == order_id))


async def rate(
    session: AsyncSession, member: Principal, order_id: int, stars: int, comment: str
) -> OrderRating:
    """Rate one of the member's own completed orders; a second rating is refused."""
    order = await order_for(session, member, order_id)
    if order.member_id != member.id:
        # Staff of the store may see the order; only the shopper who bought it rates it.
        from backend.orders.errors import OrderNotFound

        raise OrderNotFound(detail={"order_id": order_id})
    if order.status not in RATABLE:
        raise OrderNotRatable(detail={"status": order.status, "ratable": [s.value for s in RATABLE]})
    if await rating_of(session, order.id) is not None:
        raise AlreadyRated(detail={"order_id": order.id})
    row = OrderRating(
        order_id=order.id, member_id=member.id, store_id=order.store_id, stars=stars, comment=comment.strip()
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        raise AlreadyRated(detail={"order_id": order.id}) from exc
    emit(session, f"order:{order.id}", "order.rated", {"order_id": order.id, "stars": stars})
    return row


async def get(session: AsyncSession, principal: Principal, order_id: int) -> OrderRating:
    """The order's rating, for whoever may see the order."""
    order = await order_for(session, principal, order_id)
    row = await rating_of(session, order.id)
    if row is None:
        raise RatingNotFound(detail={"order_id": order.id})
    return row
