from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from backend.core.schemas import Schema

Language = Annotated[str, StringConstraints(pattern=r"^(zh-CN|en)$")]


class MemberUpdate(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None = None
    birthday: date | None = None
    language: Language | None = None
    marketing_consent: bool | None = None
    home_store_id: int | None = None


class PasswordSet(Schema):
    password: Annotated[str, StringConstraints(min_length=8, max_length=128)]


class Member(Schema):
    """A member's own profile (unmasked: it is theirs)."""

    id: int
    phone: str
    name: str | None
    birthday: date | None
    language: str
    marketing_consent: bool
    consent_at: datetime | None
    home_store_id: int | None
    has_password: bool = False
    created_at: datetime


class MemberSummary(Schema):
    """What a till, kiosk or clerk sees of a member: personal data masked."""

    id: int
    phone_masked: str
    name_masked: str | None
    birthday_this_month: bool = False


class MemberCode(Schema):
    code: str
    expires_in: int = Field(description="Seconds until the code stops working")


class MemberIdentify(Schema):
    code: Annotated[str, StringConstraints(min_length=10, max_length=2000)]
