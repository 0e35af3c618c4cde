"""Signed QR payloads: pickup codes, member codes and kiosk payments.

Format: ``OMO1.<kind>.<payload>.<signature>`` where ``payload`` is base64url (no padding) of compact
JSON and ``signature`` is base64url of an Ed25519 signature over ``OMO1.<kind>.<payload>``. The backend
signs with its private key; any client can verify with the public key served at
``GET /api/v1/keys/qr`` without being able to forge a code. Every payload carries ``exp``
(UTC epoch seconds).
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "OMO1"
KINDS = frozenset({"pickup", "member", "pay", "receipt", "device"})


class CodeError(ValueError):
    """A scanned code is not one of ours, is damaged, forged or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignedCode:
    kind: str
    data: dict[str, Any]

    @property
    def expires_at(self) -> int:
        return int(self.data["exp"])


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_b64d(text))


def public_key_to_b64(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return _b64e(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(
    key: Ed25519PrivateKey, kind: str, data: dict[str, Any], ttl_seconds: int, now: float | None = None
) -> str:
    """Return the text to put in a QR code."""
    if kind not in KINDS:
        raise ValueError(f"unknown code kind {kind!r}")
    body = dict(data, exp=int((now if now is not None else time.time()) + ttl_seconds))
    payload = _b64e(json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode())
    head = f"{PREFIX}.{kind}.{payload}"
    return f"{head}.{_b64e(key.sign(head.encode()))}"


def looks_like_code(text: str) -> bool:
    return text.startswith(PREFIX + ".") and text.count(".") == 3


def verify(key: Ed25519PublicKey, text: str, kind: str | None = None, now: float | None = None) -> SignedCode:
    """Check a scanned code's signature, kind and expiry; raise CodeError with the reason."""
    parts = text.strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise CodeError("not an OMO code")
    _, got_kind, payload, signature = parts
    if kind is not None and got_kind != kind:
        raise CodeError(f"expected a {kind} code, got a {got_kind} code")
    try:
        key.verify(_b64d(signature), f"{PREFIX}.{got_kind}.{payload}".encode())
    except (InvalidSignature, ValueError) as exc:
        raise CodeError("signature does not match") from exc
    try:
        data = json.loads(_b64d(payload))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CodeError("damaged payload") from exc
    if not isinstance(data, dict) or "exp" not in data:
        raise CodeError("damaged payload")
    if int(data["exp"]) < (now if now is not None else time.time()):
        raise CodeError("code has expired")
    return SignedCode(kind=got_kind, data=data)
