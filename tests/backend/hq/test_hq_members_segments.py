"""会员 page through HTTP: RFM segments and sleeping members (masked) from the score_members job, a
reactivation campaign started on the page issuing coupons, and its response when a member comes back.
A franchisee sees only their stores' members and cannot start campaigns."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from backend.core.time import utcnow
from backend.intelligence.tasks import score_members
from tests.backend.distribution.factories import till_sale
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.intelligence.factories import sale
from tests.backend.marketing.factories import create_template
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_member, create_merchant, create_sku, create_staff, create_store


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_segments_sleeping_members_and_a_reactivation_campaign(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id)
    other = await create_store(session, merchant_id=theirs.id)
    sku = await create_sku(session, price=3_000)
    await put_stock(session, own, sku, 10)
    regular = await create_member(session, home_store_id=own.id, name="常客甲")
    lapsed = await create_member(session, home_store_id=own.id, name="沉睡乙")
    gone = await create_member(session, home_store_id=other.id, name="别家丙")
    now = utcnow()
    for week in range(10):
        await sale(
            session, sku, now - timedelta(days=2 + 7 * week), member_id=regular.id, store=own, amount=5000
        )
    for member in (lapsed, gone):
        for week in range(6):
            await sale(
                session, sku, now - timedelta(days=90 + 7 * week), member_id=member.id, store=own, amount=8000
            )
    template = await create_template(session, name_zh="回归礼券", per_member_limit=1, total_quantity=10)
    hq = await create_staff(session, ["hq_admin"])
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    assert (await score_members(session))["sleeping"] == 2
    await session.commit()

    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/members")
    page = await client.get("/hq/members")
    assert page.status_code == 200 and "RFM 会员分群" in page.text and "发起唤醒活动" in page.text
    assert lapsed.phone not in page.text and "沉睡乙" not in page.text
    segments = {r["segment"]: r for r in csv_rows((await client.get("/hq/members.csv?table=segments")).text)}
    assert {k: (v["members"], v["sleeping"]) for k, v in segments.items()} == {
        "重要价值": ("1", "0"),
        "沉睡": ("2", "2"),
    }
    sleeping = csv_rows((await client.get("/hq/members.csv?table=sleeping")).text)
    assert sorted(r["id"] for r in sleeping) == sorted([str(lapsed.id), str(gone.id)])
    assert all("*" in r["phone"] and r["phone"] not in (lapsed.phone, gone.phone) for r in sleeping)

    form = {"csrf": token, "name": "沉睡唤醒", "audience": "sleeping", "template_id": str(template.id)}
    nobody = await client.post("/hq/members/campaigns", data={**form, "audience": "segment:general_develop"})
    assert nobody.status_code == 400 and "没有符合条件的会员" in nobody.text
    started = await client.post("/hq/members/campaigns", data=form)
    assert started.status_code == 303, started.text[:300]
    cashier = await staff(client, session, ["cashier"], [own])
    await till_sale(client, cashier, own, [(sku, 1)], member_id=lapsed.id)
    campaigns = csv_rows((await client.get("/hq/members.csv?table=campaigns")).text)
    assert [(c["name"], c["audience"], c["coupon"], c["targets"], c["issued"]) for c in campaigns] == [
        ("沉睡唤醒", "沉睡会员", "回归礼券", "2", "2")
    ]
    assert (campaigns[0]["responders"], campaigns[0]["orders"], campaigns[0]["revenue"]) == (
        "1",
        "1",
        "30.00",
    )
    await client.post("/hq/logout", data={"csrf": token})

    await hq_login(client, admin)
    token = await csrf_of(client, "/hq/members")
    page = await client.get("/hq/members")
    assert "发起唤醒活动" not in page.text and "唤醒活动效果" not in page.text
    sleeping = csv_rows((await client.get("/hq/members.csv?table=sleeping")).text)
    assert [r["id"] for r in sleeping] == [str(lapsed.id)]
    segments = {
        r["segment"]: r["members"]
        for r in csv_rows((await client.get("/hq/members.csv?table=segments")).text)
    }
    assert segments == {"重要价值": "1", "沉睡": "1"}
    denied = await client.post("/hq/members/campaigns", data={**form, "csrf": token})
    assert denied.status_code == 403
