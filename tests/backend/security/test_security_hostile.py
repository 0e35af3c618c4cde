"""Hostile input: injection in search and names, oversized bodies, uploads judged by their bytes."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from backend.auth import service as auth_service
from backend.catalog.models import Product
from backend.members.models import Member
from tests.backend.catalog.factories import create_category, create_product, hq_headers
from tests.backend.security.factories import mint
from tests.factories import create_member

API = "/api/v1"
INJECTIONS = [
    "'; DROP TABLE products; --",
    '" OR 1=1 --',
    "%' OR '%'='",
    "牛奶' UNION SELECT phone, password_hash FROM members --",
    "\\x00\\u0000",
    "_%_%",
    "<script>alert(1)</script>",
]


async def test_injection_in_search_is_just_text(client, session):
    category = await create_category(session)
    await create_product(session, category)
    await create_member(session, password="correct-horse-9")
    await session.commit()
    before = await session.scalar(select(func.count()).select_from(Product))
    for text in INJECTIONS:
        response = await client.get(f"{API}/catalog/products", params={"q": text})
        assert response.status_code == 200, (text, response.text)
        body = response.text
        assert "password_hash" not in body and "$argon2" not in body
        assert response.json()["total"] == 0, text
    # Wildcards are matched literally, not as "everything".
    assert (await client.get(f"{API}/catalog/products", params={"q": "%"})).json()["total"] == 0
    assert await session.scalar(select(func.count()).select_from(Product)) == before


async def test_script_and_sql_in_names_are_stored_as_text_and_returned_as_json(client, session, settings):
    member = await create_member(session)
    headers = await mint(session, settings, auth_service.member_principal(member.id))
    await session.commit()
    for name in ("<script>alert(1)</script>", "Robert'); DROP TABLE members;--"):
        response = await client.patch(f"{API}/members/me", json={"name": name}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["name"] == name
    assert await session.scalar(select(func.count()).select_from(Member)) >= 1
    hq = await hq_headers(client, session)
    created = await client.post(
        f"{API}/catalog/categories",
        json={"code": "XSS1", "name_zh": "<img src=x onerror=alert(1)>", "name_en": "<b>bold</b>"},
        headers=hq,
    )
    assert created.status_code == 201, created.text
    listed = await client.get(f"{API}/catalog/categories")
    assert "<img src=x onerror=alert(1)>" in {c["name_zh"] for c in listed.json()}


async def test_oversized_bodies_are_refused_with_413(client):
    big = b"{" + b" " * (10 * 1024 * 1024 + 10) + b"}"
    response = await client.post(
        f"{API}/auth/otp/request", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert response.json()["detail"]["max_bytes"] == 10 * 1024 * 1024

    async def unannounced():  # type: ignore[no-untyped-def]
        for _ in range(12):
            yield b" " * (1024 * 1024)

    # A chunked body says nothing about its length: it is cut off as it passes the limit.
    streamed = await client.post(
        f"{API}/auth/otp/request", content=unannounced(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413 and streamed.json()["error"] == "payload_too_large"
    # Bodies under the limit are read as usual.
    small = await client.post(f"{API}/auth/otp/request", json={"phone": "13900000000"})
    assert small.status_code == 202


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_uploads_are_judged_by_content_not_by_name_or_declared_type(client, session):
    hq = await hq_headers(client, session)
    product, _ = await create_product(session, await create_category(session))
    await session.commit()
    url = f"{API}/catalog/products/{product.id}/images"
    hostile = {
        "page.png": (b"<html><script>alert(1)</script></html>", "image/png"),
        "vector.png": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
        "polyglot.jpg": (b"\x89PNG\r\n\x1a\n<?php system($_GET['c']); ?>", "image/jpeg"),
        "shell.gif": (b"GIF89a<?php echo 1; ?>", "image/gif"),
    }
    for name, (content, declared) in hostile.items():
        response = await client.post(url, files={"file": (name, content, declared)}, headers=hq)
        assert response.status_code == 422, (name, response.text)
    # A real picture with a misleading name and type is accepted as what it is.
    response = await client.post(url, files={"file": ("notes.txt", _png(), "text/plain")}, headers=hq)
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/png"
    served = await client.get(response.json()["url"])
    assert served.headers["content-type"] == "image/png"
    detail = (await client.get(f"{API}/catalog/products/{product.id}")).json()
    assert len(detail["images"]) == 1
