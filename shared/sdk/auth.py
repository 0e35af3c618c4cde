"""Sign-in, tokens, staff accounts and store devices."""

from __future__ import annotations

from typing import Any

from backend.auth.schemas import Device, DeviceRegistered, Me, OtpSent, Staff, TokenPair
from shared.sdk.base import Call, Resource, Tokens


class AuthAPI(Resource):
    def __init__(self, runner: Any, tokens: Tokens) -> None:
        super().__init__(runner)
        self._tokens = tokens

    def _keep(self, pair: TokenPair) -> TokenPair:
        self._tokens.set(pair.access_token, pair.refresh_token)
        return pair

    def request_code(self, phone: str) -> OtpSent:
        """Send a one-time sign-in code to ``phone``."""
        return self._call(Call("POST", "/auth/otp/request", json={"phone": phone}, model=OtpSent, auth=False))

    def verify_code(self, phone: str, code: str) -> TokenPair:
        """Sign in (registering on first use); the client keeps the tokens."""
        return self._call(
            Call(
                "POST",
                "/auth/otp/verify",
                json={"phone": phone, "code": code},
                model=TokenPair,
                auth=False,
                after=self._keep,
            )
        )

    def login(self, phone: str, password: str) -> TokenPair:
        return self._call(
            Call(
                "POST",
                "/auth/login",
                json={"phone": phone, "password": password},
                model=TokenPair,
                auth=False,
                after=self._keep,
            )
        )

    def staff_login(self, username: str, password: str) -> TokenPair:
        return self._call(
            Call(
                "POST",
                "/auth/staff/login",
                json={"username": username, "password": password},
                model=TokenPair,
                auth=False,
                after=self._keep,
            )
        )

    def use_device_token(self, token: str) -> None:
        """Authenticate as a registered store device (kiosk, till)."""
        self._tokens.set(token, None)

    def refresh(self) -> TokenPair:
        return self._call(
            Call(
                "POST",
                "/auth/refresh",
                json={"refresh_token": self._tokens.refresh_token},
                model=TokenPair,
                auth=False,
                after=self._keep,
            )
        )

    def logout(self) -> None:
        return self._call(
            Call("POST", "/auth/logout", expect_empty=True, after=lambda _: self._tokens.set(None, None))
        )

    def me(self) -> Me:
        return self._call(Call("GET", "/auth/me", model=Me))

    def list_staff(self) -> list[Staff]:
        return self._call(Call("GET", "/auth/staff", model=list[Staff]))

    def create_staff(self, **fields: Any) -> Staff:
        return self._call(Call("POST", "/auth/staff", json=fields, model=Staff))

    def update_staff(self, staff_id: int, **fields: Any) -> Staff:
        return self._call(Call("PATCH", f"/auth/staff/{staff_id}", json=fields, model=Staff))

    def register_device(self, store_id: int, name: str, kind: str = "kiosk") -> DeviceRegistered:
        body = {"store_id": store_id, "name": name, "kind": kind}
        return self._call(Call("POST", "/auth/devices", json=body, model=DeviceRegistered))

    def list_devices(self) -> list[Device]:
        return self._call(Call("GET", "/auth/devices", model=list[Device]))

    def revoke_device(self, device_id: int) -> Device:
        return self._call(Call("DELETE", f"/auth/devices/{device_id}", model=Device))
