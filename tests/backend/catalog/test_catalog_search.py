"""Search and browse through the HTTP API: Chinese, pinyin, initials, English, brand, filters, sorts."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product
from tests.backend.catalog.factories import hq_headers, set_stock
from tests.backend.pricing.factories import create_price_list
from tests.factories import bearer, create_staff, create_store, staff_token

API = "/api/v1/catalog"


async def _post(client: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, Any]) -> dict:
    response = await client.post(API + path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def build_catalog(client: httpx.AsyncClient, session: AsyncSession) -> dict[str, Any]:
    """Six products in a small tree, created through the API so that indexing runs as in production.

    食品 > 牛奶: A 特仑苏纯牛奶 (6500), B 伊利纯牛奶 (4800), C 燕麦早餐饮 (5500, found by its category),
    F 纯牛奶礼盒 (draft); 食品 > 酸奶: D 伊利安慕希酸奶 (3000); 日用品: E 蓝月亮洗衣液 (2990),
    H 上门安装服务 (service, 5000). Created in the order C, A, B, D, E, H, F.
    """
    hq = await hq_headers(client, session)
    food = await _post(client, "/categories", hq, {"code": "food", "name_zh": "食品", "name_en": "Food"})
    milk = await _post(
        client,
        "/categories",
        hq,
        {"code": "milk", "name_zh": "牛奶", "name_en": "Milk", "parent_id": food["id"]},
    )
    yogurt = await _post(
        client,
        "/categories",
        hq,
        {"code": "yogurt", "name_zh": "酸奶", "name_en": "Yogurt", "parent_id": food["id"]},
    )
    home = await _post(
        client, "/categories", hq, {"code": "home", "name_zh": "日用品", "name_en": "Household"}
    )

    def product(
        code: str, name_zh: str, name_en: str, brand: str, category: dict, price: int, **extra: Any
    ) -> dict:
        return {
            "code": code,
            "category_id": category["id"],
            "name_zh": name_zh,
            "name_en": name_en,
            "brand": brand,
            "status": extra.pop("status", "on_sale"),
            "skus": [{"code": f"{code}-1", "base_price": price}],
            **extra,
        }

    specs = [
        ("C", "燕麦早餐饮", "Oat Breakfast Drink", "桂格", milk, 5500, {}),
        ("A", "特仑苏纯牛奶", "Deluxe Pure Milk", "蒙牛", milk, 6500, {}),
        ("B", "伊利纯牛奶", "Yili Pure Milk", "伊利", milk, 4800, {}),
        ("D", "伊利安慕希酸奶", "Yili Ambrosial Yogurt", "伊利", yogurt, 3000, {}),
        ("E", "蓝月亮洗衣液", "Laundry Detergent", "蓝月亮", home, 2990, {}),
        ("H", "上门安装服务", "Home Installation", "安装帮", home, 5000, {"kind": "service", "unit": "次"}),
        ("F", "纯牛奶礼盒", "Pure Milk Gift Box", "伊利", milk, 9900, {"status": "draft"}),
    ]
    ids: dict[str, Any] = {
        "categories": {"food": food, "milk": milk, "yogurt": yogurt, "home": home},
        "hq": hq,
    }
    for code, zh, en, brand, category, price, extra in specs:
        created = await _post(client, "/products", hq, product(code, zh, en, brand, category, price, **extra))
        ids[code] = created["id"]
        ids[code + "_sku"] = created["skus"][0]["id"]
    for code, sales in {"C": 200, "A": 80, "B": 50, "D": 120, "E": 10, "H": 0}.items():
        await session.execute(update(Product).where(Product.id == ids[code]).values(sales_count=sales))
    await session.commit()
    ids["by_id"] = {ids[c]: c for c in "ABCDEFH"}
    return ids


async def _codes(
    client: httpx.AsyncClient, ids: dict[str, Any], headers: dict | None = None, **params: Any
) -> list:
    response = await client.get(API + "/products", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return [ids["by_id"][item["id"]] for item in response.json()["items"]]


# query -> the products a shopper finds (as a set: the ranking has its own test).
SEARCH_CASES = [
    ("牛奶", {"A", "B", "C"}),
    ("niunai", {"A", "B", "C"}),
    ("nn", {"A", "B", "C"}),
    ("NiuNai", {"A", "B", "C"}),
    ("纯牛奶", {"A", "B"}),
    ("chunniunai", {"A", "B"}),
    ("milk", {"A", "B", "C"}),
    ("Pure Milk", {"A", "B"}),
    ("伊利", {"B", "D"}),
    ("yili", {"B", "D"}),
    # 伊利 and 月亮 (of 蓝月亮) share the initials yl.
    ("yl", {"B", "D", "E"}),
    ("伊利 牛奶", {"B"}),
    ("特仑苏", {"A"}),
    ("telunsu", {"A"}),
    ("tls", {"A"}),
    ("蒙牛", {"A"}),
    ("酸奶", {"D"}),
    ("suannai", {"D"}),
    ("yogurt", {"D"}),
    ("洗衣液", {"E"}),
    ("xyy", {"E"}),
    ("xiyiye", {"E"}),
    ("lylxyy", {"E"}),
    ("chocolate", set()),
    ("巧克力", set()),
    ("牛奶 chocolate", set()),
    ("！！", set()),
]


async def test_search_finds_by_chinese_pinyin_initials_english_and_brand(client, session):
    ids = await build_catalog(client, session)
    failures = []
    for query, expected in SEARCH_CASES:
        found = set(await _codes(client, ids, q=query))
        if found != expected:
            failures.append((query, sorted(expected), sorted(found)))
    assert not failures, failures


async def test_shoppers_never_see_drafts_but_staff_do(client, session):
    ids = await build_catalog(client, session)
    assert "F" not in await _codes(client, ids, q="礼盒")
    assert set(await _codes(client, ids, q="牛奶", status="draft")) == {"A", "B", "C"}  # ignored for shoppers
    assert set(await _codes(client, ids, q="牛奶", headers=ids["hq"])) == {"A", "B", "C", "F"}
    assert await _codes(client, ids, q="牛奶", status="draft", headers=ids["hq"]) == ["F"]
    clerk = await create_staff(session, roles=["clerk"], stores=[await create_store(session)])
    await session.commit()
    clerk_headers = bearer(await staff_token(client, clerk))
    assert set(await _codes(client, ids, q="礼盒", headers=clerk_headers)) == {"F"}
    hidden = await client.get(f"{API}/products/{ids['F']}")
    assert hidden.status_code == 404 and hidden.json()["error"] == "product_not_found"
    assert (await client.get(f"{API}/products/{ids['F']}", headers=clerk_headers)).status_code == 200


async def test_each_sort_order(client, session):
    ids = await build_catalog(client, session)
    # Relevance: A and B match 牛奶 by name (A sells more), C only by its category.
    assert await _codes(client, ids, q="牛奶") == ["A", "B", "C"]
    assert await _codes(client, ids, q="牛奶", sort="relevance") == ["A", "B", "C"]
    assert await _codes(client, ids, q="牛奶", sort="sales") == ["C", "A", "B"]
    assert await _codes(client, ids, q="牛奶", sort="price_asc") == ["B", "C", "A"]
    assert await _codes(client, ids, q="牛奶", sort="price_desc") == ["A", "C", "B"]
    assert await _codes(client, ids, q="牛奶", sort="newest") == ["B", "A", "C"]
    # Without a query the default is best sellers first.
    assert await _codes(client, ids) == ["C", "D", "A", "B", "E", "H"]


async def test_pagination_reports_the_total(client, session):
    ids = await build_catalog(client, session)
    first = (await client.get(API + "/products", params={"q": "牛奶", "page_size": 2})).json()
    second = (await client.get(API + "/products", params={"q": "牛奶", "page_size": 2, "page": 2})).json()
    assert first["total"] == second["total"] == 3
    assert [ids["by_id"][i["id"]] for i in first["items"]] == ["A", "B"]
    assert [ids["by_id"][i["id"]] for i in second["items"]] == ["C"]
    assert first["items"][0]["price"] == 6500 and first["items"][0]["score"] > first["items"][1]["score"] - 1
    beyond = (await client.get(API + "/products", params={"q": "牛奶", "page_size": 2, "page": 5})).json()
    assert beyond["items"] == [] and beyond["total"] == 3
    cheapest = (
        await client.get(API + "/products", params={"q": "牛奶", "page_size": 2, "sort": "price_asc"})
    ).json()
    assert cheapest["total"] == 3 and [i["price"] for i in cheapest["items"]] == [4800, 5500]
    nothing = (await client.get(API + "/products", params={"q": "不存在的东西"})).json()
    assert nothing == {**nothing, "items": [], "total": 0}


async def test_category_filter_includes_sub_categories(client, session):
    ids = await build_catalog(client, session)
    cats = ids["categories"]
    assert set(await _codes(client, ids, category_id=cats["food"]["id"])) == {"A", "B", "C", "D"}
    assert set(await _codes(client, ids, q="伊利", category_id=cats["food"]["id"])) == {"B", "D"}
    assert await _codes(client, ids, q="伊利", category_id=cats["milk"]["id"]) == ["B"]
    assert await _codes(client, ids, q="牛奶", category_id=cats["home"]["id"]) == []
    missing = await client.get(API + "/products", params={"category_id": 999_999})
    assert missing.status_code == 404 and missing.json()["error"] == "category_not_found"


async def test_price_range_on_base_price_and_on_the_price_at_a_store(client, session):
    ids = await build_catalog(client, session)
    assert set(await _codes(client, ids, min_price=4000, max_price=6000)) == {"B", "C", "H"}
    assert set(await _codes(client, ids, q="牛奶", max_price=5000)) == {"B"}
    store = await create_store(session)
    from backend.catalog.models import Sku

    a_sku = await session.get(Sku, ids["A_sku"])
    await create_price_list(session, "region", store.region_id, {a_sku: 3900})
    await session.commit()
    # At the store, A sells for 3900 and falls into the range; elsewhere it stays at 6500.
    at_store = await client.get(
        API + "/products", params={"min_price": 3000, "max_price": 4000, "store_id": store.id}
    )
    items = {ids["by_id"][i["id"]]: i["price"] for i in at_store.json()["items"]}
    assert items == {"A": 3900, "D": 3000}
    assert set(await _codes(client, ids, min_price=3000, max_price=4000)) == {"D"}
    assert await _codes(client, ids, q="牛奶", sort="price_asc", store_id=store.id) == ["A", "B", "C"]
    bad = await client.get(API + "/products", params={"min_price": 5000, "max_price": 100})
    assert bad.status_code == 422 and "min_price" in bad.json()["message"]
    negative = await client.get(API + "/products", params={"min_price": -1})
    assert negative.status_code == 422


async def test_availability_at_a_store(client, session):
    ids = await build_catalog(client, session)
    from backend.catalog.models import Sku

    store = await create_store(session)
    other = await create_store(session)
    await set_stock(session, store, await session.get(Sku, ids["B_sku"]), on_hand=5)
    await set_stock(session, store, await session.get(Sku, ids["A_sku"]), on_hand=2, reserved=2)
    await set_stock(session, store, await session.get(Sku, ids["D_sku"]), on_hand=0)
    await set_stock(session, other, await session.get(Sku, ids["A_sku"]), on_hand=9)
    await session.commit()
    assert await _codes(client, ids, in_stock_at=store.id) == ["B"]
    assert await _codes(client, ids, q="niunai", in_stock_at=store.id) == ["B"]
    assert await _codes(client, ids, in_stock_at=other.id) == ["A"]
    unknown = await client.get(API + "/products", params={"in_stock_at": 999_999})
    assert unknown.status_code == 404 and unknown.json()["error"] == "store_not_found"


async def test_kind_filter_and_bad_sort(client, session):
    ids = await build_catalog(client, session)
    assert await _codes(client, ids, kind="service") == ["H"]
    assert await _codes(client, ids, q="安装", kind="goods") == []
    assert await _codes(client, ids, q="anzhuang") == ["H"]
    bad = await client.get(API + "/products", params={"sort": "cheapest"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "sort"
    bad_kind = await client.get(API + "/products", params={"kind": "gift"})
    assert bad_kind.status_code == 422


async def test_renaming_a_product_reindexes_it(client, session):
    ids = await build_catalog(client, session)
    response = await client.patch(
        f"{API}/products/{ids['E']}",
        json={"name_zh": "蓝月亮洗手液", "name_en": "Hand Wash"},
        headers=ids["hq"],
    )
    assert response.status_code == 200, response.text
    assert await _codes(client, ids, q="洗衣液") == []
    assert await _codes(client, ids, q="xishouye") == ["E"]
    assert await _codes(client, ids, q="hand") == ["E"]
    # Renaming a category reindexes the products under it.
    renamed = await client.patch(
        f"{API}/categories/{ids['categories']['home']['id']}", json={"name_zh": "家居清洁"}, headers=ids["hq"]
    )
    assert renamed.status_code == 200
    assert set(await _codes(client, ids, q="jjqj")) == {"E", "H"}
