"""Settings: the app's language (kept on the device and on the member's profile), notifications,
marketing consent, and deleting the account."""

from __future__ import annotations

from apps.shopper.viewmodels.base import KeyValueStore, ViewModel
from backend.members.schemas import Member
from shared.i18n import normalize
from shared.sdk import AsyncClient

NOTIFY_KEY = "omo.shopper.notifications"
# What the shopper may be told about: each one can be turned off on its own.
NOTIFICATIONS = ("order_status", "promotions")


class SettingsVM(ViewModel):
    def __init__(self, client: AsyncClient, store: KeyValueStore) -> None:
        super().__init__()
        self.client = client
        self.store = store
        self.profile: Member | None = None
        self.notifications: dict[str, bool] = dict.fromkeys(NOTIFICATIONS, True)
        self.confirm_delete = False
        self.deleted = False

    async def load(self) -> None:
        self.profile = await self._run(self.client.members.me()) or self.profile
        saved = await self.store.get(NOTIFY_KEY)
        if saved is not None:
            on = set(saved.split(",")) if saved else set()
            self.notifications = {k: k in on for k in NOTIFICATIONS}
        self.notify()

    async def set_language(self, lang: str) -> None:
        """Remember the language on the profile too, so texts and receipts from the stores use it."""
        lang = normalize(lang)
        if self.profile is not None and self.profile.language != lang:
            self.profile = await self._run(self.client.members.update_me(language=lang)) or self.profile
            self.notify()

    async def set_notification(self, kind: str, on: bool) -> None:
        if kind not in self.notifications:
            return
        self.notifications[kind] = on
        await self.store.set(NOTIFY_KEY, ",".join(k for k, v in self.notifications.items() if v))
        if kind == "promotions" and self.profile is not None and self.profile.marketing_consent != on:
            self.profile = (
                await self._run(self.client.members.update_me(marketing_consent=on)) or self.profile
            )
        self.notify()

    def ask_delete(self, asking: bool = True) -> None:
        self.confirm_delete = asking
        self.notify()

    async def delete_account(self) -> bool:
        """Erase the member's personal data and end every sign-in (asks first: ``ask_delete``)."""
        if not self.confirm_delete:
            self.ask_delete()
            return False
        await self._run(self.client.members.delete_me())
        self.deleted = self.error is None
        self.confirm_delete = False
        if self.deleted:
            self.client.tokens.set(None, None)
            self.profile = None
        self.notify()
        return self.deleted
