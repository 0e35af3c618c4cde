"""Starting and stopping live updates with the application."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from backend.core.db import Database
from backend.realtime.bus import Bus, attach_commit_hook, detach_commit_hook, make_bus
from backend.realtime.config import RealtimeSettings
from backend.realtime.dispatcher import Dispatcher

log = logging.getLogger("omo.realtime")


@dataclass(slots=True)
class Realtime:
    dispatcher: Dispatcher
    bus: Bus

    def status(self) -> dict[str, Any]:
        return {"bus": self.bus.status(), "dispatcher": self.dispatcher.status()}


async def start_realtime(app: FastAPI) -> Realtime:
    """Start this process's dispatcher and bus listener; announce commits that wrote events."""
    db: Database = app.state.db
    bus = make_bus(app.state.settings)
    tuning = RealtimeSettings()
    dispatcher = Dispatcher(
        db, interval=tuning.poll_seconds, hold_seconds=tuning.hold_seconds, late_seconds=tuning.late_seconds
    )
    await dispatcher.start()
    await bus.start(dispatcher.wake)
    attach_commit_hook(db.engine, bus, dispatcher.wake)
    app.state.realtime = Realtime(dispatcher, bus)
    log.info("live updates started (bus %s)", bus.kind)
    return app.state.realtime


async def stop_realtime(app: FastAPI) -> None:
    runtime: Realtime | None = getattr(app.state, "realtime", None)
    if runtime is None:
        return
    app.state.realtime = None
    detach_commit_hook(app.state.db.engine)
    await runtime.dispatcher.stop()
    await runtime.bus.stop()
