"""Looking a member up at the counter, by phone number or the member code on their phone; the
backend returns personal data masked."""

from __future__ import annotations

from apps.staff.viewmodels.base import StaffViewModel
from backend.members.schemas import MemberSummary
from shared.sdk import AsyncClient


class MembersVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.entry = ""
        self.member: MemberSummary | None = None

    async def find(self, entry: str | None = None) -> bool:
        text = (entry if entry is not None else self.entry).strip()
        self.member = None
        if text.isdigit() and len(text) == 11:
            found = await self._run(self.client.members.lookup(text))
        elif text.startswith("OMO1."):
            found = await self._run(self.client.members.identify(text))
        else:
            self.fail("staff.error.member_entry")
            return False
        self.member = found
        self.notify()
        return found is not None
