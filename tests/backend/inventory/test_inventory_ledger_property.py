"""Random sequences of every stock movement keep the books: on_hand and reserved equal the ledger sums,
batches add up to on_hand, nothing is ever negative, after every step."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from backend.auth.principal import Principal
from backend.core.db import Database
from backend.core.errors import RetailError
from backend.core.time import utcnow
from backend.inventory import schemas, stock
from backend.inventory.service import documents, stocktakes
from tests.factories import create_sku, create_store

HQ = Principal(kind="staff", id=1, roles=frozenset({"hq_admin"}), store_ids=None)
_refs = itertools.count(1)

store_ix = st.integers(0, 1)
sku_ix = st.integers(0, 1)
qty = st.integers(1, 6)
batch = st.sampled_from([None, ("A", 20), ("B", 3), ("", 9)])

ops = st.one_of(
    st.tuples(st.just("receive"), store_ix, sku_ix, qty, batch),
    st.tuples(
        st.just("reserve"), store_ix, st.lists(st.tuples(sku_ix, qty), min_size=1, max_size=2), st.booleans()
    ),
    st.tuples(st.just("release"), st.integers(0, 20)),
    st.tuples(st.just("fulfil"), st.integers(0, 20)),
    st.tuples(st.just("expire")),
    st.tuples(st.just("sell"), store_ix, sku_ix, qty, st.booleans()),
    st.tuples(st.just("transfer"), store_ix, sku_ix, qty, st.integers(0, 2)),
    st.tuples(st.just("stocktake"), store_ix, sku_ix, st.integers(0, 8)),
    st.tuples(st.just("adjust"), store_ix, sku_ix, st.integers(-4, 4).filter(bool)),
    st.tuples(st.just("return"), store_ix, sku_ix, qty, st.booleans()),
)


async def _step(s: Any, op: tuple[Any, ...], stores: list[int], skus: list[int], refs: list[str]) -> None:
    kind = op[0]
    if kind == "receive":
        _, si, ki, n, b = op
        batch_no, days = b if b else (None, None)
        expires = date.today() + timedelta(days=days) if days is not None else None
        await stock.receive(
            s, stores[si], skus[ki], n, ref_type="receipt", ref_id="p", batch_no=batch_no, expires_on=expires
        )
    elif kind == "reserve":
        _, si, lines, past = op
        ref = f"P{next(_refs)}"
        due = utcnow() + (timedelta(seconds=-1) if past else timedelta(minutes=10))
        await stock.reserve(s, stores[si], [(skus[k], n) for k, n in lines], "order", ref, due)
        refs.append(ref)
    elif kind in ("release", "fulfil"):
        if refs:
            ref = refs[op[1] % len(refs)]
            await (
                stock.release(s, "order", ref, "cancelled")
                if kind == "release"
                else stock.fulfil(s, "order", ref)
            )
    elif kind == "expire":
        await stock.release_expired(s, utcnow())
    elif kind == "sell":
        _, si, ki, n, offline = op
        await stock.sell(s, stores[si], [(skus[ki], n)], "pos", f"S{next(_refs)}", allow_shortfall=offline)
    elif kind == "transfer":
        _, si, ki, n, short = op
        body = schemas.TransferCreate(
            from_store_id=stores[si],
            to_store_id=stores[1 - si],
            lines=[schemas.TransferLineIn(sku_id=skus[ki], quantity=n)],
        )
        transfer = await documents.create_transfer(s, HQ, body, None)
        await documents.transfer_action(s, HQ, transfer.id, "approve")
        await documents.transfer_action(s, HQ, transfer.id, "ship")
        lines = (
            [schemas.TransferReceiveLine(sku_id=skus[ki], received=max(n - short, 0), reason="破损")]
            if short
            else []
        )
        await documents.transfer_action(s, HQ, transfer.id, "receive", schemas.TransferReceive(lines=lines))
    elif kind == "stocktake":
        _, si, ki, counted = op
        take = await stocktakes.create_stocktake(s, HQ, schemas.StocktakeCreate(store_id=stores[si]), None)
        if counted:
            await stocktakes.scan(s, HQ, take.id, schemas.ScanIn(sku_id=skus[ki], quantity=counted))
        await stocktakes.stocktake_action(s, HQ, take.id, "submit")
        await stocktakes.stocktake_action(s, HQ, take.id, "post")
    elif kind == "adjust":
        _, si, ki, delta = op
        await stock.adjust(s, stores[si], skus[ki], delta, "property test", HQ)
    elif kind == "return":
        _, si, ki, n, dated = op
        expires = date.today() + timedelta(days=15) if dated else None
        await stock.return_to_stock(
            s, stores[si], skus[ki], n, "return", f"R{next(_refs)}", batch_expires_on=expires
        )


async def _run(db: Database, sequence: list[tuple[Any, ...]]) -> None:
    async with db.sessionmaker() as s:
        stores = [(await create_store(s)).id, (await create_store(s)).id]
        skus = [(await create_sku(s)).id, (await create_sku(s)).id]
        await s.commit()
    refs: list[str] = []
    for op in sequence:
        async with db.sessionmaker() as s:
            try:
                await _step(s, op, stores, skus, refs)
                await s.commit()
            except RetailError:
                await s.rollback()
        async with db.read_sessionmaker() as s:
            for store_id in stores:
                assert await stock.check_ledger_invariant(s, store_id) == [], op


def _explore(url: str) -> None:
    """Hypothesis drives the examples synchronously; they run on this thread's own event loop."""
    loop = asyncio.new_event_loop()
    db = Database(url, pool_size=2)

    @hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(sequence=st.lists(ops, min_size=1, max_size=20))
    def check(sequence: list[tuple[Any, ...]]) -> None:
        loop.run_until_complete(_run(db, sequence))

    try:
        check()
    finally:
        loop.run_until_complete(db.dispose())
        loop.close()


async def test_random_movements_keep_the_ledger_invariant(app, settings):
    await asyncio.to_thread(_explore, settings.database_url)
