"""Settings from the environment (prefix ``OMO_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMO_", env_file=".env", extra="ignore")

    env: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'omo.db'}"
    # A PostgreSQL read replica for reports (HQ dashboard, exports); the primary when unset. Reports
    # read it with replication lag; nothing that decides stock, money or order state does.
    database_report_url: str | None = None
    redis_url: str | None = None
    # Where events cross backend processes: "none" (single process), "postgres" or "redis".
    event_bus: str = "none"
    var_dir: Path = ROOT / "var"
    secret_key: str = "dev-secret-change-me-0123456789abcdef"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    otp_ttl_seconds: int = 300
    otp_max_attempts: int = 5
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    # "log" writes one-time codes to the log (development); a real SMS provider plugs in here.
    sms_provider: str = "log"
    reservation_minutes: int = 15
    # 单用途预付卡: a named card holds at most 5,000 yuan.
    stored_value_max_balance: int = 500_000
    points_valid_days: int = 365
    # No arrival pushes in the store's local quiet hours.
    arrival_quiet_start: str = "22:00"
    arrival_quiet_end: str = "08:00"
    unpaid_order_minutes: int = 30
    public_base_url: str = "http://127.0.0.1:8000"
    # Run scheduled jobs (reservation sweeper, unpaid-order cancel, points expiry...) in this process.
    jobs_enabled: bool = True
    # FastAPI's native OpenTelemetry spans, metrics and logs; off unless a collector is set up, as they
    # cost CPU on every request.
    telemetry: bool = False
    db_pool_size: int = 10
    db_echo: bool = False
    log_json: bool = False
    cors_origins: list[str] = Field(default_factory=list)
    # Take the client address from X-Forwarded-For (only behind a load balancer that sets it).
    trust_proxy_headers: bool = False
    # Sign-in attempts per client IP per minute, across all accounts.
    login_ip_limit_per_minute: int = 60
    # An optional OpenAI-compatible chat-completions endpoint (base URL ending in /v1) that rephrases the
    # assistant's grounded answers; unset (the default), the assistant runs fully offline.
    assistant_llm_url: str | None = None
    assistant_llm_model: str = "qwen2.5-7b-instruct"
    assistant_llm_api_key: str | None = None
    assistant_llm_timeout_seconds: float = 8.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
