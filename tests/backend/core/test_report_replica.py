"""Reports read the configured replica (OMO_DATABASE_REPORT_URL); sign-in, pages, writes: the primary."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from backend.app import create_app
from backend.auth.principal import StaffRole
from backend.core.db import Database
from backend.core.migrations import upgrade
from tests.backend.hq.factories import hq_login
from tests.backend.orders.factories import put_stock
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.factories import create_sku, create_staff, create_store


@pytest.fixture
def replica_url(test_db):  # type: ignore[no-untyped-def]
    if test_db.kind != "postgresql":
        pytest.skip("a report replica is a PostgreSQL deployment")
    name, url = _create_postgres_database()
    upgrade(url)
    yield url
    _drop_postgres_database(name)


def _stock_rows(text: str) -> dict[str, str]:
    return {row["code"]: row["units"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}


async def test_dashboard_and_exports_read_the_replica_and_sign_in_uses_the_primary(
    settings, test_db, replica_url
):  # type: ignore[no-untyped-def]
    test_db.clean()
    app = create_app(settings.model_copy(update={"database_report_url": replica_url}))
    replica = Database(replica_url)
    try:
        async with app.state.db.sessionmaker() as primary:
            admin = await create_staff(primary, [StaffRole.HQ_ADMIN], [])
            store, sku = await create_store(primary, code="PRIMARY1"), await create_sku(primary)
            await put_stock(primary, store, sku, 5)
            await primary.commit()
        async with replica.sessionmaker() as copy:
            await put_stock(copy, await create_store(copy, code="REPLICA1"), await create_sku(copy), 7)
            await copy.commit()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await hq_login(client, admin)
            report = await client.get("/hq/dashboard.csv", params={"table": "stock"})
            assert report.status_code == 200, report.text
            assert _stock_rows(report.text) == {"REPLICA1": "7"}
            # The stores page is where HQ acts, so it reads the primary.
            page = await client.get("/hq/stores")
            assert "PRIMARY1" in page.text and "REPLICA1" not in page.text
    finally:
        await replica.dispose()
        await app.state.db.dispose()
