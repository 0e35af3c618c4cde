"""门店休息日 through HTTP: HQ records chain-wide and store closures and removes them; bad dates and
duplicates are explained on the page; a franchisee records only their own stores' days and is refused
another merchant's store and the whole chain."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from backend.core.audit import AuditEntry
from backend.stores.closures import local_today
from backend.stores.models import StoreClosure
from tests.backend.hq.factories import csrf_of, hq_login
from tests.e2e.browser import ARTIFACTS, chromium_available, open_browser
from tests.factories import PASSWORD, create_merchant, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def closures_of(session, store_id):  # type: ignore[no-untyped-def]
    rows = await session.scalars(
        select(StoreClosure).where(
            StoreClosure.store_id.is_(None) if store_id is None else StoreClosure.store_id == store_id
        )
    )
    days = sorted(r.day for r in rows)
    await session.commit()
    return days


async def test_hq_records_and_removes_closures_on_the_page(client, session):
    store = await create_store(session, name_zh="人民广场店")
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    today = local_today()
    spring = today + timedelta(days=30)

    await hq_login(client, hq)
    page = await client.get("/hq/closures")
    assert page.status_code == 200 and "门店休息日" in page.text and "还没有登记休息日" in page.text
    assert '<option value="all">全部门店</option>' in page.text
    token = await csrf_of(client, "/hq/closures")
    form = {
        "csrf": token,
        "store": "all",
        "start": spring.isoformat(),
        "end": (spring + timedelta(days=2)).isoformat(),
        "reason": "春节",
    }
    made = await client.post("/hq/closures", data=form)
    assert made.status_code == 303 and "已登记 3 天休息" in unquote(made.headers["location"])
    assert await closures_of(session, None) == [spring + timedelta(days=i) for i in range(3)]

    again = await client.post("/hq/closures", data=form)
    assert again.status_code == 409 and "这些日子已登记过休息" in again.text
    covered = await client.post(
        "/hq/closures", data={**form, "store": str(store.id), "end": "", "reason": "盘点"}
    )
    assert covered.status_code == 409 and "全部门店已在这些日子休息" in covered.text
    backwards = await client.post(
        "/hq/closures", data={**form, "store": str(store.id), "end": today.isoformat()}
    )
    assert backwards.status_code == 422 and "结束日期不能早于开始日期" in backwards.text
    garbled = await client.post("/hq/closures", data={**form, "store": str(store.id), "start": "明天"})
    assert garbled.status_code == 422 and "开始日期格式不正确" in garbled.text
    far = await client.post(
        "/hq/closures",
        data={**form, "store": str(store.id), "start": (today + timedelta(days=900)).isoformat(), "end": ""},
    )
    assert far.status_code == 422 and "天后之间的日子" in far.text

    stocktake = today + timedelta(days=3)
    own = await client.post(
        "/hq/closures", data={**form, "store": str(store.id), "start": stocktake.isoformat(), "end": ""}
    )
    assert own.status_code == 303
    assert await closures_of(session, store.id) == [stocktake]
    page = await client.get("/hq/closures")
    assert "人民广场店" in page.text and page.text.count("全部门店") >= 4
    rows = csv_rows((await client.get("/hq/closures.csv?table=closures")).text)
    assert [(r["day"], r["store"]) for r in rows] == [
        (stocktake.isoformat(), "人民广场店"),
        *[((spring + timedelta(days=i)).isoformat(), "全部门店") for i in range(3)],
    ]

    entry_id = await session.scalar(select(StoreClosure.id).where(StoreClosure.store_id == store.id))
    await session.commit()
    removed = await client.post(f"/hq/closures/{entry_id}/delete", data={"csrf": token})
    assert removed.status_code == 303
    assert await closures_of(session, store.id) == []
    logged = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "store_closure")
    )
    assert logged == 3  # two recorded, one removed


async def test_franchisee_closes_only_their_own_stores(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="自家店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="别家店")
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    day = local_today() + timedelta(days=7)

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/closures")
    made = await client.post(
        "/hq/closures", data={"csrf": token, "store": "all", "start": day.isoformat(), "reason": "中秋"}
    )
    assert made.status_code == 303
    chain_id = await session.scalar(select(StoreClosure.id).where(StoreClosure.store_id.is_(None)))
    await session.commit()
    day = day + timedelta(days=1)
    made = await client.post(
        "/hq/closures",
        data={"csrf": token, "store": str(other.id), "start": day.isoformat(), "reason": "装修"},
    )
    assert made.status_code == 303
    other_id = await session.scalar(select(StoreClosure.id).where(StoreClosure.store_id == other.id))
    await session.commit()
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, admin)
    page = await client.get("/hq/closures")
    assert page.status_code == 200
    assert "自家店" in page.text and "别家店" not in page.text and 'value="all"' not in page.text
    # the chain's day shows, without a delete button for a franchisee
    assert "全部门店" in page.text and f"/hq/closures/{chain_id}/delete" not in page.text
    token = await csrf_of(client, "/hq/closures")
    foreign = await client.post(
        "/hq/closures", data={"csrf": token, "store": str(other.id), "start": day.isoformat(), "reason": "x"}
    )
    assert foreign.status_code == 403 and "只能登记自家门店的休息日" in foreign.text
    whole = await client.post(
        "/hq/closures", data={"csrf": token, "store": "all", "start": day.isoformat(), "reason": "x"}
    )
    assert whole.status_code == 403 and "只有总部可以登记全部门店的休息日" in whole.text
    assert (await client.post(f"/hq/closures/{chain_id}/delete", data={"csrf": token})).status_code == 403
    assert (await client.post(f"/hq/closures/{other_id}/delete", data={"csrf": token})).status_code == 403
    assert await closures_of(session, other.id) == [day]

    mine_made = await client.post(
        "/hq/closures", data={"csrf": token, "store": str(own.id), "start": day.isoformat(), "reason": "盘点"}
    )
    assert mine_made.status_code == 303
    assert await closures_of(session, own.id) == [day]
    rows = csv_rows((await client.get("/hq/closures.csv?table=closures")).text)
    assert sorted(r["store"] for r in rows) == ["全部门店", "自家店"]


@pytest.mark.e2e
@pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")
async def test_closures_page_in_chromium(live_server, session, test_db):
    store = await create_store(session, name_zh="人民广场店")
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    start = local_today() + timedelta(days=12)
    shot = ARTIFACTS / f"hq-closures-{test_db.kind}.png"

    def browse() -> list[str]:
        with open_browser(viewport={"width": 1366, "height": 900}) as context:
            page = context.new_page()
            page.goto(live_server.url + "/hq")
            page.get_by_label("用户名").fill(hq.username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(live_server.url + "/hq")
            page.get_by_role("link", name="门店休息日").click()
            page.get_by_label("门店").select_option("all")
            page.get_by_label("从").fill(start.isoformat())
            page.get_by_label("到（含，可空）").fill((start + timedelta(days=2)).isoformat())
            page.get_by_label("原因").fill("春节")
            page.get_by_role("button", name="登记").click()
            page.get_by_label("门店").select_option(str(store.id))
            page.get_by_label("从").fill((start - timedelta(days=5)).isoformat())
            page.get_by_label("原因").fill("盘点")
            page.get_by_role("button", name="登记").click()
            page.wait_for_selector("text=已登记 1 天休息")
            page.screenshot(path=str(shot), full_page=True)
            return page.locator('[data-table="closures"] tbody tr').all_inner_texts()

    rows = await asyncio.to_thread(browse)
    assert len(rows) == 4 and "人民广场店" in rows[0] and all("春节" in r for r in rows[1:])
