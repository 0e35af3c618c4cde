"""The SDK's catalog and pricing calls against the real app."""

from __future__ import annotations

import asyncio
import io

import httpx
import pytest
from PIL import Image

from shared import sdk
from tests.factories import PASSWORD, create_region, create_staff, create_store


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_async_client_builds_a_catalog_prices_it_and_searches(app, session):
    region = await create_region(session)
    store = await create_store(session, region, city_tier=1)
    staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as hq:
        await hq.auth.staff_login(staff.username, PASSWORD)
        food = await hq.catalog.create_category("food", "食品", "Food")
        milk = await hq.catalog.create_category("milk", "牛奶", "Milk", parent_id=food.id)
        product = await hq.catalog.create_product(
            code="TLS",
            category_id=milk.id,
            name_zh="特仑苏纯牛奶",
            name_en="Deluxe Pure Milk",
            brand="蒙牛",
            status="on_sale",
            skus=[{"code": "TLS-1", "base_price": 6500, "barcodes": ["6901234567892"]}],
        )
        sku_id = product.skus[0].id
        image = await hq.catalog.upload_image(product.id, "tls.png", _png(), "image/png")
        assert (image.width, image.height) == (20, 10)
        region_list = await hq.pricing.create_price_list("华东", "region", region.id, {sku_id: 6200})
        assert region_list.items[0].price == 6200
        with pytest.raises(sdk.ValidationFailed) as bad:
            await hq.catalog.add_barcode(sku_id, "6901234567891")
        assert bad.value.code == "invalid_barcode" and bad.value.detail["expected_check_digit"] == 2
        with pytest.raises(sdk.Conflict):
            await hq.catalog.add_barcode(sku_id, "6901234567892")
        tree = await hq.catalog.categories()
        assert tree[0].children[0].id == milk.id

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as shopper:
        for query in ("牛奶", "niunai", "nn", "milk", "蒙牛"):
            page = await shopper.catalog.products(query, store_id=store.id)
            assert [p.id for p in page.items] == [product.id], query
            assert page.items[0].price == 6200 and page.items[0].image_urls == [image.url]
        match = await shopper.catalog.lookup_barcode("6901234567892", store_id=store.id)
        assert match.sku.id == sku_id and match.sku.price == 6200 and match.sku.price_reason == "region"
        price = await shopper.pricing.price(sku_id, store.id)
        assert (price.price, price.reason, price.price_list.id) == (6200, "region", region_list.id)
        quote = await shopper.pricing.quote(store.id, [(sku_id, 2)])
        assert quote.total == 12400
        with pytest.raises(sdk.NotFound) as missing:
            await shopper.pricing.quote(store.id, [(sku_id + 1000, 1)])
        assert missing.value.detail == {"sku_ids": [sku_id + 1000]}
        with pytest.raises(sdk.Unauthorized):
            await shopper.pricing.price_lists()


async def test_sync_client_changes_prices_over_real_http(live_server, session):
    region = await create_region(session)
    store = await create_store(session, region, city_tier=2)
    staff = await create_staff(session, ["hq_admin"])
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()

    def work() -> None:
        with sdk.Client(live_server.url) as hq:
            hq.auth.staff_login(staff.username, PASSWORD)
            category = hq.catalog.create_category("drinks", "饮料", "Drinks")
            product = hq.catalog.create_product(
                code="COLA",
                category_id=category.id,
                name_zh="可口可乐",
                name_en="Coca-Cola",
                skus=[{"code": "COLA-330", "base_price": 300}],
            )
            sku_id = product.skus[0].id
            assert hq.catalog.update_product(product.id, status="on_sale").status == "on_sale"
            override = hq.pricing.create_price_list("门店价", "store", store.id, {sku_id: 280})
            assert hq.pricing.price(sku_id, store.id).reason == "store"
            hq.pricing.set_prices(override.id, {sku_id: 260})
            assert hq.pricing.price(sku_id, store.id).price == 260
            hq.pricing.update_price_list(override.id, active=False)
            assert hq.pricing.price(sku_id, store.id).price == 300
            assert hq.catalog.update_sku(sku_id, base_price=350).base_price == 350
            assert [p.id for p in hq.catalog.products("kekoukele").items] == [product.id]
        with sdk.Client(live_server.url) as store_staff:
            store_staff.auth.staff_login(manager.username, PASSWORD)
            with pytest.raises(sdk.Forbidden):
                store_staff.pricing.create_price_list("x", "store", store.id, {sku_id: 1})
            assert store_staff.catalog.product(product.id, store_id=store.id).skus[0].price == 350

    await asyncio.to_thread(work)
