"""Topping up stored value online: choose an amount, pay it on the gateway's page, and see the wallet
credited once the payment is confirmed (the backend credits it, with any bonus, only then)."""

from __future__ import annotations

from apps.shopper.viewmodels.base import ViewModel
from backend.members.schemas import OnlineTopUp
from shared.sdk import AsyncClient
from shared.sdk.base import idempotency_key

PRESETS = (5000, 10000, 20000, 50000)  # fen
MIN_AMOUNT = 100
MAX_AMOUNT = 500_000


class TopUpVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.amount: int | None = PRESETS[1]
        self.custom = ""
        self.topup: OnlineTopUp | None = None
        self._key: str | None = None

    def reset(self) -> None:
        self.amount, self.custom, self.topup, self._key, self.error = PRESETS[1], "", None, None, None
        self.notify()

    def choose(self, amount: int) -> None:
        self.amount, self.custom, self.error = amount, "", None
        self._key = None
        self.notify()

    def set_custom(self, text: str) -> None:
        """A typed amount in yuan (up to two decimals); ``amount`` is None while it is not a valid one."""
        self.custom = text.strip()
        self._key = None
        try:
            yuan = float(self.custom) if self.custom else None
        except ValueError:
            yuan = None
        fen = round(yuan * 100) if yuan is not None else None
        self.amount = fen if fen is not None and MIN_AMOUNT <= fen <= MAX_AMOUNT else None
        self.error = None if self.amount is not None or not self.custom else "topup.bad_amount"
        self.notify()

    @property
    def pending(self) -> bool:
        return self.topup is not None and self.topup.status == "pending"

    @property
    def paid(self) -> bool:
        return self.topup is not None and self.topup.status == "paid"

    async def start(self) -> str | None:
        """Open the top-up; returns the gateway page to pay on. A retry reuses the same top-up."""
        if self.amount is None:
            self.error = "topup.bad_amount"
            self.notify()
            return None
        self._key = self._key or idempotency_key()
        made = await self._run(self.client.members.top_up_online(self.amount, key=self._key))
        if made is not None:
            self.topup = made
        self.notify()
        return made.pay_url if made is not None else None

    async def check(self) -> bool:
        """Ask the gateway now and reload the top-up; True once the wallet is credited."""
        if self.topup is None:
            return False
        if self.topup.payment_id and self.pending:
            await self._run(self.client.payments.sync(self.topup.payment_id))
        found = await self._run(self.client.members.topup(self.topup.id))
        if found is not None:
            self.topup = found
        if not self.paid and self.error is None:
            self.error = "topup.not_paid_yet"
        if self.paid:
            self._key = None
        self.notify()
        return self.paid
