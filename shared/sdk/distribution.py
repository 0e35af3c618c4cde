"""分销 distribution: a member's distributor account, referral binding, commissions and withdrawals,
and HQ's settings and reviews."""

from __future__ import annotations

from typing import Any

from backend.distribution.schemas import (
    Commission,
    DistributionSettings,
    Distributor,
    LedgerEntry,
    Referral,
    ReferralCodeInfo,
    ReferredMember,
    SyncResult,
    Withdrawal,
)
from shared.sdk.base import Call, Resource


class DistributionAPI(Resource):
    def join(self) -> Distributor:
        """Become a distributor (a member); returns the referral code and link."""
        return self._call(Call("POST", "/distribution/me", model=Distributor))

    def me(self) -> Distributor:
        return self._call(Call("GET", "/distribution/me", model=Distributor))

    def my_referrals(self) -> list[ReferredMember]:
        return self._call(Call("GET", "/distribution/me/referrals", model=list[ReferredMember]))

    def my_commissions(self, status: str | None = None) -> list[Commission]:
        params = {"status": status}
        return self._call(Call("GET", "/distribution/me/commissions", params=params, model=list[Commission]))

    def my_ledger(self) -> list[LedgerEntry]:
        return self._call(Call("GET", "/distribution/me/ledger", model=list[LedgerEntry]))

    def request_withdrawal(self, amount: int, account: str) -> Withdrawal:
        body = {"amount": amount, "account": account}
        return self._call(Call("POST", "/distribution/me/withdrawals", json=body, model=Withdrawal))

    def my_withdrawals(self) -> list[Withdrawal]:
        return self._call(Call("GET", "/distribution/me/withdrawals", model=list[Withdrawal]))

    def code_info(self, code: str) -> ReferralCodeInfo:
        return self._call(Call("GET", f"/distribution/codes/{code}", model=ReferralCodeInfo, auth=False))

    def bind(self, code: str, via: str = "code") -> Referral:
        """Bind the signed-in (new) member to the distributor of ``code``; the first binding stays."""
        body = {"code": code, "via": via}
        return self._call(Call("POST", "/distribution/bind", json=body, model=Referral))

    def my_referrer(self) -> Referral | None:
        return self._call(Call("GET", "/distribution/my-referrer", model=Referral | None))

    def settings(self) -> DistributionSettings:
        return self._call(Call("GET", "/distribution/settings", model=DistributionSettings))

    def update_settings(self, **fields: Any) -> DistributionSettings:
        """Levels (1-3), ``level1_bp``..``level3_bp``, ``min_withdrawal``, ``enabled`` (HQ)."""
        return self._call(Call("PUT", "/distribution/settings", json=fields, model=DistributionSettings))

    def distributors(self) -> list[Distributor]:
        return self._call(Call("GET", "/distribution/distributors", model=list[Distributor]))

    def set_distributor_status(self, distributor_id: int, status: str) -> Distributor:
        body = {"status": status}
        return self._call(
            Call("PATCH", f"/distribution/distributors/{distributor_id}", json=body, model=Distributor)
        )

    def commissions(self, distributor_id: int | None = None, status: str | None = None) -> list[Commission]:
        params = {"distributor_id": distributor_id, "status": status}
        return self._call(Call("GET", "/distribution/commissions", params=params, model=list[Commission]))

    def withdrawals(self, status: str | None = None) -> list[Withdrawal]:
        params = {"status": status}
        return self._call(Call("GET", "/distribution/withdrawals", params=params, model=list[Withdrawal]))

    def review_withdrawal(
        self, withdrawal_id: int, approve: bool, note: str | None = None, reference: str | None = None
    ) -> Withdrawal:
        body = {"approve": approve, "note": note, "reference": reference}
        return self._call(
            Call("POST", f"/distribution/withdrawals/{withdrawal_id}/review", json=body, model=Withdrawal)
        )

    def sync(self) -> SyncResult:
        """Run the commission books now (HQ)."""
        return self._call(Call("POST", "/distribution/sync", model=SyncResult))
