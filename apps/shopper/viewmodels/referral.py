"""The referral / distribution centre (分销中心): become a promoter, share one's code, see the friends it
brought and the commission earned; or name the friend who referred you."""

from __future__ import annotations

from apps.shopper.viewmodels.base import ViewModel, error_key
from backend.distribution.schemas import Commission, Distributor, Referral, ReferredMember
from shared.errors import NotFound, RetailError
from shared.sdk import AsyncClient


class ReferralVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.me: Distributor | None = None
        self.referrals: list[ReferredMember] = []
        self.commissions: list[Commission] = []
        self.referrer: Referral | None = None
        self.typed_code = ""
        self.loaded = False

    async def load(self) -> None:
        """The member's promoter account (if any), its friends and commissions, and their own referrer."""
        self.error = None
        try:
            self.me = await self.client.distribution.me()
        except NotFound:
            self.me = None
        except RetailError as exc:
            self.me = None
            self.error = error_key(exc)
        if self.me is not None:
            self.referrals = await self._run(self.client.distribution.my_referrals()) or []
            self.commissions = await self._run(self.client.distribution.my_commissions()) or []
        try:
            self.referrer = await self.client.distribution.my_referrer()
        except RetailError:
            self.referrer = None
        self.loaded = True
        self.notify()

    async def join(self) -> bool:
        """Become a promoter: a referral code and link to share."""
        made = await self._run(self.client.distribution.join())
        if made is not None:
            self.me = made
        self.notify()
        return made is not None

    async def bind(self, code: str | None = None) -> bool:
        """Name the friend who referred you, by their code (new members only, once)."""
        code = (code if code is not None else self.typed_code).strip()
        if not code:
            self.error = "referral.need_code"
            self.notify()
            return False
        made = await self._run(self.client.distribution.bind(code))
        if made is not None:
            self.referrer, self.typed_code = made, ""
        self.notify()
        return made is not None

    @property
    def earned(self) -> int:
        """Commission earned so far (frozen until the after-sales window closes, then available)."""
        return sum(c.net for c in self.commissions if c.status != "reversed")
