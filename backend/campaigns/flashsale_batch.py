"""The flash-sale fast path: grouped commits per hot item.

A stampede on one item must not cost one database round trip per buyer. Each backend process keeps a
batcher per item: buy requests that arrive while the previous batch is committing wait in a queue, and
the next batch applies all of them in ONE transaction:

1. the batch's sign-ins are checked against revocation in one query;
2. members who already hold a live claim get it back (a repeated buy is answered, never doubled);
3. one conditional UPDATE takes ``min(wanted, pool − sold)`` units from the pool (the WHERE clause
   carries the rule, so several processes batching independently can never oversell);
4. one multi-row INSERT writes the claims; the unique live-claim key (item, member) refuses a member
   who won a claim in another process at the same moment, and those units go straight back.

Each request is answered only after its batch has committed, so nothing acknowledged is lost if the
process is killed; a request whose batch died is retried by the client and finds its claim or none.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import AuthSession
from backend.campaigns.errors import FlashItemNotFound, FlashNotLive, FlashSoldOut, MemberLimitReached
from backend.campaigns.models import ClaimStatus, FlashClaim, FlashItem
from backend.core.db import Database
from backend.core.errors import TokenInvalid
from backend.core.events import Event
from backend.core.time import as_utc, utcnow

# How long a claim waits for its payment before its units go back to the pool.
CLAIM_MINUTES = 5
# Most requests one transaction applies; more wait for the next batch.
MAX_BATCH = 500
# How long item facts (price, limit, window) are trusted for the checks made before the database.
ITEM_TTL_S = 1.0
LIVE = (ClaimStatus.HELD, ClaimStatus.PAID)


@dataclass(slots=True)
class Buy:
    member_id: int
    session_id: str
    quantity: int
    future: asyncio.Future[dict[str, Any]] = field(repr=False)


@dataclass(frozen=True, slots=True)
class ItemFacts:
    id: int
    price: int
    per_member_limit: int
    starts_at: datetime
    ends_at: datetime
    open: bool
    fetched: float


def _answer(buy: Buy, result: dict[str, Any] | BaseException) -> None:
    if buy.future.done():
        return
    if isinstance(result, BaseException):
        buy.future.set_exception(result)
    else:
        buy.future.set_result(result)


def _claim_dict(row: Any, repeat: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "item_id": row.item_id,
        "member_id": row.member_id,
        "quantity": row.quantity,
        "amount": row.amount,
        "status": row.status,
        "pay_by": as_utc(row.pay_by),
        "order_id": row.order_id,
        "repeat": repeat,
    }


class FlashBatcher:
    """Per-item queues of buy requests in this process, each drained by one task, batch by batch."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._queues: dict[int, list[Buy]] = {}
        self._draining: set[int] = set()
        self._facts: dict[int, ItemFacts] = {}
        self._loading: dict[int, asyncio.Future[ItemFacts]] = {}
        self._insert = (sqlite.insert if db.is_sqlite else postgresql.insert)(FlashClaim)
        self.batches = 0

    async def facts(self, item_id: int) -> ItemFacts:
        """The item's facts, read at most once per ``ITEM_TTL_S`` however many requests ask at once."""
        known = self._facts.get(item_id)
        if known is not None and time.monotonic() - known.fetched < ITEM_TTL_S:
            return known
        loading = self._loading.get(item_id)
        if loading is None:
            loading = asyncio.ensure_future(self._load(item_id))
            self._loading[item_id] = loading
            loading.add_done_callback(lambda _: self._loading.pop(item_id, None))
        return await asyncio.shield(loading)

    async def _load(self, item_id: int) -> ItemFacts:
        async with self.db.read_sessionmaker() as session:
            item = await session.get(FlashItem, item_id)
        if item is None:
            raise FlashItemNotFound(detail={"item_id": item_id})
        facts = ItemFacts(
            item.id,
            item.price,
            item.per_member_limit,
            as_utc(item.starts_at),
            as_utc(item.ends_at),
            item.status == "open",
            time.monotonic(),
        )
        self._facts[item_id] = facts
        return facts

    async def buy(self, item_id: int, member_id: int, session_id: str, quantity: int) -> dict[str, Any]:
        """Claim ``quantity`` units for the member; answered once the batch holding it has committed."""
        facts = await self.facts(item_id)
        now = utcnow()
        if not facts.open or not facts.starts_at <= now < facts.ends_at:
            raise FlashNotLive(detail={"item_id": item_id, "starts_at": facts.starts_at.isoformat()})
        if quantity > facts.per_member_limit:
            raise MemberLimitReached(detail={"limit": facts.per_member_limit, "requested": quantity})
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(item_id, []).append(Buy(member_id, session_id, quantity, future))
        if item_id not in self._draining:
            self._draining.add(item_id)
            asyncio.create_task(self._drain(item_id), name=f"flash-batch-{item_id}")
        return await future

    async def _drain(self, item_id: int) -> None:
        try:
            # Let the requests already runnable in this turn of the loop join the first batch.
            await asyncio.sleep(0)
            queue = self._queues[item_id]
            while queue:
                batch = queue[:MAX_BATCH]
                del queue[:MAX_BATCH]
                try:
                    await self._apply(item_id, batch)
                except BaseException as exc:  # the batch rolled back: every request in it failed
                    for buy in batch:
                        _answer(buy, exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
                    if not isinstance(exc, Exception):
                        raise
        finally:
            self._draining.discard(item_id)

    async def _apply(self, item_id: int, batch: list[Buy]) -> None:
        facts = self._facts[item_id]
        now = utcnow()
        answers: dict[int, dict[str, Any] | BaseException] = {}
        async with self.db.sessionmaker() as session:
            revoked = await self._revoked(session, {b.session_id for b in batch})
            leads: dict[int, Buy] = {}
            for buy in batch:
                if buy.session_id in revoked:
                    answers[id(buy)] = TokenInvalid("This sign-in has been revoked.")
                else:
                    leads.setdefault(buy.member_id, buy)
            held = await self._live_claims(session, item_id, list(leads))
            wanted = [b for m, b in leads.items() if m not in held]
            granted = (
                await self._take(session, item_id, sum(b.quantity for b in wanted), now) if wanted else 0
            )
            winners: list[Buy] = []
            left = granted
            for buy in wanted:
                if buy.quantity <= left:
                    winners.append(buy)
                    left -= buy.quantity
            rows = [
                {
                    "item_id": item_id,
                    "member_id": b.member_id,
                    "quantity": b.quantity,
                    "amount": facts.price * b.quantity,
                    "status": ClaimStatus.HELD.value,
                    "pay_by": now + timedelta(minutes=CLAIM_MINUTES),
                    "created_at": now,
                }
                for b in winners
            ]
            inserted: set[int] = set()
            if rows:
                statement = (
                    self._insert.values(rows)
                    .on_conflict_do_nothing(
                        index_elements=["item_id", "member_id"],
                        index_where=FlashClaim.status.in_(LIVE),
                    )
                    .returning(FlashClaim.member_id)
                )
                inserted = set((await session.execute(statement)).scalars())
            lost = [b for b in winners if b.member_id not in inserted]
            left += sum(b.quantity for b in lost)
            if left:
                await session.execute(
                    update(FlashItem).where(FlashItem.id == item_id).values(sold=FlashItem.sold - left)
                )
            if lost:
                held.update(await self._live_claims(session, item_id, [b.member_id for b in lost]))
            created = await self._live_claims(session, item_id, list(inserted)) if inserted else {}
            if granted:
                session.add(
                    Event(
                        topic=f"flash_sale:{item_id}",
                        type="flash_sale.claimed",
                        payload={"item_id": item_id, "units": granted - left},
                    )
                )
            await session.commit()
        self.batches += 1
        sold_out = FlashSoldOut(detail={"item_id": item_id})
        for buy in batch:
            if id(buy) in answers:
                _answer(buy, answers[id(buy)])
            elif buy.member_id in created and leads.get(buy.member_id) is buy:
                _answer(buy, _claim_dict(created[buy.member_id], repeat=False))
            elif buy.member_id in created or buy.member_id in held:
                row = created.get(buy.member_id) or held[buy.member_id]
                _answer(buy, _claim_dict(row, repeat=True))
            elif not (facts.starts_at <= now < facts.ends_at):
                _answer(buy, FlashNotLive(detail={"item_id": item_id}))
            else:
                _answer(buy, sold_out)

    async def _revoked(self, session: AsyncSession, session_ids: set[str]) -> set[str]:
        live = set(
            await session.scalars(
                select(AuthSession.id).where(
                    AuthSession.id.in_(session_ids), AuthSession.revoked_at.is_(None)
                )
            )
        )
        return session_ids - live

    async def _live_claims(
        self, session: AsyncSession, item_id: int, member_ids: list[int]
    ) -> dict[int, Any]:
        if not member_ids:
            return {}
        rows = await session.execute(
            select(
                FlashClaim.id,
                FlashClaim.item_id,
                FlashClaim.member_id,
                FlashClaim.quantity,
                FlashClaim.amount,
                FlashClaim.status,
                FlashClaim.pay_by,
                FlashClaim.order_id,
            ).where(
                FlashClaim.item_id == item_id,
                FlashClaim.member_id.in_(member_ids),
                FlashClaim.status.in_(LIVE),
            )
        )
        return {row.member_id: row for row in rows}

    async def _take(self, session: AsyncSession, item_id: int, wanted: int, now: datetime) -> int:
        """Take up to ``wanted`` units from an open, running pool in one conditional UPDATE."""
        share = case(
            (FlashItem.pool - FlashItem.sold >= wanted, wanted), else_=FlashItem.pool - FlashItem.sold
        )
        row = (
            await session.execute(
                update(FlashItem)
                .where(
                    FlashItem.id == item_id,
                    FlashItem.status == "open",
                    FlashItem.starts_at <= now,
                    FlashItem.ends_at > now,
                    FlashItem.sold < FlashItem.pool,
                )
                .values(sold=FlashItem.sold + share, last_grant=share)
                .returning(FlashItem.last_grant)
            )
        ).first()
        return int(row[0]) if row else 0


def batcher_for(app: Any) -> FlashBatcher:
    """The app's batcher (one per process and database)."""
    batcher: FlashBatcher | None = getattr(app.state, "flash_batcher", None)
    if batcher is None:
        batcher = FlashBatcher(app.state.db)
        app.state.flash_batcher = batcher
    return batcher
