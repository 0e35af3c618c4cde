"""Rate limits per key (account, device, IP): Redis when configured, in-process otherwise.

Fixed windows: at most ``limit`` hits per ``window`` seconds per key. With Redis every backend process
shares the counts; without it (or while Redis is unreachable) each process counts for itself, and
``RateLimiter.backend`` says which is in force.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from backend.core.errors import RateLimited

log = logging.getLogger("omo.ratelimit")


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        self._counts: dict[str, tuple[int, int]] = {}
        self._redis: Any = None
        if redis_url:
            import redis.asyncio as redis

            self._redis = redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.redis_ok = self._redis is not None

    @property
    def backend(self) -> str:
        return "redis" if self._redis is not None and self.redis_ok else "memory"

    async def hit(self, rule: Rule, key: str, now: float | None = None) -> int:
        """Count one hit; raise RateLimited past the limit. Returns the count in this window."""
        now = time.time() if now is None else now
        window_start = int(now // rule.window) * rule.window
        bucket = f"omo:rl:{rule.name}:{key}:{window_start}"
        count = await self._incr_redis(bucket, rule.window) if self._redis is not None else None
        if count is None:
            count = self._incr_memory(bucket, window_start, rule.window)
        if count > rule.limit:
            retry = int(window_start + rule.window - now) + 1
            raise RateLimited(detail={"rule": rule.name, "retry_after": retry})
        return count

    async def _incr_redis(self, bucket: str, window: int) -> int | None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(bucket)
                pipe.expire(bucket, window + 1)
                count, _ = await pipe.execute()
        except Exception as exc:  # Redis down: degrade to in-process counting, and say so.
            if self.redis_ok:
                log.warning("redis unavailable for rate limits, counting in-process: %s", exc)
            self.redis_ok = False
            return None
        if not self.redis_ok:
            log.info("redis rate limits restored")
        self.redis_ok = True
        return int(count)

    def _incr_memory(self, bucket: str, window_start: int, window: int) -> int:
        if len(self._counts) > 100_000:
            cutoff = window_start - window
            self._counts = {k: v for k, v in self._counts.items() if v[1] >= cutoff}
        count, _ = self._counts.get(bucket, (0, window_start))
        self._counts[bucket] = (count + 1, window_start)
        return count + 1

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def client_ip(request: Request) -> str:
    """The caller's address (the first X-Forwarded-For hop when behind a trusted proxy)."""
    settings = request.app.state.settings
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and settings.trust_proxy_headers:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"
