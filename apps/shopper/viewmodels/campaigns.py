"""Campaigns running now (秒杀 flash sales, 拼团 group buys, 砍价 bargains) for the home screen, one
campaign opened from it (grab, open a group, start a bargain, pay), and the member's own groups and
bargains to share, with joining a friend's group or cutting a friend's bargain by its code."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from apps.shopper.viewmodels.base import KeyValueStore, ViewModel
from backend.campaigns.schemas import (
    BargainDeal,
    BargainDetail,
    CampaignPayment,
    FlashClaim,
    FlashItem,
    FlashSlot,
    GroupBuyDeal,
    GroupDetail,
)
from shared.errors import RetailError
from shared.i18n import pick
from shared.sdk import AsyncClient

SHARES_KEY = "omo.shopper.shares"
KINDS = ("flash", "group", "bargain")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FlashOffer:
    """One flash-sale item at the chosen store, with the slot it belongs to."""

    slot: FlashSlot
    item: FlashItem

    @property
    def left(self) -> int:
        return max(self.item.pool - self.item.sold, 0)


class CampaignsVM(ViewModel):
    def __init__(self, client: AsyncClient, prefs: KeyValueStore) -> None:
        super().__init__()
        self.client = client
        self.prefs = prefs
        self.store_id: int | None = None
        self.flash: list[FlashOffer] = []
        self.group_buys: list[GroupBuyDeal] = []
        self.bargains: list[BargainDeal] = []
        # the campaign opened from home
        self.kind: str | None = None
        self.flash_offer: FlashOffer | None = None
        self.group_deal: GroupBuyDeal | None = None
        self.bargain_deal: BargainDeal | None = None
        self.claim: FlashClaim | None = None
        self.group: GroupDetail | None = None
        self.bargain: BargainDetail | None = None
        self.payment: CampaignPayment | None = None
        # the member's own groups and bargains, to share
        self.my_groups: list[GroupDetail] = []
        self.my_bargains: list[BargainDetail] = []
        self.notice: str | None = None  # an i18n key after a successful join or cut
        self.typed_code = ""

    # --- what is running now

    async def load(self, store_id: int | None, now: datetime | None = None) -> None:
        """Flash-sale items at this store live now, and the group buys and bargains running."""
        self.store_id = store_id
        now = now or datetime.now(UTC)
        # Fetched together and shown at once: home re-renders once, not after every call.
        try:
            slots, self.group_buys, self.bargains = await asyncio.gather(
                self.client.campaigns.flash_sales(),
                self.client.campaigns.group_buys(running=True),
                self.client.campaigns.bargain_deals(running=True),
            )
        except RetailError:
            slots, self.group_buys, self.bargains = [], [], []
        self.flash = [
            FlashOffer(slot, item)
            for slot in slots
            for item in slot.items
            if item.store_id == store_id
            and item.status == "open"
            and _aware(item.starts_at) <= now < _aware(item.ends_at)
        ]
        self.notify()

    @property
    def any_running(self) -> bool:
        return bool(self.flash or self.group_buys or self.bargains)

    def open(self, kind: str, campaign_id: int) -> bool:
        """Choose the campaign a home tile points at (``flash`` item id, ``group``/``bargain`` deal id)."""
        self.kind = kind if kind in KINDS else None
        self.flash_offer = next((o for o in self.flash if o.item.id == campaign_id), None)
        self.group_deal = next((d for d in self.group_buys if d.id == campaign_id), None)
        self.bargain_deal = next((d for d in self.bargains if d.id == campaign_id), None)
        self.claim, self.group, self.bargain, self.payment, self.error, self.notice = (
            None,
            None,
            None,
            None,
            None,
            None,
        )
        self.notify()
        return self.selected is not None

    @property
    def selected(self) -> FlashOffer | GroupBuyDeal | BargainDeal | None:
        return {"flash": self.flash_offer, "group": self.group_deal, "bargain": self.bargain_deal}.get(
            self.kind or ""
        )

    # --- actions on the opened campaign

    async def grab(self) -> str | None:
        """Grab one unit of the flash-sale item and open its payment; returns the pay page."""
        if self.flash_offer is None:
            return None
        claim = await self._run(self.client.campaigns.buy_flash(self.flash_offer.item.id))
        if claim is None:
            return None
        self.claim = claim
        self.payment = await self._run(self.client.campaigns.pay_flash_claim(claim.id))
        self.notify()
        return self.payment.pay_url if self.payment else None

    async def open_group(self) -> bool:
        """Open a group as its leader at the chosen store; its code is kept to share."""
        if self.group_deal is None or self.store_id is None:
            return False
        group = await self._run(self.client.campaigns.open_group(self.group_deal.id, self.store_id))
        if group is None:
            return False
        self.group = group
        await self._remember("groups", group.code)
        self.notify()
        return True

    async def pay_seat(self) -> str | None:
        """Open the payment for the member's seat in the group; returns the pay page."""
        if self.group is None:
            return None
        me = await self._run(self.client.auth.me())
        seat = next((s for s in self.group.members if me is not None and s.member_id == me.id), None)
        if seat is None:
            return None
        self.payment = await self._run(self.client.campaigns.pay_seat(seat.id))
        self.notify()
        return self.payment.pay_url if self.payment else None

    async def start_bargain(self) -> bool:
        """Start (or get back) the member's bargain on the deal; its code is kept to share."""
        if self.bargain_deal is None or self.store_id is None:
            return False
        bargain = await self._run(self.client.campaigns.start_bargain(self.bargain_deal.id, self.store_id))
        if bargain is None:
            return False
        self.bargain = bargain
        await self._remember("bargains", bargain.code)
        self.notify()
        return True

    # --- sharing (member centre)

    async def _codes(self) -> dict[str, list[str]]:
        raw = await self.prefs.get(SHARES_KEY)
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        return {"groups": list(data.get("groups", [])), "bargains": list(data.get("bargains", []))}

    async def _remember(self, kind: str, code: str) -> None:
        codes = await self._codes()
        if code not in codes[kind]:
            codes[kind] = [code, *codes[kind]][:10]
            await self.prefs.set(SHARES_KEY, json.dumps(codes))

    def deal_name(self, deal_id: int, lang: str) -> str:
        """A bargain deal's name (from the deals running now), for the member's bargains list."""
        deal = next((d for d in self.bargains if d.id == deal_id), None)
        return pick(lang, deal.name_zh, deal.name_en) if deal else ""

    async def load_shares(self) -> None:
        """The member's groups and bargains (by the codes this app opened), newest first."""
        if not self.bargains:
            self.bargains = await self._run(self.client.campaigns.bargain_deals(running=True)) or []
        codes = await self._codes()
        self.my_groups = [
            g for c in codes["groups"] if (g := await self._run(self.client.campaigns.group(c)))
        ]
        self.my_bargains = [
            b for c in codes["bargains"] if (b := await self._run(self.client.campaigns.bargain(c)))
        ]
        self.error = None
        self.notify()

    @staticmethod
    def share_text(code: str, kind: str) -> str:
        """What the member sends a friend (the code is what the friend types in)."""
        return f"omo://{kind}/{code}"

    async def join(self, code: str) -> bool:
        """Join a friend's group by its code (at the chosen store)."""
        code, self.notice = code.strip(), None
        if not code or self.store_id is None:
            self.error = "campaign.no_such_code"
            self.notify()
            return False
        group = await self._run(self.client.campaigns.join_group(code, self.store_id))
        if group is None:
            return False
        self.group, self.notice, self.typed_code = group, "campaign.joined", ""
        await self._remember("groups", group.code)
        self.notify()
        return True

    async def cut(self, code: str) -> bool:
        """Cut a friend's bargain by its code."""
        code, self.notice = code.strip(), None
        if not code:
            self.error = "campaign.no_such_code"
            self.notify()
            return False
        result = await self._run(self.client.campaigns.cut(code))
        if result is None:
            return False
        self.notice, self.typed_code = "campaign.cut_done", ""
        self.notify()
        return True
