"""Checkout over HTTP with realistic carts, against a bare one-insert endpoint on the same database.

Each order is a signed-in member's pickup order of 3–5 lines across 500 SKUs and 20 stores, priced by the
promotion engine (a 满减 promotion running, the member's coupon matched automatically) and part-paid with
points. The baseline, in the same run at the same concurrency, is a bare FastAPI endpoint inserting one
row into the same PostgreSQL database (bench/baseline_app.py). Target: at least 0.3× the baseline rate.

    .venv/bin/python -m bench.checkout_bench [--orders 1500] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.auth import service as auth_service  # noqa: E402
from backend.auth.principal import Principal, StaffRole  # noqa: E402
from backend.catalog.models import Category, Product, Sku  # noqa: E402
from backend.core.db import Database, sync_url  # noqa: E402
from backend.core.settings import Settings  # noqa: E402
from backend.core.time import utcnow  # noqa: E402
from backend.marketing import coupons, promotions  # noqa: E402
from backend.marketing.schemas import CouponTemplateCreate, PromotionCreate  # noqa: E402
from backend.members import wallet  # noqa: E402
from backend.members.models import Member  # noqa: E402
from backend.stores.models import Region, Store  # noqa: E402
from bench.common import SECRET, load, scratch_database, uvicorn  # noqa: E402

HQ = Principal(kind="staff", id=0, roles=frozenset({StaffRole.HQ_ADMIN}), store_ids=None)


def seed_catalog(url: str, stores: int, skus: int) -> None:
    rng = random.Random(3)
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        region = conn.execute(
            insert(Region).returning(Region.id), [{"code": "R1", "name_zh": "华东", "name_en": "East"}]
        ).scalar_one()
        conn.execute(
            insert(Store),
            [
                {
                    "code": f"S{i:03d}",
                    "name_zh": f"上海{i}号店",
                    "name_en": f"Store {i}",
                    "region_id": region,
                    "city": "上海",
                    "city_tier": 1,
                    "address": f"上海某路{i}号",
                    "latitude": 31.2 + i / 100,
                    "longitude": 121.4 + i / 100,
                    "opening_hours": {
                        d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                    },
                }
                for i in range(stores)
            ],
        )
        category = conn.execute(
            insert(Category).returning(Category.id), [{"code": "C1", "name_zh": "食品", "name_en": "Food"}]
        ).scalar_one()
        products = conn.execute(
            insert(Product).returning(Product.id, sort_by_parameter_order=True),
            [
                {
                    "code": f"P{i:05d}",
                    "category_id": category,
                    "name_zh": f"商品{i}",
                    "name_en": f"Item {i}",
                    "status": "on_sale",
                    "kind": "goods",
                    "unit": "件",
                    "attributes": {},
                    "spec_names": [],
                }
                for i in range(skus)
            ],
        ).scalars()
        conn.execute(
            insert(Sku),
            [
                {
                    "product_id": pid,
                    "code": f"K{i:05d}",
                    "specs": {},
                    "base_price": rng.randrange(990, 6990),
                    "cost_price": 500,
                    "status": "active",
                }
                for i, pid in enumerate(products)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO stock"
                " (store_id, sku_id, on_hand, reserved, safety_stock, reorder_point, updated_at)"
                " SELECT s.id, k.id, 1000000, 0, 0, 0, now() FROM stores s CROSS JOIN skus k"
            )
        )
    engine.dispose()


async def seed_members(url: str, members: int) -> list[tuple[str, int]]:
    """Members with points and an unused coupon each; a running promotion. Returns (token, home store)."""
    settings = Settings(database_url=url, secret_key=SECRET)
    db = Database(url)
    tokens = []
    now = utcnow()
    async with db.sessionmaker() as session:
        await promotions.create(
            session,
            HQ,
            PromotionCreate(
                name_zh="满100减10",
                name_en="10 off 100",
                rule={"type": "threshold", "tiers": [{"threshold": 10_000, "off": 1000}]},
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(days=1),
            ),
        )
        template = await coupons.create_template(
            session,
            HQ,
            CouponTemplateCreate(
                name_zh="满50减5",
                name_en="5 off 50",
                kind="threshold",
                amount=500,
                threshold=5000,
                valid_days=7,
                total_quantity=members,
                stackable=True,
            ),
        )
        for i in range(members):
            member = Member(phone=f"139{i:08d}", name=f"会员{i}", home_store_id=None)
            session.add(member)
            await session.flush()
            await coupons.claim(session, member.id, template.id)
            await wallet.earn_points(session, member.id, 100_000, "bench", str(member.id), valid_days=365)
            pair = await auth_service.issue_tokens(session, settings, Principal(kind="member", id=member.id))
            tokens.append((pair.access_token, 1 + i % 20))
        await session.commit()
    await db.dispose()
    return tokens


async def measure(
    base: str, baseline: str, tokens: list[tuple[str, int]], orders: int, concurrency: int, skus: int
) -> str:
    rng = random.Random(5)
    slot = (utcnow() + timedelta(hours=3)).isoformat()
    carts = []
    for i in range(orders + 1):
        token, store = tokens[i % len(tokens)]
        picks = rng.sample(range(1, skus + 1), rng.randint(3, 5))
        body = {
            "fulfilment": "pickup",
            "store_id": store,
            "pickup_slot_start": slot,
            "lines": [{"sku_id": s, "quantity": rng.randint(1, 3)} for s in picks],
            "points_amount": 300,
        }
        carts.append((token, body))

    def checkout(client, i):  # type: ignore[no-untyped-def]
        token, body = carts[i]
        member = i % len(tokens)
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": uuid.uuid4().hex,
            # Each shopper from their own address, as behind a real load balancer: the per-IP order
            # limit (1,000 a minute) is for one address, not for a whole benchmark from 127.0.0.1.
            "X-Forwarded-For": f"10.0.{member // 250}.{member % 250 + 1}",
        }
        return client.post("/api/v1/orders", json=body, headers=headers)

    bare = await load(baseline, lambda c, i: c.post("/insert"), orders, concurrency)
    full = await load(base, checkout, orders, concurrency)
    lines = [f"{'path':<48}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"]
    for name, f in (
        ("baseline: bare FastAPI, one INSERT", bare),
        ("checkout: 3-5 lines, promotion, coupon, points", full),
    ):
        lines.append(f"{name:<48}{f.rate:>8.0f}{f.p50_ms:>9.1f}{f.p99_ms:>9.1f}{f.errors:>8}")
        if f.first_error:
            lines.append(f"  first error: {f.first_error}")
    lines += ["", f"checkout rate / baseline rate: {full.rate / bare.rate:.2f}x (target at least 0.3x)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skus", type=int, default=500)
    args = parser.parse_args()
    with scratch_database() as url:
        seed_catalog(url, 20, args.skus)
        tokens = asyncio.run(seed_members(url, args.members))
        with (
            uvicorn("backend.asgi:app", url, OMO_TRUST_PROXY_HEADERS="true") as base,
            uvicorn("bench.baseline_app:app", url, "/row") as baseline,
        ):
            report = asyncio.run(measure(base, baseline, tokens, args.orders, args.concurrency, args.skus))
        print(
            f"{args.orders} orders by {args.members} members, {args.concurrency} concurrent, one uvicorn each"
        )
        print(report)


if __name__ == "__main__":
    main()
