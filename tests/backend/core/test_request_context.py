"""Every answer carries a request id: the caller's when given, otherwise a new one."""

from __future__ import annotations


async def test_request_ids_are_echoed_or_made(client):
    given = await client.get("/healthz", headers={"x-request-id": "till-7-0042"})
    assert given.headers["x-request-id"] == "till-7-0042"
    made = await client.get("/api/v1/catalog/categories")
    other = await client.get("/api/v1/catalog/categories")
    assert (
        len(made.headers["x-request-id"]) == 16
        and made.headers["x-request-id"] != other.headers["x-request-id"]
    )
    missing = await client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.headers["x-request-id"]
