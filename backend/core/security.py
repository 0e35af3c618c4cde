"""Password hashing (argon2 via pwdlib), JWT access tokens (PyJWT), opaque tokens and the QR key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from jwt.algorithms import HMACAlgorithm
from pwdlib import PasswordHash

from backend.core.errors import TokenInvalid
from backend.core.time import utcnow
from shared import codes

_hasher = PasswordHash.recommended()
JWT_ALGORITHM = "HS256"
_PLAIN_HS256 = HMACAlgorithm(HMACAlgorithm.SHA256)


@lru_cache(maxsize=8)
def _checked_hmac_key(key: str | bytes) -> bytes:
    return _PLAIN_HS256.prepare_key(key)


class _HS256(HMACAlgorithm):
    """PyJWT's HS256 with its key checks run once per secret instead of on every token.

    To refuse asymmetric keys, PyJWT tries the secret as PEM, SSH, DER (two parsers) and JSON each
    time it signs or verifies; that cost more than the signature itself and was a fifth of a flash-sale
    buy's CPU. The checks are the same, the answer for a secret is remembered.
    """

    def prepare_key(self, key: str | bytes) -> bytes:
        return _checked_hmac_key(key)


jwt.unregister_algorithm(JWT_ALGORITHM)
jwt.register_algorithm(JWT_ALGORITHM, _HS256(HMACAlgorithm.SHA256))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        # Spend the same time as a real check, so a missing account is not told apart by timing.
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, hashed)


_DUMMY_HASH = _hasher.hash("not-a-real-password")


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What is stored for an opaque token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def hmac_sha256(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def encode_access_token(secret: str, claims: dict[str, Any], minutes: int) -> str:
    now = utcnow()
    body = dict(claims, iat=int(now.timestamp()), exp=int((now + timedelta(minutes=minutes)).timestamp()))
    return jwt.encode(body, secret, algorithm=JWT_ALGORITHM)


def decode_access_token(secret: str, token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid("The access token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise TokenInvalid() from exc


@lru_cache(maxsize=4)
def qr_private_key(var_dir: Path) -> Ed25519PrivateKey:
    """The Ed25519 key that signs QR payloads, created under ``var/`` on first use."""
    path = var_dir / "qr_signing_key.pem"
    if path.exists():
        key = load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    try:
        # Link, not rename: if another process created the key first, everyone uses that one.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    loaded = load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, Ed25519PrivateKey)
    return loaded


def qr_public_key_b64(var_dir: Path) -> str:
    return codes.public_key_to_b64(qr_private_key(var_dir).public_key())
