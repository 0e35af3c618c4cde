"""The AI巡检 page: the latest audit's flags with their evidence, a franchisee seeing only their stores."""

from __future__ import annotations

from tests.backend.hq.factories import hq_login
from tests.backend.inspection.test_inspection_flags import API, END, _chain
from tests.factories import bearer, create_staff, staff_token


async def test_flags_show_with_evidence_and_stay_inside_the_merchant(client, session):
    merchants, stores, _ = await _chain(session)
    hq = await create_staff(session, roles=["hq_admin"])
    admin = await create_staff(session, roles=["franchisee_admin"], merchant_id=merchants[0].id)
    await session.commit()
    token = bearer(await staff_token(client, hq))
    run = await client.post(f"{API}/runs", json={"days": 30, "end": END.isoformat()}, headers=token)
    assert run.status_code == 200, run.text

    await hq_login(client, hq)
    page = await client.get("/hq/inspection")
    assert page.status_code == 200
    assert "退款率偏高" in page.text and "非营业时间收款偏多" in page.text and "现金占比偏低" in page.text
    assert stores[1].name_zh in page.text and "收银员" in page.text

    await client.post("/hq/logout", data={"csrf": page.text.split('name="csrf" value="')[1].split('"')[0]})
    await hq_login(client, admin)
    mine = await client.get("/hq/inspection")
    # Store 1 (refunds) belongs to the second merchant, store 2 (cash) to the first.
    assert stores[2].name_zh in mine.text and stores[1].name_zh not in mine.text
    assert "立即巡检" not in mine.text
