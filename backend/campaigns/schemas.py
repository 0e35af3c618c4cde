"""Group buys, bargains and flash sales over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from backend.core.schemas import Schema

Id = Annotated[int, Field(gt=0)]
Price = Annotated[int, Field(gt=0, le=100_000_000, description="Amount in fen (分)")]
Qty = Annotated[int, Field(gt=0, le=99)]
Label = Annotated[str, Field(min_length=1, max_length=80)]


class _Window(Schema):
    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def _ordered(self) -> _Window:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


# --- group buy ---


class GroupBuyDealCreate(_Window):
    sku_id: Id
    name_zh: Label
    name_en: Label
    group_price: Price
    group_size: Annotated[int, Field(ge=2, le=100)]
    time_limit_hours: Annotated[float, Field(gt=0, le=24 * 30)]
    per_member_limit: Qty = 1


class GroupBuyDeal(Schema):
    id: int
    sku_id: int
    name_zh: str
    name_en: str
    group_price: int
    group_size: int
    time_limit_minutes: int
    per_member_limit: int
    starts_at: datetime
    ends_at: datetime
    active: bool


class GroupOpen(Schema):
    deal_id: Id
    store_id: Id
    quantity: Qty = 1


class GroupJoin(Schema):
    store_id: Id
    quantity: Qty = 1


class Seat(Schema):
    id: int
    group_id: int
    member_id: int
    store_id: int
    quantity: int
    amount: int
    status: str
    pay_by: datetime
    payment_id: int | None
    order_id: int | None


class Group(Schema):
    id: int
    deal_id: int
    code: str
    leader_id: int
    size: int
    seats: int
    paid: int
    status: str
    expires_at: datetime
    finished_at: datetime | None


class GroupDetail(Group):
    deal: GroupBuyDeal
    members: list[Seat]


class CampaignPayment(Schema):
    """A payment opened for a group seat or a flash-sale claim: open ``pay_url`` or show ``qr_payload``."""

    ref_type: str
    ref_id: str
    amount: int
    payment_id: int
    provider: str
    pay_url: str | None
    qr_payload: str | None


class PayRequest(Schema):
    provider: str = "sandbox"


# --- bargain ---


class BargainDealCreate(_Window):
    sku_id: Id
    name_zh: Label
    name_en: Label
    start_price: Price
    floor_price: Price
    cuts_needed: Annotated[int, Field(ge=1, le=1000)]
    duration_hours: Annotated[float, Field(gt=0, le=24 * 30)]

    @model_validator(mode="after")
    def _gap(self) -> BargainDealCreate:
        if self.floor_price >= self.start_price:
            raise ValueError("floor_price must be below start_price")
        return self


class BargainDeal(Schema):
    id: int
    sku_id: int
    name_zh: str
    name_en: str
    start_price: int
    floor_price: int
    cuts_needed: int
    duration_minutes: int
    starts_at: datetime
    ends_at: datetime
    active: bool


class BargainStart(Schema):
    deal_id: Id
    store_id: Id


class BargainCut(Schema):
    seq: int
    member_id: int
    amount: int
    created_at: datetime


class Bargain(Schema):
    id: int
    deal_id: int
    member_id: int
    store_id: int
    code: str
    start_price: int
    floor_price: int
    price: int
    cuts_needed: int
    cuts_done: int
    status: str
    deadline: datetime
    order_id: int | None


class BargainDetail(Bargain):
    cuts: list[BargainCut]


class CutResult(Schema):
    bargain: Bargain
    cut: BargainCut


# --- flash sale ---


class FlashItemCreate(Schema):
    store_id: Id
    sku_id: Id
    price: Price
    pool: Annotated[int, Field(gt=0, le=1_000_000)]
    per_member_limit: Qty = 1


class FlashSlotCreate(_Window):
    name_zh: Label
    name_en: Label
    items: Annotated[list[FlashItemCreate], Field(min_length=1, max_length=200)]


class FlashItem(Schema):
    id: int
    slot_id: int
    store_id: int
    sku_id: int
    price: int
    pool: int
    sold: int
    per_member_limit: int
    starts_at: datetime
    ends_at: datetime
    status: str
    returned: int


class FlashSlot(Schema):
    id: int
    name_zh: str
    name_en: str
    starts_at: datetime
    ends_at: datetime
    items: list[FlashItem]


class FlashClaim(Schema):
    id: int
    item_id: int
    member_id: int
    quantity: int
    amount: int
    status: str
    pay_by: datetime
    order_id: int | None
    # True when the member already held this claim (a repeated buy returns it instead of a second one).
    repeat: bool = False
