from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from backend.auth.principal import StaffRole
from backend.core.schemas import Name, Phone, Schema

Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
Code = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class OtpRequest(Schema):
    phone: Phone


class OtpSent(Schema):
    phone: Phone
    expires_in: int


class OtpVerify(Schema):
    phone: Phone
    code: Code


class PasswordLogin(Schema):
    phone: Phone
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class StaffLogin(Schema):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class RefreshRequest(Schema):
    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    subject_kind: str
    subject_id: int
    created: bool = False


class Me(Schema):
    kind: str
    id: int
    roles: list[str]
    store_ids: list[int] | None
    merchant_id: int | None
    name: str | None = None
    phone_masked: str | None = None


class StaffCreate(Schema):
    username: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-zA-Z0-9_.-]{3,60}$")]
    name: Name
    phone: Phone | None = None
    password: Password
    roles: list[StaffRole] = Field(min_length=1)
    store_ids: list[int] = Field(default_factory=list)
    merchant_id: int | None = None


class StaffUpdate(Schema):
    name: Name | None = None
    roles: list[StaffRole] | None = Field(default=None, min_length=1)
    store_ids: list[int] | None = None
    active: bool | None = None
    password: Password | None = None


class Staff(Schema):
    id: int
    username: str
    name: str
    roles: list[str]
    store_ids: list[int]
    merchant_id: int | None
    active: bool


class DeviceCreate(Schema):
    store_id: int
    name: Name
    kind: Annotated[str, StringConstraints(pattern=r"^(kiosk|pos|scale)$")] = "kiosk"


class Device(Schema):
    id: int
    store_id: int
    name: str
    kind: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


class DeviceRegistered(Schema):
    device: Device
    token: str
