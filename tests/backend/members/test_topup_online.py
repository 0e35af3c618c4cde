"""Online stored-value top-up: the member pays through the sandbox gateway and the wallet is credited only
when the payment is confirmed, once, with the bonus, a ledger row per move and an audit entry."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.members.models import MemberWallet, StoredValueEntry, TopupBonus
from tests.factories import bearer, create_member, member_token

API = "/api/v1"


async def _member(client, app, session):  # type: ignore[no-untyped-def]
    member = await create_member(session)
    await session.commit()
    return member.id, bearer(await member_token(client, app, member.phone))


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def _confirm(client, pay_url: str) -> None:  # type: ignore[no-untyped-def]
    """What the member does on the gateway's pay page: press confirm."""
    path = pay_url.split("/api/v1", 1)[1]
    response = await client.post(f"{API}{path}/confirm")
    assert response.status_code == 200, response.text


async def _balance(session, member_id: int) -> int:  # type: ignore[no-untyped-def]
    held = await session.get(MemberWallet, member_id, populate_existing=True)
    value = held.stored_value if held else 0
    await session.commit()  # end the read, so the app's next write does not wait on it
    return value


async def test_a_top_up_is_credited_with_its_bonus_only_once_the_gateway_confirms(client, app, session):
    session.add(TopupBonus(min_amount=50000, bonus=5000))
    member_id, headers = await _member(client, app, session)
    key = _key()
    response = await client.post(
        f"{API}/members/me/topups", json={"amount": 50000}, headers={**headers, **key}
    )
    assert response.status_code == 201, response.text
    opened = response.json()
    assert opened["status"] == "pending" and opened["bonus"] == 5000 and opened["payment_id"]
    assert "/sandbox/pay/" in opened["pay_url"] and opened["qr_payload"]
    # Nothing is credited before the payment is confirmed.
    assert await _balance(session, member_id) == 0
    again = await client.post(f"{API}/members/me/topups", json={"amount": 50000}, headers={**headers, **key})
    assert again.status_code == 201 and again.json()["id"] == opened["id"]
    assert again.json()["payment_id"] == opened["payment_id"]

    await _confirm(client, opened["pay_url"])
    synced = await client.post(f"{API}/payments/{opened['payment_id']}/sync", headers=headers)
    assert synced.json()["status"] == "succeeded", synced.text
    # A second look at the gateway (or its repeated notification) changes nothing.
    await client.post(f"{API}/payments/{opened['payment_id']}/sync", headers=headers)

    done = (await client.get(f"{API}/members/me/topups/{opened['id']}", headers=headers)).json()
    assert done["status"] == "paid" and done["balance_after"] == 55000 and done["paid_at"]
    assert done["pay_url"] is None
    assert await _balance(session, member_id) == 55000
    entries = list(
        await session.scalars(
            select(StoredValueEntry)
            .where(StoredValueEntry.member_id == member_id)
            .order_by(StoredValueEntry.id)
        )
    )
    assert [(e.kind, e.delta, e.ref_type, e.ref_id) for e in entries] == [
        ("topup", 50000, "stored_value_topup", str(opened["id"])),
        ("bonus", 5000, "stored_value_topup", str(opened["id"])),
    ]
    [audit] = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "stored_value.topup")))
    assert audit.entity_id == str(member_id) and audit.after["tender"] == "online"
    assert audit.after["amount"] == 50000 and audit.after["bonus"] == 5000
    await session.commit()

    # The same key replays the paid top-up; it opens no second payment and credits nothing more.
    replay = await client.post(f"{API}/members/me/topups", json={"amount": 50000}, headers={**headers, **key})
    assert replay.json()["id"] == opened["id"] and replay.json()["status"] == "paid"
    assert await _balance(session, member_id) == 55000
    # A paid top-up cannot be paid again through the payments API.
    body = {"ref_type": "stored_value_topup", "ref_id": str(opened["id"]), "provider": "sandbox"}
    refused = await client.post(f"{API}/payments", json=body, headers=headers)
    assert refused.status_code == 409 and refused.json()["error"] == "invalid_state"


async def test_top_up_refusals_are_clear(client, app, session, settings):
    _member_id, headers = await _member(client, app, session)
    other_id, other = await _member(client, app, session)
    small = await client.post(f"{API}/members/me/topups", json={"amount": 50}, headers={**headers, **_key()})
    assert small.status_code == 422
    too_much = settings.stored_value_max_balance + 100
    over = await client.post(
        f"{API}/members/me/topups", json={"amount": too_much}, headers={**headers, **_key()}
    )
    assert over.status_code == 409 and over.json()["error"] == "balance_limit"
    no_key = await client.post(f"{API}/members/me/topups", json={"amount": 1000}, headers=headers)
    assert no_key.status_code == 422

    key = _key()
    mine = (
        await client.post(f"{API}/members/me/topups", json={"amount": 1000}, headers={**headers, **key})
    ).json()
    reused = await client.post(f"{API}/members/me/topups", json={"amount": 2000}, headers={**headers, **key})
    assert reused.status_code == 409 and reused.json()["error"] == "idempotency_key_reused"
    # Another member can neither see the top-up nor pay it.
    assert (await client.get(f"{API}/members/me/topups/{mine['id']}", headers=other)).status_code == 404
    body = {"ref_type": "stored_value_topup", "ref_id": str(mine["id"]), "provider": "sandbox"}
    assert (await client.post(f"{API}/payments", json=body, headers=other)).status_code == 404
    assert other_id != _member_id
