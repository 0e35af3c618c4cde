"""The stock primitives other domains call, at service level, on the app's real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backend.core.events import Event
from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory import stock
from backend.inventory.errors import OutOfStock, ReservationNotActive
from backend.inventory.models import Reservation, StockAlert, StockBatch, StockMovement
from tests.backend.inventory.factories import put_stock
from tests.factories import create_sku, create_store


async def levels(session, store_id, sku_id):
    row = await repo.get_stock(session, store_id, sku_id)
    return (row.on_hand, row.reserved) if row else (0, 0)


async def test_reserve_then_fulfil_consumes_batches_fefo(app, session):
    store = await create_store(session)
    sku = await create_sku(session)
    today = date.today()
    await put_stock(session, store, sku, 5, batch_no="LATE", expires_on=today + timedelta(days=60))
    await put_stock(session, store, sku, 3)  # untracked batch, no expiry: goes last
    await put_stock(session, store, sku, 4, batch_no="SOON", expires_on=today + timedelta(days=5))
    await session.commit()

    due = utcnow() + timedelta(minutes=15)
    reservations = await stock.reserve(session, store.id, [(sku.id, 6)], "order", "O1", due)
    assert [r.quantity for r in reservations] == [6] and reservations[0].status == "active"
    assert await levels(session, store.id, sku.id) == (12, 6)
    assert await repo.available(session, store.id, sku.id) == 6

    done = await stock.fulfil(session, "order", "O1")
    assert [r.status for r in done] == ["fulfilled"]
    assert await levels(session, store.id, sku.id) == (6, 0)
    batches = {b.batch_no: b.quantity for b in await repo.list_batches(session, store.id, include_empty=True)}
    assert batches == {"SOON": 0, "LATE": 3, "": 3}
    assert await stock.fulfil(session, "order", "O1") == []  # idempotent
    assert await levels(session, store.id, sku.id) == (6, 0)
    assert await stock.check_ledger_invariant(session) == []
    await session.commit()


async def test_reserve_is_all_or_nothing_across_lines(app, session):
    store = await create_store(session)
    a, b, c = await create_sku(session), await create_sku(session), await create_sku(session)
    await put_stock(session, store, a, 5)
    await put_stock(session, store, b, 1)
    await session.commit()
    with pytest.raises(OutOfStock) as err:
        await stock.reserve(session, store.id, [(a.id, 2), (b.id, 3), (c.id, 1)], "order", "O2", utcnow())
    lines = {line["sku_id"]: line for line in err.value.detail["lines"]}
    assert lines[b.id] == {"sku_id": b.id, "requested": 3, "available": 1}
    assert lines[c.id]["available"] == 0 and a.id not in lines
    # Nothing of line a stays reserved even though the caller keeps the session.
    assert await levels(session, store.id, a.id) == (5, 0)
    assert await session.scalar(select(func.count()).select_from(Reservation)) == 0
    assert await stock.check_ledger_invariant(session) == []


async def test_duplicate_lines_are_merged_and_bad_quantities_refused(app, session):
    from backend.core.errors import ValidationFailed

    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    with pytest.raises(OutOfStock):
        await stock.reserve(session, store.id, [(sku.id, 3), (sku.id, 3)], "order", "O3", utcnow())
    with pytest.raises(ValidationFailed):
        await stock.reserve(session, store.id, [(sku.id, 0)], "order", "O3", utcnow())
    res = await stock.reserve(session, store.id, [(sku.id, 2), (sku.id, 3)], "order", "O3", utcnow())
    assert [r.quantity for r in res] == [5]
    again = await stock.reserve(session, store.id, [(sku.id, 2)], "order", "O3", utcnow())
    assert [r.id for r in again] == [r.id for r in res]
    assert await levels(session, store.id, sku.id) == (5, 5)


async def test_release_twice_releases_once(app, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 4)
    await stock.reserve(session, store.id, [(sku.id, 3)], "order", "O4", utcnow() + timedelta(minutes=5))
    released = await stock.release(session, "order", "O4", "cancelled")
    assert [r.status for r in released] == ["released"]
    assert await stock.release(session, "order", "O4", "cancelled") == []
    assert await levels(session, store.id, sku.id) == (4, 0)
    with pytest.raises(ReservationNotActive):
        await stock.fulfil(session, "order", "O4")
    assert await stock.check_ledger_invariant(session) == []


async def test_sweeper_expires_due_reservations_and_stock_comes_back(app, session):
    from backend.inventory.tasks import expire_reservations

    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 3)
    await stock.reserve(session, store.id, [(sku.id, 2)], "order", "late", utcnow() - timedelta(seconds=1))
    await stock.reserve(session, store.id, [(sku.id, 1)], "order", "fresh", utcnow() + timedelta(minutes=10))
    await session.commit()
    assert await expire_reservations(app.state.db) == 1
    assert await levels(session, store.id, sku.id) == (3, 1)
    statuses = dict((await session.execute(select(Reservation.ref_id, Reservation.status))).all())
    assert statuses == {"late": "expired", "fresh": "active"}
    await session.commit()
    assert await expire_reservations(app.state.db) == 0
    with pytest.raises(ReservationNotActive):
        await stock.fulfil(session, "order", "late")
    assert await stock.check_ledger_invariant(session) == []


async def test_sell_is_conditional_and_replay_safe(app, session):
    store = await create_store(session)
    a, b = await create_sku(session), await create_sku(session)
    await put_stock(session, store, a, 3)
    await put_stock(session, store, b, 1)
    await stock.reserve(session, store.id, [(a.id, 2)], "order", "held", utcnow() + timedelta(minutes=5))
    with pytest.raises(OutOfStock) as err:
        await stock.sell(session, store.id, [(a.id, 2), (b.id, 1)], "pos", "T1")
    assert err.value.detail["lines"] == [{"sku_id": a.id, "requested": 2, "available": 1}]
    assert await levels(session, store.id, b.id) == (1, 0)
    sold = await stock.sell(session, store.id, [(a.id, 1), (b.id, 1)], "pos", "T1")
    assert [(s.sold, s.shortfall) for s in sold] == [(1, 0), (1, 0)]
    replay = await stock.sell(session, store.id, [(a.id, 1), (b.id, 1)], "pos", "T1")
    assert [(s.sku_id, s.sold) for s in replay] == [(a.id, 1), (b.id, 1)]
    assert await levels(session, store.id, a.id) == (2, 2)
    assert await levels(session, store.id, b.id) == (0, 0)
    assert await stock.check_ledger_invariant(session) == []


async def test_offline_sale_with_shortfall_never_goes_negative(app, session):
    store = await create_store(session)
    sku = await create_sku(session)
    missing = await create_sku(session)
    await put_stock(session, store, sku, 3)
    await stock.reserve(session, store.id, [(sku.id, 1)], "order", "held", utcnow() + timedelta(minutes=5))
    sold = await stock.sell(
        session, store.id, [(sku.id, 5), (missing.id, 2)], "pos", "OFF1", allow_shortfall=True
    )
    assert [(s.sold, s.shortfall) for s in sold] == [(2, 3), (0, 2)]
    assert await levels(session, store.id, sku.id) == (1, 1)
    assert await levels(session, store.id, missing.id) == (0, 0)
    kinds = (await session.scalars(select(StockMovement.kind).where(StockMovement.ref_id == "OFF1"))).all()
    assert sorted(kinds) == ["sale", "shortfall", "shortfall"]
    await session.flush()
    alerts = (await session.scalars(select(StockAlert).where(StockAlert.kind == "shortfall"))).all()
    assert sorted(a.quantity for a in alerts) == [2, 3]
    assert await stock.check_ledger_invariant(session) == []


async def test_adjust_receive_and_return_into_any_store(app, session):
    from backend.auth.principal import Principal
    from backend.core.audit import AuditEntry

    store, other = await create_store(session), await create_store(session)
    sku = await create_sku(session)
    manager = Principal(
        kind="staff", id=7, roles=frozenset({"store_manager"}), store_ids=frozenset({store.id})
    )
    await put_stock(session, store, sku, 2)
    await stock.adjust(session, store.id, sku.id, 3, "found in back room", manager)
    await stock.adjust(session, store.id, sku.id, -4, "damaged", manager)
    with pytest.raises(OutOfStock):
        await stock.adjust(session, store.id, sku.id, -2, "damaged", manager)
    assert await levels(session, store.id, sku.id) == (1, 0)
    await session.flush()
    audits = (await session.scalars(select(AuditEntry).where(AuditEntry.entity == "stock"))).all()
    assert [a.after["delta"] for a in audits] == [3, -4] and audits[0].actor_id == 7

    expiry = date.today() + timedelta(days=30)
    await stock.return_to_stock(session, other.id, sku.id, 2, "return", "R1", batch_expires_on=expiry)
    await stock.return_to_stock(session, other.id, sku.id, 2, "return", "R1", batch_expires_on=expiry)
    assert await levels(session, other.id, sku.id) == (2, 0)
    batch = await session.scalar(select(StockBatch).where(StockBatch.store_id == other.id))
    assert batch.expires_on == expiry and batch.quantity == 2
    assert await stock.check_ledger_invariant(session) == []


async def test_stock_changes_emit_events_with_available(app, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 4)
    await stock.reserve(session, store.id, [(sku.id, 3)], "order", "E1", utcnow() + timedelta(minutes=5))
    await session.flush()
    events = (
        await session.scalars(
            select(Event).where(Event.topic == f"store:{store.id}:stock").order_by(Event.id)
        )
    ).all()
    changed = [e.payload for e in events if e.type == "stock.changed"]
    assert changed[-1] == {"sku_id": sku.id, "on_hand": 4, "reserved": 3, "available": 1}
    assert changed[0]["available"] == 4


async def test_ledger_check_catches_a_tampered_row(app, session):
    from sqlalchemy import update

    from backend.inventory.models import Stock

    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 4)
    assert await stock.check_ledger_invariant(session, store.id) == []
    await session.execute(update(Stock).where(Stock.store_id == store.id).values(on_hand=5))
    problems = await stock.check_ledger_invariant(session, store.id)
    assert problems and problems[0]["on_hand"] == 5 and problems[0]["ledger_on_hand"] == 4


async def test_background_sweeper_loop_gives_expired_units_back(app, session):
    import asyncio
    import contextlib

    from backend.inventory.tasks import run_sweeper

    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 2)
    await stock.reserve(session, store.id, [(sku.id, 2)], "order", "loop", utcnow() - timedelta(seconds=1))
    store_id, sku_id = store.id, sku.id
    await session.commit()
    task = asyncio.create_task(run_sweeper(app.state.db, interval_s=0.05))
    try:
        for _ in range(200):
            await asyncio.sleep(0.05)
            async with app.state.db.read_sessionmaker() as s:
                reserved = (await repo.get_stock(s, store_id, sku_id)).reserved
            if reserved == 0:
                break
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert reserved == 0
