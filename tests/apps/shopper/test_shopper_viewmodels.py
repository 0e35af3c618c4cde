"""The shopper view-models against the real backend in-process: no screen, real database, real SDK."""

from __future__ import annotations

import json

import httpx
import pytest

from apps.shopper.viewmodels import CatalogVM, MemoryStore, ProductVM, SessionVM, StorePickerVM
from apps.shopper.viewmodels.session import TOKENS_KEY
from apps.shopper.viewmodels.stores import STORE_KEY
from shared.sdk import AsyncClient
from tests.backend.catalog.factories import create_category, create_product, set_stock
from tests.factories import HOURS_ALL_WEEK, create_store


@pytest.fixture
async def sdk(app):  # type: ignore[no-untyped-def]
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with AsyncClient(http=http) as client:
        yield client


async def test_session_signs_in_with_a_code_and_keeps_the_tokens(app, sdk):
    prefs = MemoryStore()
    vm = SessionVM(sdk, prefs)
    vm.phone = "1380013800"
    assert not await vm.request_code()
    assert vm.error == "error.phone_format"

    vm.phone = " 13800138000 "
    assert await vm.request_code()
    assert vm.code_sent and vm.error is None and vm.phone == "13800138000"

    vm.code = "000000" if app.state.sms.last_codes["13800138000"] != "000000" else "111111"
    assert not await vm.verify()
    assert vm.error == "error.wrong_code" and not vm.signed_in

    vm.code = app.state.sms.last_codes["13800138000"]
    assert await vm.verify()
    await vm.settle()
    assert vm.me is not None and vm.me.kind == "member"
    assert json.loads(prefs.values[TOKENS_KEY])["access"] == sdk.tokens.access_token


async def test_session_restores_a_kept_sign_in_and_forgets_it_on_sign_out(app, sdk):
    prefs = MemoryStore()
    first = SessionVM(sdk, prefs)
    first.phone = "13900139000"
    await first.request_code()
    first.code = app.state.sms.last_codes["13900139000"]
    await first.verify()
    await first.settle()

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with AsyncClient(http=http) as later_client:
        later = SessionVM(later_client, prefs)
        assert await later.restore()
        assert later.me is not None and later.me.id == first.me.id
        await later.sign_out()
        assert not later.signed_in and TOKENS_KEY not in prefs.values
        assert not await SessionVM(later_client, prefs).restore()


async def test_session_forgets_tokens_the_backend_no_longer_accepts(sdk):
    prefs = MemoryStore()
    prefs.values[TOKENS_KEY] = json.dumps({"access": "not-a-token", "refresh": "not-either"})
    vm = SessionVM(sdk, prefs)
    assert not await vm.restore()
    await vm.settle()
    assert TOKENS_KEY not in prefs.values


async def test_store_picker_suggests_the_nearest_open_store_and_remembers_the_choice(session, sdk):
    near = await create_store(
        session, name_zh="人民广场店", latitude=31.2310, longitude=121.4740, opening_hours=HOURS_ALL_WEEK
    )
    await create_store(session, name_zh="陆家嘴店", latitude=31.2397, longitude=121.4998)
    await create_store(session, name_zh="王府井店", latitude=39.9139, longitude=116.4103)
    await session.commit()

    prefs = MemoryStore()
    vm = StorePickerVM(sdk, prefs)
    await vm.use_place("shanghai")
    assert [s.name_zh for s in vm.nearby] == ["人民广场店", "陆家嘴店"]
    assert vm.nearest is not None and vm.nearest.id == near.id and vm.nearest.distance_m < 200
    assert vm.nearby[0].opening_hours == HOURS_ALL_WEEK

    assert await vm.choose_nearest()
    assert vm.chosen.id == near.id and prefs.values[STORE_KEY] == str(near.id)

    again = StorePickerVM(sdk, prefs)
    assert await again.restore()
    assert again.chosen.name_zh == "人民广场店"
    await again.change()
    assert again.chosen is None and STORE_KEY not in prefs.values

    await again.use_place("beijing")
    assert again.nearest.name_zh == "王府井店"


async def test_store_picker_reports_a_device_location_with_no_store_nearby(session, sdk):
    await create_store(session, latitude=31.2310, longitude=121.4740)
    await session.commit()
    vm = StorePickerVM(sdk, MemoryStore())
    await vm.locate(-33.86, 151.21)
    assert vm.searched and vm.place.key == "device"
    assert vm.nearby == [] and vm.nearest is None
    assert not await vm.choose_nearest()


async def seed_dairy(session):  # type: ignore[no-untyped-def]
    here = await create_store(session, name_zh="人民广场店", latitude=31.2310, longitude=121.4740)
    there = await create_store(session, name_zh="陆家嘴店", latitude=31.2397, longitude=121.4998)
    dairy = await create_category(session, name_zh="乳品", name_en="Dairy")
    milk, milk_skus = await create_product(
        session,
        dairy,
        name_zh="光明纯牛奶",
        name_en="Bright Pure Milk",
        brand="光明",
        unit="盒",
        prices=[650, 1190],
        spec_names=["规格"],
        specs=[{"规格": "250ml"}, {"规格": "1L"}],
    )
    yogurt, yogurt_skus = await create_product(
        session, dairy, name_zh="原味酸奶", name_en="Plain Yogurt", prices=[890]
    )
    await create_product(session, dairy, name_zh="奶酪棒", name_en="Cheese Stick", prices=[1500])
    await set_stock(session, here, milk_skus[0], 12)
    await set_stock(session, there, milk_skus[0], 3)
    await set_stock(session, there, milk_skus[1], 5)
    await set_stock(session, here, yogurt_skus[0], 0)
    await session.commit()
    return here, there, milk, milk_skus


async def test_catalog_search_by_pinyin_shows_price_and_stock_at_the_chosen_store(session, sdk):
    here, _there, milk, milk_skus = await seed_dairy(session)
    vm = CatalogVM(sdk)
    vm.at_store(here.id)
    await vm.search("niunai")
    assert [p.name_zh for p in vm.results] == ["光明纯牛奶"]
    assert vm.results[0].price == 650
    assert vm.available(milk.id) is True

    await vm.search("酸奶")
    assert [p.name_zh for p in vm.results] == ["原味酸奶"]
    assert vm.available(vm.results[0].id) is False

    await vm.search("milk")
    assert [p.name_zh for p in vm.results] == ["光明纯牛奶"]

    await vm.load_categories()
    assert "乳品" in [c.name_zh for c in vm.categories]


async def test_catalog_pages_through_results(session, sdk):
    dairy = await create_category(session, name_zh="饮料", name_en="Drinks")
    for i in range(5):
        await create_product(session, dairy, name_zh=f"矿泉水{i}", name_en=f"Water {i}")
    await session.commit()
    vm = CatalogVM(sdk, page_size=2)
    await vm.search("矿泉水")
    assert vm.total == 5 and len(vm.results) == 2 and vm.has_more
    await vm.more()
    await vm.more()
    assert len({p.id for p in vm.results}) == 5 and not vm.has_more
    assert vm.available(vm.results[0].id) is None  # no store chosen


async def test_product_specs_pick_the_sku_its_price_and_stock_nearby(session, sdk):
    here, there, milk, milk_skus = await seed_dairy(session)
    vm = ProductVM(sdk)
    await vm.load(milk.id, here.id)
    assert vm.options("规格") == ["250ml", "1L"]
    assert vm.sku.id == milk_skus[0].id and vm.price == 650 and vm.sku.available == 12

    vm.select("规格", "1L")
    assert vm.sku.id == milk_skus[1].id and vm.price == 1190 and vm.sku.available == 0

    await vm.find_stock_nearby(31.2310, 121.4740)
    stock = {s.id: s.available.get(milk_skus[1].id, 0) for s in vm.stock_nearby}
    assert stock[there.id] == 5 and stock[here.id] == 0


async def test_a_missing_product_is_an_error_not_a_crash(sdk):
    vm = ProductVM(sdk)
    await vm.load(987654, None)
    assert vm.product is None and vm.error == "error.not_found" and vm.sku is None
    assert vm.product_id == 987654
