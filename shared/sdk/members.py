"""Member profile, member code, identification at a till."""

from __future__ import annotations

from typing import Any

from backend.members.schemas import (
    Member,
    MemberCode,
    MemberSummary,
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
