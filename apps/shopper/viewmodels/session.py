"""Signing in with a phone and a one-time code, keeping the sign-in between runs, signing out."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from apps.shopper.viewmodels.base import KeyValueStore, ViewModel
from backend.auth.schemas import Me
from shared.errors import RetailError
from shared.sdk import AsyncClient, Tokens

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
        self._saving: set[asyncio.Task[None]] = set()
        client.tokens.on_change = self._tokens_changed

    @property
    def signed_in(self) -> bool:
        return self.me is not None

    @property
    def phone_valid(self) -> bool:
        return bool(PHONE.match(self.phone.strip()))

    async def restore(self) -> bool:
        """Pick up a sign-in kept from an earlier run; a stale one is forgotten."""
        raw = await self.store.get(TOKENS_KEY)
        if not raw:
            return False
        saved = json.loads(raw)
        self.client.tokens.access_token = saved.get("access")
        self.client.tokens.refresh_token = saved.get("refresh")
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
        while self._saving:
            await asyncio.gather(*list(self._saving))

    def _tokens_changed(self, tokens: Tokens) -> None:
        task = asyncio.get_running_loop().create_task(self._save(tokens.access_token, tokens.refresh_token))
        self._saving.add(task)
        task.add_done_callback(self._saving.discard)

    async def _save(self, access: str | None, refresh: str | None) -> None:
        if access is None:
            await self.store.remove(TOKENS_KEY)
            return
        value: dict[str, Any] = {"access": access, "refresh": refresh}
        await self.store.set(TOKENS_KEY, json.dumps(value))
