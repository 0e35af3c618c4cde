"""Who is calling: a member (shopper), a staff member or a store device, and what they may touch."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from shared.errors import Forbidden, StoreForbidden


class StaffRole(StrEnum):
    CLERK = "clerk"
    PICKER = "picker"
    CASHIER = "cashier"
    TECHNICIAN = "technician"
    STORE_MANAGER = "store_manager"
    HQ_ADMIN = "hq_admin"
    FRANCHISEE_ADMIN = "franchisee_admin"


PrincipalKind = Literal["member", "staff", "device"]


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    id: int
    roles: frozenset[str] = field(default_factory=frozenset)
    # None means every store (HQ); otherwise the stores this principal may act for.
    store_ids: frozenset[int] | None = frozenset()
    merchant_id: int | None = None
    session_id: str | None = None

    @property
    def is_member(self) -> bool:
        return self.kind == "member"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def is_device(self) -> bool:
        return self.kind == "device"

    @property
    def is_hq(self) -> bool:
        return self.kind == "staff" and StaffRole.HQ_ADMIN in self.roles

    def has_role(self, *roles: str) -> bool:
        return self.is_hq or bool(self.roles.intersection(roles))

    def can_act_for(self, store_id: int) -> bool:
        return self.store_ids is None or store_id in self.store_ids

    def require_store(self, store_id: int) -> None:
        if not self.can_act_for(store_id):
            raise StoreForbidden(detail={"store_id": store_id})

    def require_role(self, *roles: str) -> None:
        if not self.has_role(*roles):
            raise Forbidden("Your role may not do this.", detail={"needs": sorted(roles)})

    @property
    def device_store_id(self) -> int:
        assert self.kind == "device" and self.store_ids
        return next(iter(self.store_ids))
