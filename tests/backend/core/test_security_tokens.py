"""Access tokens: signed and checked by PyJWT (its HS256 key checks remembered per secret)."""

from __future__ import annotations

import jwt
import pytest

from backend.core.errors import TokenInvalid
from backend.core.security import decode_access_token, encode_access_token

SECRET = "token-secret-" + "x" * 32


def test_a_token_round_trips_and_a_wrong_secret_or_a_tampered_token_is_refused():
    token = encode_access_token(SECRET, {"sub": "member:7", "sid": "abc"}, minutes=5)
    assert decode_access_token(SECRET, token)["sub"] == "member:7"
    with pytest.raises(TokenInvalid):
        decode_access_token("another-secret-" + "y" * 32, token)
    head, body, signature = token.split(".")
    with pytest.raises(TokenInvalid):
        decode_access_token(SECRET, f"{head}.{body}.{signature[:-2]}AA")


def test_an_expired_token_is_refused_with_its_reason():
    token = encode_access_token(SECRET, {"sub": "member:7"}, minutes=-1)
    with pytest.raises(TokenInvalid, match="expired"):
        decode_access_token(SECRET, token)


def test_an_asymmetric_key_is_still_refused_as_an_hmac_secret_every_time():
    pem = (
        "-----BEGIN PUBLIC KEY-----\n"
        "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
        "-----END PUBLIC KEY-----\n"
    )
    for _ in range(2):
        with pytest.raises(jwt.InvalidKeyError):
            jwt.encode({"sub": "x"}, pem, algorithm="HS256")
