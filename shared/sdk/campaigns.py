"""拼团 group buys, 砍价 bargains and 秒杀 flash sales: HQ set-up and member actions."""

from __future__ import annotations

from typing import Any

from backend.campaigns.schemas import (
    BargainDeal,
    BargainDetail,
    CampaignPayment,
    CutResult,
    FlashClaim,
    FlashSlot,
    Group,
    GroupBuyDeal,
    GroupDetail,
    Seat,
)
from backend.orders.schemas import Order
from shared.sdk.base import Call, Resource


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return {k: convert(v) for k, v in fields.items()}


class CampaignsAPI(Resource):
    # --- group buy ---

    def create_group_buy(self, **fields: Any) -> GroupBuyDeal:
        """Define a group buy (HQ): sku_id, name_zh, name_en, group_price, group_size, time_limit_hours,
        per_member_limit, starts_at, ends_at."""
        return self._call(Call("POST", "/campaigns/group-buys", json=_jsonable(fields), model=GroupBuyDeal))

    def group_buys(self, running: bool = True) -> list[GroupBuyDeal]:
        params = {"running": str(running).lower()}
        return self._call(
            Call("GET", "/campaigns/group-buys", params=params, model=list[GroupBuyDeal], auth=False)
        )

    def open_groups(self, deal_id: int) -> list[Group]:
        return self._call(
            Call("GET", f"/campaigns/group-buys/{deal_id}/groups", model=list[Group], auth=False)
        )

    def open_group(self, deal_id: int, store_id: int, quantity: int = 1) -> GroupDetail:
        body = {"deal_id": deal_id, "store_id": store_id, "quantity": quantity}
        return self._call(Call("POST", "/campaigns/groups", json=body, model=GroupDetail))

    def group(self, code: str) -> GroupDetail:
        return self._call(Call("GET", f"/campaigns/groups/{code}", model=GroupDetail, auth=False))

    def join_group(self, code: str, store_id: int, quantity: int = 1) -> GroupDetail:
        body = {"store_id": store_id, "quantity": quantity}
        return self._call(Call("POST", f"/campaigns/groups/{code}/join", json=body, model=GroupDetail))

    def pay_seat(self, seat_id: int, provider: str = "sandbox") -> CampaignPayment:
        return self._call(
            Call(
                "POST",
                f"/campaigns/group-seats/{seat_id}/payment",
                json={"provider": provider},
                model=CampaignPayment,
            )
        )

    def leave_group(self, seat_id: int) -> Seat:
        return self._call(Call("POST", f"/campaigns/group-seats/{seat_id}/leave", model=Seat))

    # --- bargain ---

    def create_bargain_deal(self, **fields: Any) -> BargainDeal:
        """Define a bargain (HQ): sku_id, name_zh, name_en, start_price, floor_price, cuts_needed,
        duration_hours, starts_at, ends_at."""
        return self._call(Call("POST", "/campaigns/bargain-deals", json=_jsonable(fields), model=BargainDeal))

    def bargain_deals(self, running: bool = True) -> list[BargainDeal]:
        params = {"running": str(running).lower()}
        return self._call(
            Call("GET", "/campaigns/bargain-deals", params=params, model=list[BargainDeal], auth=False)
        )

    def start_bargain(self, deal_id: int, store_id: int) -> BargainDetail:
        body = {"deal_id": deal_id, "store_id": store_id}
        return self._call(Call("POST", "/campaigns/bargains", json=body, model=BargainDetail))

    def bargain(self, code: str) -> BargainDetail:
        return self._call(Call("GET", f"/campaigns/bargains/{code}", model=BargainDetail, auth=False))

    def cut(self, code: str) -> CutResult:
        return self._call(Call("POST", f"/campaigns/bargains/{code}/cut", model=CutResult))

    def order_bargain(self, bargain_id: int) -> Order:
        return self._call(Call("POST", f"/campaigns/bargains/{bargain_id}/order", model=Order))

    # --- flash sale ---

    def create_flash_sale(self, **fields: Any) -> FlashSlot:
        """Create a flash-sale slot (HQ): name_zh, name_en, starts_at, ends_at and items
        (store_id, sku_id, price, pool, per_member_limit)."""
        return self._call(Call("POST", "/campaigns/flash-sales", json=_jsonable(fields), model=FlashSlot))

    def flash_sales(self) -> list[FlashSlot]:
        return self._call(Call("GET", "/campaigns/flash-sales", model=list[FlashSlot], auth=False))

    def end_flash_sale(self, slot_id: int) -> FlashSlot:
        return self._call(Call("POST", f"/campaigns/flash-sales/{slot_id}/end", model=FlashSlot))

    def buy_flash(self, item_id: int, quantity: int = 1) -> FlashClaim:
        return self._call(
            Call(
                "POST", f"/campaigns/flash-items/{item_id}/buy", json={"quantity": quantity}, model=FlashClaim
            )
        )

    def my_flash_claims(self) -> list[FlashClaim]:
        return self._call(Call("GET", "/campaigns/flash-claims/mine", model=list[FlashClaim]))

    def pay_flash_claim(self, claim_id: int, provider: str = "sandbox") -> CampaignPayment:
        return self._call(
            Call(
                "POST",
                f"/campaigns/flash-claims/{claim_id}/payment",
                json={"provider": provider},
                model=CampaignPayment,
            )
        )
