"""Staff sign-in with a username and password, the staff member's stores, the active store, sign-out."""

from __future__ import annotations

import asyncio
import json

from apps.staff.viewmodels.base import KeyValueStore, StaffViewModel
from backend.auth.schemas import Me
from backend.stores.schemas import Store
from shared.errors import RetailError
from shared.sdk import AsyncClient, Tokens

TOKENS_KEY = "omo.staff.tokens"
STORE_KEY = "omo.staff.store"


class StaffSessionVM(StaffViewModel):
    def __init__(self, client: AsyncClient, store: KeyValueStore) -> None:
        super().__init__()
        self.client = client
        self.prefs = store
        self.username = ""
        self.password = ""
        self.me: Me | None = None
        self.stores: list[Store] = []
        self.active: Store | None = None
        self._saving: set[asyncio.Task[None]] = set()
        client.tokens.on_change = self._tokens_changed

    @property
    def signed_in(self) -> bool:
        return self.me is not None

    @property
    def store_id(self) -> int | None:
        return self.active.id if self.active else None

    async def restore(self) -> bool:
        """Pick up a sign-in (and the active store) kept from an earlier run; a stale one is forgotten."""
        raw = await self.prefs.get(TOKENS_KEY)
        if not raw:
            return False
        saved = json.loads(raw)
        self.client.tokens.access_token = saved.get("access")
        self.client.tokens.refresh_token = saved.get("refresh")
        try:
            self.me = await self.client.auth.me()
            if self.me.kind != "staff":
                raise RetailError("not a staff sign-in")
        except RetailError:
            self.me = None
            self.client.tokens.set(None, None)
            self.notify()
            return False
        await self._load_stores()
        return True

    async def sign_in(self) -> bool:
        self.username = self.username.strip()
        if not self.username or not self.password:
            self.fail("staff.error.fill_in")
            return False
        if await self._run(self.client.auth.staff_login(self.username, self.password)) is None:
            return False
        self.me = await self._run(self.client.auth.me())
        self.password = ""
        if self.me is not None:
            await self._load_stores()
        return self.signed_in

    async def _load_stores(self) -> None:
        stores = await self._run(self.client.stores.mine())
        self.stores = stores or []
        kept = await self.prefs.get(STORE_KEY)
        by_id = {s.id: s for s in self.stores}
        if kept and kept.isdigit() and int(kept) in by_id:
            self.active = by_id[int(kept)]
        elif len(self.stores) == 1:
            self.active = self.stores[0]
        else:
            self.active = None
        self.notify()

    async def choose(self, store_id: int) -> bool:
        """Make one of the staff member's stores the active one (remembered on this device)."""
        chosen = next((s for s in self.stores if s.id == store_id), None)
        if chosen is None:
            self.fail("staff.error.store_forbidden")
            return False
        self.active, self.error = chosen, None
        await self.prefs.set(STORE_KEY, str(chosen.id))
        self.notify()
        return True

    def switch_store(self) -> None:
        """Back to the store list (the active store stays until another is chosen)."""
        self.active = None
        self.notify()

    async def sign_out(self) -> None:
        try:
            await self.client.auth.logout()
        except RetailError:
            self.client.tokens.set(None, None)
        self.me, self.stores, self.active, self.password = None, [], None, ""
        await self.prefs.remove(STORE_KEY)
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
            await self.prefs.remove(TOKENS_KEY)
            return
        await self.prefs.set(TOKENS_KEY, json.dumps({"access": access, "refresh": refresh}))
