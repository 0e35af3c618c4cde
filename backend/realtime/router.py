from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, WebSocket

from backend.auth.deps import CurrentPrincipal
from backend.core.db import DbSession
from backend.core.errors import ServiceUnavailable
from backend.realtime import access, connection
from backend.realtime import repository as repo
from backend.realtime.schemas import Event, EventPage, RealtimeStatus

router = APIRouter(tags=["realtime"])


@router.get("/events", response_model=EventPage)
async def list_events(
    principal: CurrentPrincipal,
    session: DbSession,
    topics: Annotated[
        list[str], Query(min_length=1, description="Topic names; repeat or separate with commas")
    ],
    since: Annotated[int, Query(ge=0, description="The last event id already seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> EventPage:
    """Events of the given topics after ``since``, oldest first (catch-up without a WebSocket)."""
    names = await access.authorize(session, principal, [t for value in topics for t in value.split(",")])
    rows = await repo.events_for_topics(session, names, since, limit + 1)
    events = [Event.model_validate(repo.row_dict(row)) for row in rows[:limit]]
    return EventPage(events=events, last_id=events[-1].id if events else since, has_more=len(rows) > limit)


@router.get("/realtime/status", response_model=RealtimeStatus)
async def realtime_status(request: Request) -> RealtimeStatus:
    """Whether live updates run in this process and how events cross processes (bus health)."""
    runtime = getattr(request.app.state, "realtime", None)
    if runtime is None:
        raise ServiceUnavailable("Live updates are not running in this process.")
    return RealtimeStatus(**runtime.status())


@router.websocket("/ws")
async def live_events(websocket: WebSocket) -> None:
    """Live events by topic over a WebSocket (protocol in backend/realtime/connection.py)."""
    await connection.serve(websocket)
