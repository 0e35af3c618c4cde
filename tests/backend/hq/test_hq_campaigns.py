"""秒杀与拼团 and 分销 pages through HTTP: HQ creates a flash sale (stock moves into its pool) and ends it
(unsold units come back), schedules and stops a group buy; sets the distribution rates and reviews
withdrawals. A franchisee sees only their stores' figures and can change nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from backend.core.time import utcnow
from backend.distribution.tasks import sync_commissions
from tests.backend.distribution.factories import till_sale
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.orders.factories import put_stock, stock_row
from tests.factories import (
    bearer,
    create_member,
    create_merchant,
    create_sku,
    create_staff,
    create_store,
    member_token,
    staff_token,
)

LOCAL = ZoneInfo("Asia/Shanghai")


def local(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_flash_sales_and_group_buys_on_the_campaigns_page(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="自家店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="别家店")
    tea = await create_sku(session, price=5_000)
    await put_stock(session, own, tea, 30)
    await put_stock(session, other, tea, 30)
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/campaigns")
    flash = {
        "csrf": token,
        "name": "十点秒杀",
        "stores": f"{own.code},{other.code}",
        "sku": tea.code,
        "price": "19.9",
        "pool": "10",
        "limit": "1",
        "starts_at": local(timedelta(minutes=-5)),
        "ends_at": local(timedelta(hours=2)),
    }
    too_many = await client.post("/hq/campaigns/flash-sales", data={**flash, "pool": "31"})
    assert too_many.status_code == 409, too_many.text[:300]
    assert await stock_row(session, own, tea) == (30, 0)
    backwards = await client.post(
        "/hq/campaigns/flash-sales", data={**flash, "ends_at": local(timedelta(hours=-1))}
    )
    assert backwards.status_code == 422 and "ends_at must be after starts_at" in backwards.text
    made = await client.post("/hq/campaigns/flash-sales", data=flash)
    assert made.status_code == 303, made.text[:500]
    assert await stock_row(session, own, tea) == (20, 0)
    await session.commit()
    items = csv_rows((await client.get("/hq/campaigns.csv?table=flash_sales")).text)
    assert sorted((r["store"], r["price"], r["pool"], r["state"]) for r in items) == [
        ("别家店", "19.90", "10", "进行中"),
        ("自家店", "19.90", "10", "进行中"),
    ]
    slot_id = items[0]["slot_id"]
    api = (await client.get("/api/v1/campaigns/flash-sales")).json()
    assert [s["id"] for s in api] == [int(slot_id)]

    group = {
        "csrf": token,
        "name": "三人团",
        "sku": tea.code,
        "price": "39.9",
        "size": "3",
        "hours": "24",
        "limit": "1",
        "starts_at": local(timedelta(days=1)),
        "ends_at": local(timedelta(days=3)),
    }
    unknown = await client.post("/hq/campaigns/group-buys", data={**group, "sku": "NOPE"})
    assert unknown.status_code == 422 and "找不到 SKU：NOPE" in unknown.text
    assert (await client.post("/hq/campaigns/group-buys", data=group)).status_code == 303
    deals = csv_rows((await client.get("/hq/campaigns.csv?table=group_buys")).text)
    assert [(r["name"], r["group_price"], r["size"], r["state"]) for r in deals] == [
        ("三人团", "39.90", "3", "未开始")
    ]
    deal_id = deals[0]["id"]
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/campaigns")
    page = await client.get("/hq/campaigns")
    assert "新建秒杀场次" not in page.text and "别家店" not in page.text
    assert [r["store"] for r in csv_rows((await client.get("/hq/campaigns.csv?table=flash_sales")).text)] == [
        "自家店"
    ]
    assert (
        await client.post(f"/hq/campaigns/flash-sales/{slot_id}/end", data={"csrf": token})
    ).status_code == 403
    assert (
        await client.post(f"/hq/campaigns/group-buys/{deal_id}/stop", data={"csrf": token})
    ).status_code == 403
    assert (await client.post("/hq/campaigns/flash-sales", data={**flash, "csrf": token})).status_code == 403
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/campaigns")
    assert (
        await client.post(f"/hq/campaigns/flash-sales/{slot_id}/end", data={"csrf": token})
    ).status_code == 303
    assert await stock_row(session, own, tea) == (30, 0)
    await session.commit()
    items = csv_rows((await client.get("/hq/campaigns.csv?table=flash_sales")).text)
    assert {(r["state"], r["returned"]) for r in items} == {("已结束", "10")}
    assert (
        await client.post(f"/hq/campaigns/group-buys/{deal_id}/stop", data={"csrf": token})
    ).status_code == 303
    deals = csv_rows((await client.get("/hq/campaigns.csv?table=group_buys")).text)
    assert deals[0]["state"] == "已停止"


async def test_distribution_settings_and_withdrawals_on_the_distribution_page(app, client, session):
    merchant = await create_merchant(session)
    store = await create_store(session, merchant_id=merchant.id, name_zh="分销门店")
    tea = await create_sku(session, price=40_000)
    await put_stock(session, store, tea, 10)
    hq_staff = await create_staff(session, ["hq_admin"])
    cashier_staff = await create_staff(session, ["cashier"], [store])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    referrer, buyer = await create_member(session, name="张三丰"), await create_member(session)
    await session.commit()
    cashier = bearer(await staff_token(client, cashier_staff))
    referrer_h = bearer(await member_token(client, app, referrer.phone))
    buyer_h = bearer(await member_token(client, app, buyer.phone))
    code = (await client.post("/api/v1/distribution/me", headers=referrer_h)).json()["code"]
    assert (
        await client.post("/api/v1/distribution/bind", json={"code": code}, headers=buyer_h)
    ).status_code == 201

    await hq_login(client, hq_staff)
    token = await csrf_of(client, "/hq/distribution")
    settings = {
        "csrf": token,
        "levels": "1",
        "level1": "5",
        "level2": "0",
        "level3": "0",
        "min_withdrawal": "1",
    }
    bad = await client.post("/hq/distribution/settings", data={**settings, "level1": "80", "enabled": "true"})
    assert bad.status_code == 422 and "一级佣金应在 0 到 50 之间" in bad.text
    assert (
        await client.post("/hq/distribution/settings", data={**settings, "enabled": "true"})
    ).status_code == 303
    api = (
        await client.get("/api/v1/distribution/settings", headers=bearer(await staff_token(client, hq_staff)))
    ).json()
    assert (api["levels"], api["level1_bp"], api["min_withdrawal"], api["enabled"]) == (1, 500, 100, True)

    await till_sale(client, cashier, store, [(tea, 1)], member_id=buyer.id)
    await sync_commissions(app.state.db, utcnow())
    await sync_commissions(app.state.db, utcnow() + timedelta(days=8))
    ids = []
    for account in ("微信零钱", "招商银行 6225"):
        r = await client.post(
            "/api/v1/distribution/me/withdrawals",
            json={"amount": 1000, "account": account},
            headers=referrer_h,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    page = await client.get("/hq/distribution")
    assert referrer.phone not in page.text and "张三丰" not in page.text and referrer.phone[-4:] in page.text
    assert (
        await client.post(f"/hq/distribution/withdrawals/{ids[0]}/reject", data={"csrf": token})
    ).status_code == 303
    assert (
        await client.post(f"/hq/distribution/withdrawals/{ids[1]}/approve", data={"csrf": token})
    ).status_code == 303
    again = await client.post(f"/hq/distribution/withdrawals/{ids[1]}/reject", data={"csrf": token})
    assert again.status_code == 409
    mine = (await client.get("/api/v1/distribution/me", headers=referrer_h)).json()
    assert (mine["available"], mine["pending_withdrawal"], mine["withdrawn"]) == (1000, 0, 1000)
    rows = {
        r["id"]: r["status"]
        for r in csv_rows((await client.get("/hq/distribution.csv?table=withdrawals")).text)
    }
    assert rows == {str(ids[0]): "已拒绝", str(ids[1]): "已打款"}
    by_store = csv_rows((await client.get("/hq/distribution.csv?table=store_commissions")).text)
    assert [(r["store"], r["base"], r["settled"]) for r in by_store] == [("分销门店", "400.00", "20.00")]
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/distribution")
    page = await client.get("/hq/distribution")
    assert page.status_code == 200 and "提现申请" not in page.text and "分销门店" in page.text
    assert (
        await client.post(f"/hq/distribution/withdrawals/{ids[0]}/approve", data={"csrf": token})
    ).status_code == 403
    assert (
        await client.post("/hq/distribution/settings", data={**settings, "csrf": token})
    ).status_code == 403
