"""The member centre: tier and progress to the next, points and their history, stored value and its
history, coupons, and the member code shown as a QR for the till to scan."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

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
        self.birthday_text = ""

    async def load(self) -> None:
        """Everything the member centre shows, fetched together and shown in one render (a tap is not
        lost to the screen being rebuilt under it call after call)."""
        got = await self._run(
            asyncio.gather(
                self.client.members.me(),
                self.client.members.wallet(),
                self.client.members.tiers(),
                self.client.members.points_history(limit=20),
                self.client.members.stored_value_history(limit=20),
                self.client.marketing.my_coupons(),
            )
        )
        if got is not None:
            self.profile, self.wallet, self.tiers, self.points, self.stored_value, self.coupons = got
        self.notify()

    async def set_birthday(self, text: str) -> bool:
        """Set the birthday (YYYY-MM-DD) for the birthday-month perks; it can be set only once."""
        try:
            born = date.fromisoformat(text.strip())
        except ValueError:
            self.error = "member.birthday_format"
            self.notify()
            return False
        if not date(1900, 1, 1) <= born <= date.today():
            self.error = "member.birthday_format"
            self.notify()
            return False
        if self.profile is not None and self.profile.birthday is not None:
            self.error = "member.birthday_once"
            self.notify()
            return False
        updated = await self._run(self.client.members.update_me(birthday=born.isoformat()))
        if updated is not None:
            self.profile = updated
        self.notify()
        return updated is not None

    @property
    def birthday_this_month(self) -> bool:
        """The birthday month has come (its coupons are issued by the monthly birthday job)."""
        born = self.profile.birthday if self.profile else None
        return born is not None and born.month == datetime.now(ZoneInfo("Asia/Shanghai")).month

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
        """Members top up online (``TopUpVM``, paid through the gateway) as well as at any till."""
        return True


def coupon_terms(coupon: Coupon) -> tuple[str, dict[str, int | str]]:
    """What a coupon takes off, as an i18n key and its fen / percent values (the view formats them)."""
    threshold = coupon.threshold or 0
    if coupon.kind == "percent" and coupon.percent_bp:
        # 8.5折 in Chinese, 15% off in English: both come from the basis points off.
        off = coupon.percent_bp
        values: dict[str, int | str] = {
            "off_pct": f"{off / 100:g}",
            "zhe": f"{(10000 - off) / 1000:g}",
            "threshold": threshold,
        }
        return ("coupon.terms.percent_min" if threshold else "coupon.terms.percent"), values
    if threshold:
        return "coupon.terms.threshold", {"threshold": threshold, "amount": coupon.amount or 0}
    return "coupon.terms.fixed", {"amount": coupon.amount or 0}
