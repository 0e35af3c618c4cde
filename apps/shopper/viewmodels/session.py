"""Signing in with a phone and a one-time code, keeping the sign-in between runs, signing out."""

from __future__ import annotations

import re

from apps.shopper.viewmodels.base import KeyValueStore, SavedTokens, ViewModel
from backend.auth.schemas import Me
from shared.errors import RetailError
from shared.sdk import AsyncClient

PHONE = re.compile(r"^1[3-9]\d{9}$")
CODE = re.compile(r"^\d{6}$")
TOKENS_KEY = "omo.shopper.tokens"


class SessionVM(ViewModel):
    def __init__(self, client: AsyncClient, store: KeyValueStore) -> None:
        super().__init__()
        self.client = client
        self.store = store
        self.phone = ""
        self.code = ""
        self.code_sent = False
        self.me: Me | None = None
        self.saved = SavedTokens(client, store, TOKENS_KEY)

    @property
    def signed_in(self) -> bool:
        return self.me is not None

    @property
    def phone_valid(self) -> bool:
        return bool(PHONE.match(self.phone.strip()))

    async def restore(self) -> bool:
        """Pick up a sign-in kept from an earlier run; a stale one is forgotten."""
        if not await self.saved.load():
            return False
        try:
            self.me = await self.client.auth.me()
        except RetailError:
            self.me = None
            self.client.tokens.set(None, None)
        self.notify()
        return self.signed_in

    async def request_code(self) -> bool:
        self.phone = self.phone.strip()
        if not self.phone_valid:
            self.error = "error.phone_format"
            self.notify()
            return False
        sent = await self._run(self.client.auth.request_code(self.phone))
        if sent is None:
            return False
        self.code_sent = True
        self.notify()
        return True

    async def verify(self) -> bool:
        self.code = self.code.strip()
        if not CODE.match(self.code):
            self.error = "error.code_format"
            self.notify()
            return False
        pair = await self._run(self.client.auth.verify_code(self.phone, self.code))
        if pair is None:
            return False
        self.me = await self._run(self.client.auth.me())
        self.code = ""
        self.notify()
        return self.signed_in

    def change_phone(self) -> None:
        self.code_sent, self.code, self.error = False, "", None
        self.notify()

    async def sign_out(self) -> None:
        try:
            await self.client.auth.logout()
        except RetailError:
            self.client.tokens.set(None, None)
        self.me, self.code_sent, self.code = None, False, ""
        await self.settle()
        self.notify()

    async def settle(self) -> None:
        """Wait until the tokens have been written to the store."""
        await self.saved.settle()
