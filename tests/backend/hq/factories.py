"""HQ page helpers: sign in through the form and read the CSRF token a page carries."""

from __future__ import annotations

import re

import httpx

from backend.auth.models import StaffUser
from tests.factories import PASSWORD


async def hq_login(client: httpx.AsyncClient, staff: StaffUser) -> None:
    response = await client.post("/hq/login", data={"username": staff.username, "password": PASSWORD})
    assert response.status_code == 303, response.text


async def csrf_of(client: httpx.AsyncClient, path: str = "/hq") -> str:
    page = await client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
