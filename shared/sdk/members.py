"""Member profile, member code, identification at a till."""

from __future__ import annotations

from typing import Any

from backend.members.schemas import Member, MemberCode, MemberSummary
from shared.sdk.base import Call, Resource


class MembersAPI(Resource):
    def me(self) -> Member:
        return self._call(Call("GET", "/members/me", model=Member))

    def update_me(self, **fields: Any) -> Member:
        return self._call(Call("PATCH", "/members/me", json=fields, model=Member))

    def set_password(self, password: str) -> None:
        return self._call(Call("PUT", "/members/me/password", json={"password": password}, expect_empty=True))

    def my_code(self) -> MemberCode:
        return self._call(Call("GET", "/members/me/code", model=MemberCode))

    def delete_me(self) -> None:
        return self._call(Call("DELETE", "/members/me", expect_empty=True))

    def identify(self, code: str) -> MemberSummary:
        """Identify a member at a till or kiosk from the scanned member code."""
        return self._call(Call("POST", "/members/identify", json={"code": code}, model=MemberSummary))

    def lookup(self, phone: str) -> MemberSummary:
        return self._call(Call("GET", "/members/lookup", params={"phone": phone}, model=MemberSummary))
