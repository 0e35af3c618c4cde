from __future__ import annotations

from backend.core.errors import BadRequest, NotFound


class MemberNotFound(NotFound):
    code = "member_not_found"
    default_message = "No such member."


class MemberCodeInvalid(BadRequest):
    code = "member_code_invalid"
    default_message = "This member code is not valid; ask the member to refresh it."
