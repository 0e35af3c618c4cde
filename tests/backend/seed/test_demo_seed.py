"""The demo chain: it loads through the domain services, a second run changes nothing, and the data
shows what the demos need (cities, categories, barcodes, stock, near-expiry batches, every role)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from backend.catalog import gtin
from backend.catalog.models import Barcode, Category, Product, Sku
from backend.core.settings import Settings
from backend.inventory.models import Stock, StockBatch
from backend.inventory.service.stock import check_ledger_invariant
from backend.models import metadata
from backend.orders.models import Order
from backend.seed import data
from backend.seed.demo import local_today, run
from backend.stores.models import Store
from tests.factories import bearer

# Key columns whose contents must not change on a second run (beyond the row counts of every table).
CHECKSUM_QUERIES = {
    "stores": "SELECT code, name_zh, city, latitude, longitude, merchant_id FROM stores",
    "skus": "SELECT code, base_price, cost_price, shelf_location FROM skus",
    "barcodes": "SELECT code, symbology FROM barcodes",
    "stock": "SELECT store_id, sku_id, on_hand, reserved, reorder_point FROM stock",
    "batches": "SELECT store_id, sku_id, batch_no, expires_on, quantity FROM stock_batches",
    "ledger": "SELECT store_id, sku_id, kind, on_hand_delta, batch_id FROM stock_movements",
    "staff": "SELECT username, roles, merchant_id FROM staff_users",
    "staff_stores": "SELECT staff_id, store_id FROM staff_stores",
    "members": "SELECT phone, name, birthday, home_store_id FROM members",
    "prices": "SELECT price_list_id, sku_id, price FROM price_list_items",
    "terms": "SELECT term, product_id FROM search_terms",
    "images": "SELECT product_id, path, byte_size FROM product_images",
}


@pytest.fixture(scope="session")
def picture_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One var dir for every seed run in the session, so the product pictures are drawn once."""
    return tmp_path_factory.mktemp("seed-var")


@pytest.fixture
def seed_settings(settings: Settings, picture_cache: Path) -> Settings:
    return settings.model_copy(update={"var_dir": picture_cache})


def snapshot(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result: dict[str, object] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            result[f"rows:{table.name}"] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        for name, query in CHECKSUM_QUERIES.items():
            rows = sorted(repr(tuple(r)) for r in conn.execute(text(query)))
            result[f"sum:{name}"] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return result


async def test_demo_seed_twice_changes_nothing_and_shows_the_chain(
    app, client: httpx.AsyncClient, seed_settings: Settings, test_db
) -> None:  # type: ignore[no-untyped-def]
    first = await run(seed_settings)
    assert "Added:" in first and "products 230" in first
    before = snapshot(test_db.engine)
    second = await run(seed_settings)
    assert "nothing (already complete)" in second
    assert snapshot(test_db.engine) == before

    async with app.state.db.sessionmaker() as session:
        assert await check_ledger_invariant(session) == []
        statuses = set(await session.scalars(select(Order.status)))
        assert statuses >= {
            "pending_payment",
            "paid",
            "picking",
            "ready_for_pickup",
            "out_for_delivery",
            "shipped",
            "completed",
            "cancelled",
            "partially_refunded",
            "refunded",
        }

        stores = (await session.scalars(select(Store))).all()
        shops = [s for s in stores if s.kind == "store"]
        assert len(shops) >= 12
        assert len({s.city for s in shops}) >= 4
        assert any(s.kind == "warehouse" for s in stores)
        assert sum(1 for s in shops if s.merchant_id is not None) >= 2

        # 300+ SKUs across the seven top categories.
        categories = {c.id: c for c in (await session.scalars(select(Category))).all()}

        def top(category_id: int) -> str:
            c = categories[category_id]
            return c.code if c.parent_id is None else top(c.parent_id)

        rows = (await session.execute(select(Sku.id, Product.category_id, Product.kind).join(Product))).all()
        assert len(rows) >= 300
        assert {top(cat) for _, cat, _ in rows} == {
            "FRESH",
            "GROCERY",
            "BAKERY",
            "BEAUTY",
            "APPAREL",
            "APPLIANCE",
            "SERVICE",
        }
        assert any(kind == "service" for _, _, kind in rows)

        # Every barcode is a valid GS1 China EAN-13; every goods SKU has one.
        barcodes = (await session.execute(select(Barcode.code, Barcode.sku_id))).all()
        for code, _ in barcodes:
            assert gtin.validate(code) == gtin.Symbology.EAN13
            assert "690" <= code[:3] <= "699"
        goods = {sku for sku, _, kind in rows if kind == "goods"}
        assert goods <= {sku for _, sku in barcodes}

        # Stock at every store; the flagship has far more than an ordinary store; zero and low rows exist.
        on_hand = dict(
            (
                await session.execute(
                    select(Stock.store_id, func.sum(Stock.on_hand)).group_by(Stock.store_id)
                )
            ).all()
        )
        assert all(on_hand.get(s.id, 0) > 0 for s in stores)
        by_code = {s.code: on_hand[s.id] for s in stores}
        assert by_code[data.FLAGSHIP] > 2.5 * by_code["SH002"]
        assert await session.scalar(select(func.count()).select_from(Stock).where(Stock.on_hand == 0)) > 0
        assert (
            await session.scalar(
                select(func.count())
                .select_from(Stock)
                .where(Stock.on_hand > 0, Stock.on_hand <= Stock.reorder_point)
            )
            > 0
        )

        # Near-expiry batches (within 1-3 days of the seed day).
        today = local_today()
        near = await session.scalar(
            select(func.count())
            .select_from(StockBatch)
            .where(
                StockBatch.quantity > 0,
                StockBatch.expires_on >= today,
                StockBatch.expires_on <= today + timedelta(days=3),
            )
        )
        assert near >= 50

    # Every staff role signs in with the documented password; HQ sees every store.
    roles_seen: set[str] = set()
    for staff in data.STAFF:
        if set(staff.roles) <= roles_seen:
            continue
        response = await client.post(
            "/api/v1/auth/staff/login", json={"username": staff.username, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        roles_seen.update(staff.roles)
    assert roles_seen == {
        "clerk",
        "picker",
        "cashier",
        "technician",
        "store_manager",
        "hq_admin",
        "franchisee_admin",
    }

    # Pinyin search finds the milk; the shopper sees the regional price at the flagship.
    response = await client.get("/api/v1/catalog/products", params={"q": "niunai", "page_size": 50})
    assert response.status_code == 200, response.text
    names = [item["name_zh"] for item in response.json()["items"]]
    assert any("纯牛奶" in n for n in names) and any("特仑苏" in n for n in names)

    token = (
        await client.post(
            "/api/v1/auth/staff/login", json={"username": "hq.admin", "password": data.DEMO_PASSWORD}
        )
    ).json()["access_token"]
    async with app.state.db.sessionmaker() as session:
        flagship = await session.scalar(select(Store.id).where(Store.code == data.FLAGSHIP))
        milk = await session.scalar(select(Sku.id).where(Sku.code == "DAI001-01"))
    response = await client.get(
        "/api/v1/pricing/price", params={"sku_id": milk, "store_id": flagship}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    assert response.json()["price"] == 5990


def test_demo_data_is_consistent() -> None:
    skus = [s for p in data.PRODUCTS for s in p.skus]
    assert len({s.code for s in skus}) == len(skus)
    barcodes = [s.barcode for s in skus if s.barcode]
    assert len(set(barcodes)) == len(barcodes)
    assert all(gtin.validate(code) == gtin.Symbology.EAN13 for code in barcodes)
    assert len({s.username for s in data.STAFF}) == len(data.STAFF)
    members = data.build_members(local_today())
    assert len(members) >= 50 and len({m.phone for m in members}) == len(members)
    assert all(m.phone.startswith("139") and len(m.phone) == 11 for m in members)
    assert sum(1 for m in members if m.birthday.month == local_today().month) >= 5
    # Real neighbourhoods: every store sits inside its city's bounding box.
    boxes = {
        "上海": (30.7, 31.9, 120.8, 122.2),
        "北京": (39.4, 41.1, 115.4, 117.5),
        "杭州": (29.8, 30.6, 119.5, 120.6),
        "成都": (30.3, 31.0, 103.6, 104.4),
        "深圳": (22.4, 22.9, 113.7, 114.7),
    }
    for store in data.STORES:
        south, north, west, east = boxes[store.city]
        assert south <= store.latitude <= north and west <= store.longitude <= east, store.code
    # Apparel has colour x size SKUs.
    shirt = next(p for p in data.PRODUCTS if p.code == "MEN001")
    assert len(shirt.skus) == len(shirt.specs["颜色"]) * len(shirt.specs["尺码"])
