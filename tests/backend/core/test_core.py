from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backend.core.money import allocate, percent_of, yuan
from backend.models import metadata


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


async def test_unknown_route_is_a_json_404(client):
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


async def test_malformed_json_is_422_not_500(client):
    response = await client.post(
        "/api/v1/auth/otp/request", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["error"] == "validation_error"


async def test_oversized_body_is_refused(client):
    response = await client.post(
        "/api/v1/auth/otp/request",
        content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


async def test_openapi_operation_ids_are_stable_and_unique(client):
    schema = (await client.get("/openapi.json")).json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert "stores_nearby_stores" in ids and "auth_staff_login" in ids


def test_models_and_migrations_agree(test_db):
    """Autogenerate against the migrated database finds nothing to do."""
    with test_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_money_rounding_rules():
    assert yuan(1999) == "19.99" and yuan(-5) == "-0.05"
    assert yuan(123456789, grouped=True) == "1,234,567.89"
    assert percent_of(999, 5000) == 500  # 4.995 yuan rounds half up to 5.00
    assert percent_of(1, 5000) == 1 and percent_of(1, 4999) == 0
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(allocate(1001, [333, 333, 334])) == 1001
    assert allocate(7, [0, 0]) == [7, 0]


async def test_a_race_on_a_unique_key_is_a_409_not_a_500(client, session):
    """Two registrations of one username in flight: the loser gets a conflict with a reason."""
    import asyncio

    from tests.factories import bearer, create_staff, create_store, staff_token

    store = await create_store(session)
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    token = await staff_token(client, hq)
    body = {
        "username": "twin",
        "name": "双胞胎",
        "password": "long-enough-1",
        "roles": ["clerk"],
        "store_ids": [store.id],
    }
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/staff", json=body, headers=bearer(token)) for _ in range(4))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1 and set(codes) <= {201, 409}
    assert all(r.json()["error"] == "conflict" for r in responses if r.status_code == 409)
