"""Campaigns: 拼团 group buys, 砍价 bargains and 秒杀 flash sales.

A group buy (deal) is opened as groups; members join a group, pay up front, and when the group is full
every member's order goes to fulfilment; otherwise every paid member is refunded. A bargain is one
member's price that friends cut along a schedule drawn when it starts. A flash sale is a time slot of
items, each with its own stock pool moved out of a store's stock; members claim units from the pool
and pay for the claim.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, created_at, intpk


class GroupStatus(StrEnum):
    OPEN = "open"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class SeatStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    ORDERED = "ordered"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class BargainStatus(StrEnum):
    OPEN = "open"
    FLOOR_REACHED = "floor_reached"
    ORDERED = "ordered"
    EXPIRED = "expired"


class ClaimStatus(StrEnum):
    HELD = "held"
    PAID = "paid"
    EXPIRED = "expired"


class GroupBuyDeal(Base):
    """HQ's 拼团 offer on one SKU: the group price, how many make a group and how long a group may take."""

    __tablename__ = "group_buy_deals"
    __table_args__ = (
        CheckConstraint("group_size >= 2", name="group_size_min"),
        CheckConstraint("group_price > 0", name="group_price_positive"),
    )

    id: Mapped[intpk]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    group_price: Mapped[int] = mapped_column(Integer)
    group_size: Mapped[int] = mapped_column(Integer)
    time_limit_minutes: Mapped[int] = mapped_column(Integer)
    per_member_limit: Mapped[int] = mapped_column(Integer, default=1)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class Group(Base):
    """One group of a deal; ``seats`` counts joined members (paid or about to pay), never above ``size``."""

    __tablename__ = "group_buy_groups"
    __table_args__ = (
        CheckConstraint("seats >= 0 AND seats <= size", name="seats_within_size"),
        CheckConstraint("paid <= seats", name="paid_within_seats"),
        Index("ix_group_buy_groups_due", "status", "expires_at"),
    )

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("group_buy_deals.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    size: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=GroupStatus.OPEN)
    expires_at: Mapped[datetime]
    created_at: Mapped[created_at]
    finished_at: Mapped[datetime | None]


class GroupSeat(Base):
    """A member in a group: the units, the store that fills them, the payment and, once full, the order."""

    __tablename__ = "group_buy_seats"
    __table_args__ = (
        UniqueConstraint("group_id", "member_id"),
        Index("ix_group_buy_seats_due", "status", "pay_by"),
    )

    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(ForeignKey("group_buy_groups.id"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("group_buy_deals.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=SeatStatus.AWAITING_PAYMENT)
    pay_by: Mapped[datetime]
    payment_id: Mapped[int | None] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[created_at]
    paid_at: Mapped[datetime | None]


class BargainDeal(Base):
    """HQ's 砍价 offer on one SKU: from the start price down to the floor in ``cuts_needed`` cuts."""

    __tablename__ = "bargain_deals"
    __table_args__ = (
        CheckConstraint("floor_price > 0 AND floor_price < start_price", name="floor_below_start"),
        CheckConstraint("cuts_needed >= 1", name="cuts_positive"),
        CheckConstraint("start_price - floor_price >= cuts_needed", name="a_fen_per_cut"),
    )

    id: Mapped[intpk]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    start_price: Mapped[int] = mapped_column(Integer)
    floor_price: Mapped[int] = mapped_column(Integer)
    cuts_needed: Mapped[int] = mapped_column(Integer)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class Bargain(Base):
    """One member's bargain; ``schedule`` is the list of cut amounts (fen) drawn when it started."""

    __tablename__ = "bargains"
    __table_args__ = (
        CheckConstraint("cuts_done >= 0 AND cuts_done <= cuts_needed", name="cuts_within_needed"),
        CheckConstraint("price >= floor_price", name="price_above_floor"),
    )

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("bargain_deals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    code: Mapped[str] = mapped_column(String(12), unique=True)
    start_price: Mapped[int] = mapped_column(Integer)
    floor_price: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(Integer)
    cuts_needed: Mapped[int] = mapped_column(Integer)
    cuts_done: Mapped[int] = mapped_column(Integer, default=0)
    schedule: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(16), default=BargainStatus.OPEN)
    deadline: Mapped[datetime]
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[created_at]


class BargainCut(Base):
    """One friend's cut: each friend cuts a bargain once, and the n-th cut takes the n-th amount."""

    __tablename__ = "bargain_cuts"
    __table_args__ = (UniqueConstraint("bargain_id", "member_id"), UniqueConstraint("bargain_id", "seq"))

    id: Mapped[intpk]
    bargain_id: Mapped[int] = mapped_column(ForeignKey("bargains.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    seq: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[created_at]


class FlashSlot(Base):
    """A 秒杀 time slot (e.g. 10:00-12:00) holding the items on sale in it."""

    __tablename__ = "flash_sale_slots"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[intpk]
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class FlashItem(Base):
    """A SKU on sale in a slot at one store, with its own pool of units (``sold`` counts held and paid)."""

    __tablename__ = "flash_sale_items"
    __table_args__ = (
        UniqueConstraint("slot_id", "store_id", "sku_id"),
        CheckConstraint("sold >= 0 AND sold <= pool", name="sold_within_pool"),
        CheckConstraint("price > 0", name="price_positive"),
        Index("ix_flash_sale_items_due", "status", "ends_at"),
    )

    id: Mapped[intpk]
    slot_id: Mapped[int] = mapped_column(ForeignKey("flash_sale_slots.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    price: Mapped[int] = mapped_column(Integer)
    pool: Mapped[int] = mapped_column(Integer)
    sold: Mapped[int] = mapped_column(Integer, default=0)
    # Units granted by the latest batch (written by the same UPDATE that moves ``sold``).
    last_grant: Mapped[int] = mapped_column(Integer, default=0)
    per_member_limit: Mapped[int] = mapped_column(Integer, default=1)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # open: the pool holds units; closed: the unsold units went back to the store's stock.
    status: Mapped[str] = mapped_column(String(10), default="open")
    returned: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]


class FlashClaim(Base):
    """Units of a flash item held for a member until paid (then an order) or expired (back to the pool).
    A member holds at most one live (held or paid) claim per item."""

    __tablename__ = "flash_sale_claims"
    __table_args__ = (
        Index(
            "uq_flash_sale_claims_live",
            "item_id",
            "member_id",
            unique=True,
            postgresql_where=text("status IN ('held', 'paid')"),
            sqlite_where=text("status IN ('held', 'paid')"),
        ),
        Index("ix_flash_sale_claims_due", "status", "pay_by"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(ForeignKey("flash_sale_items.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=ClaimStatus.HELD)
    pay_by: Mapped[datetime]
    payment_id: Mapped[int | None] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[created_at]
    paid_at: Mapped[datetime | None]
