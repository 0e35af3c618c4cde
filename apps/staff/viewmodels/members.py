"""Looking a member up at the counter, by phone number or the member code on their phone. The backend
returns personal data masked, and the screen shows only the parts the signed-in role needs."""

from __future__ import annotations

from apps.staff.viewmodels.base import StaffViewModel
from backend.members.schemas import MemberSummary
from shared.sdk import AsyncClient

# What each role sees of a member found at the counter (all of it already masked by the backend):
# the member number and masked phone for everyone; the masked name for those who serve the member
# face to face; the birthday-month perk where it is given (the till, the manager).
ROLE_FIELDS: dict[str, frozenset[str]] = {
    "cashier": frozenset({"id", "phone", "name", "birthday"}),
    "store_manager": frozenset({"id", "phone", "name", "birthday"}),
    "clerk": frozenset({"id", "phone", "name"}),
    "technician": frozenset({"id", "phone", "name"}),
    "picker": frozenset({"id", "phone"}),
}


def fields_for(roles: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The union of what the staff member's roles may see (HQ roles see what a manager sees)."""
    out: set[str] = set()
    for role in roles:
        out |= ROLE_FIELDS.get(role, ROLE_FIELDS["store_manager"] if role.endswith("_admin") else frozenset())
    return frozenset(out) or frozenset({"id", "phone"})


class MembersVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.entry = ""
        self.member: MemberSummary | None = None
        self.fields: frozenset[str] = frozenset({"id", "phone"})

    def for_roles(self, roles: list[str] | tuple[str, ...]) -> None:
        self.fields = fields_for(roles)
        self.notify()

    def shows(self, field: str) -> bool:
        return field in self.fields

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
