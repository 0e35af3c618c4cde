"""The member centre: tier and progress to the next, points and their history, stored value and its
history, coupons, and the member code shown as a QR for the till to scan."""

from __future__ import annotations

from apps.shopper.viewmodels.base import ViewModel
from backend.marketing.schemas import Coupon
from backend.members.schemas import Member, MemberCode, PointsEntry, StoredValueEntry, Tier, Wallet
from shared.sdk import AsyncClient


class MemberVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.profile: Member | None = None
        self.wallet: Wallet | None = None
        self.tiers: list[Tier] = []
        self.points: list[PointsEntry] = []
        self.stored_value: list[StoredValueEntry] = []
        self.coupons: list[Coupon] = []
        self.code: MemberCode | None = None

    async def load(self) -> None:
        """Everything the member centre shows, in one go."""
        self.profile = await self._run(self.client.members.me()) or self.profile
        self.wallet = await self._run(self.client.members.wallet()) or self.wallet
        self.tiers = await self._run(self.client.members.tiers()) or self.tiers
        self.points = await self._run(self.client.members.points_history(limit=20)) or []
        self.stored_value = await self._run(self.client.members.stored_value_history(limit=20)) or []
        self.coupons = await self._run(self.client.marketing.my_coupons()) or []
        self.notify()

    async def show_code(self) -> None:
        """A fresh member code (it expires, so a screenshot of an old one is useless at the till)."""
        self.code = await self._run(self.client.members.my_code())
        self.notify()

    def hide_code(self) -> None:
        self.code = None
        self.notify()

    @property
    def tier_progress(self) -> float:
        """0..1 of the way from the current tier's threshold to the next tier's (1 at the top tier)."""
        wallet = self.wallet
        if wallet is None or wallet.next_tier is None:
            return 1.0
        floor = wallet.tier.min_spend_12m if wallet.tier else 0
        span = wallet.next_tier.min_spend_12m - floor
        if span <= 0:
            return 1.0
        return max(0.0, min(1.0, (wallet.spend_12m - floor) / span))

    @property
    def unused_coupons(self) -> list[Coupon]:
        return [c for c in self.coupons if c.status == "unused"]

    @property
    def topup_available(self) -> bool:
        """Online top-up needs a payment reference type for stored value; until the backend offers one,
        members top up at a till (``members.top_up_at_till``)."""
        return False
