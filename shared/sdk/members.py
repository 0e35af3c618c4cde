"""Member profile, member code, identification at a till."""

from __future__ import annotations

from typing import Any

from backend.members.schemas import (
    EarnRule,
    EventCouponIn,
    LoyaltyConfig,
    MallItem,
    MallRedemption,
    Member,
    MemberCode,
    MemberMergeOut,
    MemberSummary,
    OnlineTopUp,
    PointsEntry,
    StoredValueEntry,
    Tier,
    TopupBonusRule,
    Wallet,
)
from shared.sdk.base import Call, Resource, idempotency_key


class MembersAPI(Resource):
    def me(self) -> Member:
        return self._call(Call("GET", "/members/me", model=Member))

    def update_me(self, **fields: Any) -> Member:
        return self._call(Call("PATCH", "/members/me", json=fields, model=Member))

    def set_password(self, password: str) -> None:
        return self._call(Call("PUT", "/members/me/password", json={"password": password}, expect_empty=True))

    def my_code(self) -> MemberCode:
        return self._call(Call("GET", "/members/me/code", model=MemberCode))

    def delete_me(self) -> None:
        return self._call(Call("DELETE", "/members/me", expect_empty=True))

    def identify(self, code: str) -> MemberSummary:
        """Identify a member at a till or kiosk from the scanned member code."""
        return self._call(Call("POST", "/members/identify", json={"code": code}, model=MemberSummary))

    def lookup(self, phone: str) -> MemberSummary:
        return self._call(Call("GET", "/members/lookup", params={"phone": phone}, model=MemberSummary))

    def wallet(self) -> Wallet:
        """Points, stored value, tier and progress to the next tier."""
        return self._call(Call("GET", "/members/me/wallet", model=Wallet))

    def points_history(self, limit: int = 50) -> list[PointsEntry]:
        return self._call(Call("GET", "/members/me/points", params={"limit": limit}, model=list[PointsEntry]))

    def stored_value_history(self, limit: int = 50) -> list[StoredValueEntry]:
        params = {"limit": limit}
        return self._call(
            Call("GET", "/members/me/stored-value", params=params, model=list[StoredValueEntry])
        )

    def top_up_online(self, amount: int, provider: str = "sandbox", key: str | None = None) -> OnlineTopUp:
        """Open an online top-up: pay its ``pay_url``; the wallet is credited once the payment is confirmed.
        Pass the same ``key`` to retry safely."""
        headers = {"Idempotency-Key": key or idempotency_key()}
        body = {"amount": amount, "provider": provider}
        return self._call(Call("POST", "/members/me/topups", json=body, headers=headers, model=OnlineTopUp))

    def topup(self, topup_id: int) -> OnlineTopUp:
        return self._call(Call("GET", f"/members/me/topups/{topup_id}", model=OnlineTopUp))

    def top_up_at_till(
        self, member_id: int, amount: int, tender: str, store_id: int, key: str | None = None
    ) -> list[StoredValueEntry]:
        """Top up at a till; pass the same ``key`` to retry safely."""
        body = {"amount": amount, "tender": tender, "store_id": store_id}
        headers = {"Idempotency-Key": key or idempotency_key()}
        path = f"/members/{member_id}/stored-value/topups"
        return self._call(Call("POST", path, json=body, headers=headers, model=list[StoredValueEntry]))

    def tiers(self) -> list[Tier]:
        return self._call(Call("GET", "/members/tiers", model=list[Tier], auth=False))

    def set_tiers(self, tiers: list[dict[str, Any]]) -> list[Tier]:
        return self._call(Call("PUT", "/members/tiers", json=tiers, model=list[Tier]))

    def set_topup_bonuses(self, bonuses: list[dict[str, int]]) -> list[TopupBonusRule]:
        return self._call(Call("PUT", "/members/topup-bonuses", json=bonuses, model=list[TopupBonusRule]))

    # --- loyalty rules (HQ sets them) ---

    def loyalty(self) -> LoyaltyConfig:
        return self._call(Call("GET", "/members/loyalty", model=LoyaltyConfig, auth=False))

    def set_loyalty(self, **config: int) -> LoyaltyConfig:
        return self._call(Call("PUT", "/members/loyalty", json=config, model=LoyaltyConfig))

    def earn_rules(self) -> list[EarnRule]:
        return self._call(Call("GET", "/members/earn-rules", model=list[EarnRule], auth=False))

    def set_earn_rules(self, rules: list[dict[str, Any]]) -> list[EarnRule]:
        """Category and campaign points multipliers (``multiplier_bp`` 20000 = double points)."""
        return self._call(Call("PUT", "/members/earn-rules", json=rules, model=list[EarnRule]))

    def event_coupons(self) -> list[EventCouponIn]:
        return self._call(Call("GET", "/members/event-coupons", model=list[EventCouponIn]))

    def set_event_coupons(self, rows: list[dict[str, Any]]) -> list[EventCouponIn]:
        """Coupon templates issued on ``signup`` and in the ``birthday`` month."""
        return self._call(Call("PUT", "/members/event-coupons", json=rows, model=list[EventCouponIn]))

    # --- points mall ---

    def mall_items(self) -> list[MallItem]:
        return self._call(Call("GET", "/members/mall/items", model=list[MallItem], auth=False))

    def create_mall_item(self, **item: Any) -> MallItem:
        return self._call(Call("POST", "/members/mall/items", json=item, model=MallItem))

    def update_mall_item(self, item_id: int, **changes: Any) -> MallItem:
        return self._call(Call("PATCH", f"/members/mall/items/{item_id}", json=changes, model=MallItem))

    def redeem(self, item_id: int, key: str | None = None) -> MallRedemption:
        """Exchange points for a mall item; pass the same ``key`` to retry safely."""
        headers = {"Idempotency-Key": key or idempotency_key()}
        path = f"/members/mall/items/{item_id}/redeem"
        return self._call(Call("POST", path, headers=headers, model=MallRedemption))

    def my_redemptions(self) -> list[MallRedemption]:
        return self._call(Call("GET", "/members/me/mall/redemptions", model=list[MallRedemption]))

    def collect(self, redemption_id: int, store_id: int) -> MallRedemption:
        """Hand an exchanged SKU over at a store (staff)."""
        path = f"/members/mall/redemptions/{redemption_id}/collect"
        return self._call(Call("POST", path, json={"store_id": store_id}, model=MallRedemption))

    # --- merge (HQ) ---

    def merge(self, kept_id: int, merged_id: int) -> MemberMergeOut:
        """Fold ``merged_id`` into ``kept_id``: balances, coupons, orders and spend move; audited."""
        body = {"kept_id": kept_id, "merged_id": merged_id}
        return self._call(Call("POST", "/members/merge", json=body, model=MemberMergeOut))
