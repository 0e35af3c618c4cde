"""Tuning for live updates (environment prefix ``OMO_REALTIME_``); the bus itself is ``OMO_EVENT_BUS``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RealtimeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMO_REALTIME_", env_file=".env", extra="ignore")

    # How often each process reads the events table when nothing wakes it earlier.
    poll_seconds: float = Field(default=0.1, gt=0, le=60)
    # How long an outbox id seen missing below a visible one may hold delivery back.
    hold_seconds: float = Field(default=3.0, ge=0, le=60)
    # How long a passed-over id is still watched for a late commit.
    late_seconds: float = Field(default=300.0, ge=0, le=3600)
