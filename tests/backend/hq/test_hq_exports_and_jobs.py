"""The dashboard's tables export as CSV (scoped like the page), a running job's progress shows on the jobs
page, and HQ edits a knowledge-base answer the assistant then gives."""

from __future__ import annotations

import asyncio
import csv
import io

from backend.core.jobs import LIVE_PROGRESS, Job, report_progress, run_job
from tests.backend.distribution.factories import till_sale
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_merchant, create_sku, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_dashboard_tables_export_within_the_users_stores(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="自家店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="别家店")
    tea = await create_sku(session, price=2_500)
    await put_stock(session, own, tea, 10)
    await put_stock(session, other, tea, 10)
    for store in (own, other):
        cashier = await staff(client, session, ["cashier"], [store])
        await till_sale(client, cashier, store, [(tea, 2 if store is own else 3)])
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()

    await hq_login(client, hq)
    assert "/hq/dashboard.csv?table=ranking" in (await client.get("/hq")).text
    ranking = csv_rows((await client.get("/hq/dashboard.csv?table=ranking&period=day&by=store")).text)
    assert [(r["label"], r["sales"], r["orders"]) for r in ranking] == [
        ("别家店", "75.00", "1"),
        ("自家店", "50.00", "1"),
    ]
    kpis = {r["key"]: r for r in csv_rows((await client.get("/hq/dashboard.csv?table=kpis&period=day")).text)}
    assert (
        kpis["sales"]["value"] == "12500"
        and kpis["orders"]["value"] == "2"
        and kpis["sales"]["previous"] == "0"
    )
    stock = {r["name_zh"]: r for r in csv_rows((await client.get("/hq/dashboard.csv?table=stock")).text)}
    assert stock["自家店"]["units"] == "8" and stock["别家店"]["units"] == "7"
    assert (await client.get("/hq/dashboard.csv?table=nope")).status_code == 422
    token = await csrf_of(client, "/hq")
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, admin)
    ranking = csv_rows((await client.get("/hq/dashboard.csv?table=ranking&period=day&by=store")).text)
    assert [r["label"] for r in ranking] == ["自家店"]
    assert [r["name_zh"] for r in csv_rows((await client.get("/hq/dashboard.csv?table=stock")).text)] == [
        "自家店"
    ]


async def test_the_jobs_page_shows_a_running_jobs_progress(app, client, session, settings):
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    halfway, release = asyncio.Event(), asyncio.Event()

    async def steps(db, _settings):  # type: ignore[no-untyped-def]
        report_progress("forecast", 2, 4)
        halfway.set()
        await release.wait()
        report_progress("transfers", 4, 4)
        return {"series": 3}

    task = asyncio.create_task(run_job(app.state.db, settings, Job("test.plan", 60, steps)))
    await asyncio.wait_for(halfway.wait(), timeout=10)
    await hq_login(client, hq)
    runs = csv_rows((await client.get("/hq/jobs.csv?table=runs")).text)
    row = next(r for r in runs if r["name"] == "test.plan")
    assert row["status"] == "运行中" and row["progress"] == "forecast 2/4（50%）"
    assert "forecast 2/4（50%）" in (await client.get("/hq/jobs")).text
    release.set()
    record = await task
    assert record.status == "ok" and record.id not in LIVE_PROGRESS
    row = next(
        r for r in csv_rows((await client.get("/hq/jobs.csv?table=runs")).text) if r["name"] == "test.plan"
    )
    assert (
        row["status"] == "成功" and row["progress"] == "transfers 4/4（100%）" and row["result"] == "series=3"
    )


async def test_hq_edits_a_knowledge_base_answer(client, session):
    hq = await create_staff(session, ["hq_admin"])
    merchant = await create_merchant(session)
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=merchant.id)
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/assistant")
    added = {
        "csrf": token,
        "question_zh": "可以开发票吗",
        "answer_zh": "可以，在订单详情页申请。",
        "question_en": "can i get an invoice",
        "answer_en": "Yes, on the order page.",
        "keywords": "发票 invoice",
    }
    assert (await client.post("/hq/assistant/faq", data=added)).status_code == 303
    faq_id = (await client.post("/api/v1/assistant/chat", json={"message": "发票能开吗"})).json()[
        "grounding"
    ]["faq_id"]
    empty = await client.post("/hq/assistant/faq-edits", data={"csrf": token, "faq_id": faq_id})
    assert empty.status_code == 422 and "请至少填写一项要修改的内容" in empty.text
    edit = {
        "csrf": token,
        "faq_id": faq_id,
        "answer_zh": "可以，电子发票在“我的订单”里申请，一般两小时内开出。",
    }
    assert (await client.post("/hq/assistant/faq-edits", data=edit)).status_code == 303
    reply = (await client.post("/api/v1/assistant/chat", json={"message": "发票能开吗"})).json()
    assert "两小时内开出" in reply["answer"]
    missing = await client.post("/hq/assistant/faq-edits", data={**edit, "faq_id": 999_999})
    assert missing.status_code == 404
    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/assistant")
    assert "修改知识" not in (await client.get("/hq/assistant")).text
    assert (await client.post("/hq/assistant/faq-edits", data={**edit, "csrf": token})).status_code == 403
