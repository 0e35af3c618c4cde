"""Catalog at chain scale: 20,000 SKUs × 300 stores (6 million stock rows) on PostgreSQL.

Seeds the catalog in bulk (search terms through the product's own indexer), then drives the backend over
HTTP: search in Chinese and in pinyin, a product page with its price and stock at a store, and the
nearest stores with stock of a SKU. The baseline, measured in the same run at the same concurrency, is a
bare FastAPI endpoint returning a row cached in memory (bench/baseline_app.py). Target: p99 under 5× the
baseline's p99.

    .venv/bin/python -m bench.catalog_bench [--skus 20000] [--stores 300] [--requests 1500]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.catalog.models import Category, Product, SearchTerm, Sku  # noqa: E402
from backend.catalog.search import product_terms  # noqa: E402
from backend.core.db import sync_url  # noqa: E402
from backend.stores.models import Region, Store  # noqa: E402
from bench.common import load, scratch_database, table, uvicorn  # noqa: E402

CITIES = [
    ("上海", 31.23, 121.47, 1),
    ("北京", 39.90, 116.40, 1),
    ("杭州", 30.27, 120.15, 2),
    ("成都", 30.57, 104.06, 2),
]
CATEGORIES = [("乳品", "Dairy"), ("零食", "Snacks"), ("饮料", "Drinks"), ("粮油", "Pantry"), ("个护", "Care")]
NOUNS = {
    "乳品": [("牛奶", "milk"), ("酸奶", "yogurt"), ("奶酪", "cheese"), ("黄油", "butter")],
    "零食": [("薯片", "chips"), ("饼干", "biscuits"), ("坚果", "nuts"), ("巧克力", "chocolate")],
    "饮料": [("绿茶", "green tea"), ("果汁", "juice"), ("咖啡", "coffee"), ("矿泉水", "water")],
    "粮油": [("大米", "rice"), ("面粉", "flour"), ("菜籽油", "oil"), ("挂面", "noodles")],
    "个护": [("洗发水", "shampoo"), ("牙膏", "toothpaste"), ("沐浴露", "body wash"), ("香皂", "soap")],
}
ADJECTIVES = [
    ("有机", "organic"),
    ("低脂", "low-fat"),
    ("经典", "classic"),
    ("家庭装", "family"),
    ("进口", "imported"),
]
BRANDS = [
    "光明",
    "蒙牛",
    "伊利",
    "三只松鼠",
    "农夫山泉",
    "金龙鱼",
    "云南白药",
    "良品铺子",
    "元气森林",
    "福临门",
]


@functools.cache
def terms_of(
    name_zh: str, name_en: str, brand: str, category_zh: str, category_en: str
) -> list[tuple[str, int]]:
    """The product's own indexer; names repeat across the generated catalog, so each is indexed once."""
    return list(product_terms(name_zh, name_en, brand, [category_zh, category_en]).items())


def seed(url: str, skus: int, stores: int) -> dict[str, float]:
    """Bulk-load regions, stores, categories, products with one SKU each, search terms and stock."""
    rng = random.Random(7)
    engine = create_engine(sync_url(url))
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with engine.begin() as conn:
        region_id = conn.execute(
            insert(Region).returning(Region.id), [{"code": "R1", "name_zh": "全国", "name_en": "All"}]
        ).scalar_one()
        store_rows = []
        for i in range(stores):
            city, lat, lng, tier = CITIES[i % len(CITIES)]
            store_rows.append(
                {
                    "code": f"S{i:04d}",
                    "name_zh": f"{city}{i}号店",
                    "name_en": f"Store {i}",
                    "region_id": region_id,
                    "city": city,
                    "city_tier": tier,
                    "address": f"{city}某路{i}号",
                    "latitude": lat + rng.uniform(-0.3, 0.3),
                    "longitude": lng + rng.uniform(-0.3, 0.3),
                    "opening_hours": {},
                }
            )
        conn.execute(insert(Store), store_rows)
        category_ids = {
            zh: conn.execute(
                insert(Category).returning(Category.id), [{"code": f"C{i}", "name_zh": zh, "name_en": en}]
            ).scalar_one()
            for i, (zh, en) in enumerate(CATEGORIES)
        }
        products = []
        for i in range(skus):
            category = CATEGORIES[i % len(CATEGORIES)][0]
            noun_zh, noun_en = rng.choice(NOUNS[category])
            adj_zh, adj_en = rng.choice(ADJECTIVES)
            brand = rng.choice(BRANDS)
            products.append(
                {
                    "code": f"P{i:06d}",
                    "category_id": category_ids[category],
                    "name_zh": f"{brand}{adj_zh}{noun_zh}",
                    "name_en": f"{brand} {adj_en} {noun_en}",
                    "brand": brand,
                    "status": "on_sale",
                    "kind": "goods",
                    "unit": "件",
                    "attributes": {},
                    "spec_names": [],
                    "sales_count": rng.randrange(5000),
                }
            )
        product_ids = (
            conn.execute(insert(Product).returning(Product.id, sort_by_parameter_order=True), products)
            .scalars()
            .all()
        )
        conn.execute(
            insert(Sku),
            [
                {
                    "product_id": pid,
                    "code": f"K{i:06d}",
                    "specs": {},
                    "base_price": rng.randrange(300, 20_000),
                    "cost_price": None,
                    "status": "active",
                }
                for i, pid in enumerate(product_ids)
            ],
        )
        timings["catalog rows"] = time.perf_counter() - started
        started = time.perf_counter()
        terms = []
        for pid, p in zip(product_ids, products, strict=True):
            category_zh = next(zh for zh, cid in category_ids.items() if cid == p["category_id"])
            category_en = dict(CATEGORIES)[category_zh]
            for term, weight in product_terms(
                p["name_zh"], p["name_en"], p["brand"], [category_zh, category_en]
            ).items():
                terms.append({"term": term, "product_id": pid, "weight": weight})
        conn.execute(insert(SearchTerm), terms)
        timings["search terms"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO stock"
                " (store_id, sku_id, on_hand, reserved, safety_stock, reorder_point, updated_at) "
                "SELECT s.id, k.id, (hashtext(s.id::text || ':' || k.id::text) & 63), 0, 0, 5, now() "
                "FROM stores s CROSS JOIN skus k"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    timings["stock rows"] = time.perf_counter() - started
    engine.dispose()
    return timings


async def measure(
    base: str, baseline_base: str, requests: int, concurrency: int, skus: int, stores: int
) -> str:
    rng = random.Random(11)
    products = [rng.randrange(1, skus + 1) for _ in range(requests + 1)]
    store_ids = [rng.randrange(1, stores + 1) for _ in range(requests + 1)]
    words_zh = ["牛奶", "有机酸奶", "巧克力", "绿茶", "大米", "洗发水", "蒙牛牛奶", "进口咖啡"]
    words_py = ["niunai", "suannai", "qiaokeli", "lvcha", "dami", "xifashui", "mengniu", "kafei"]

    def search(words: list[str]):  # type: ignore[no-untyped-def]
        return lambda c, i: c.get(
            "/api/v1/catalog/products", params={"q": words[i % len(words)], "store_id": store_ids[i]}
        )

    paths = {
        "search (Chinese)": search(words_zh),
        "search (pinyin)": search(words_py),
        "product page at a store": lambda c, i: c.get(
            f"/api/v1/catalog/products/{products[i]}", params={"store_id": store_ids[i]}
        ),
        "nearby stores with stock": lambda c, i: c.get(
            "/api/v1/stores/nearby",
            params={
                "lat": 31.23,
                "lng": 121.47,
                "sku_ids": [products[i]],
                "in_stock_only": "true",
                "limit": 5,
            },
        ),
    }
    baseline = await load(baseline_base, lambda c, i: c.get("/row"), requests, concurrency)
    rows = [(name, await load(base, call, requests, concurrency)) for name, call in paths.items()]
    worst = max(f.p99_ms for _, f in rows) / baseline.p99_ms
    return (
        table([("baseline: cached row (bare FastAPI)", baseline), *rows], baseline)
        + f"\n\nworst p99 / baseline p99: {worst:.1f}x (target under 5x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with scratch_database() as url:
        timings = seed(url, args.skus, args.stores)
        seeded = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        rows = args.skus * args.stores
        print(f"seeded {args.skus:,} SKUs × {args.stores} stores = {rows:,} stock rows ({seeded})")
        with (
            uvicorn("backend.asgi:app", url) as base,
            uvicorn("bench.baseline_app:app", url, "/row") as baseline,
        ):
            report = asyncio.run(
                measure(base, baseline, args.requests, args.concurrency, args.skus, args.stores)
            )
        print(f"{args.requests} requests per path, {args.concurrency} concurrent, one uvicorn process each\n")
        print(report)


if __name__ == "__main__":
    main()
