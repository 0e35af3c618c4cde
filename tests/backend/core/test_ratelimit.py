from __future__ import annotations

import uuid

import pytest

from backend.core.errors import RateLimited
from backend.core.ratelimit import RateLimiter, Rule

RULE = Rule("test", limit=3, window=60)


@pytest.mark.parametrize("redis_url", [None, "redis://127.0.0.1:6379/0"])
async def test_fixed_window_limit(redis_url):
    limiter = RateLimiter(redis_url)
    key = uuid.uuid4().hex
    assert [await limiter.hit(RULE, key, now=1000.0) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RateLimited) as exc:
        await limiter.hit(RULE, key, now=1000.0)
    assert exc.value.detail["retry_after"] == 21
    # A new window starts afresh.
    assert await limiter.hit(RULE, key, now=1021.0) == 1
    assert limiter.backend == ("redis" if redis_url else "memory")
    await limiter.close()


async def test_two_processes_share_counts_through_redis():
    first, second = RateLimiter("redis://127.0.0.1:6379/0"), RateLimiter("redis://127.0.0.1:6379/0")
    key = uuid.uuid4().hex
    await first.hit(RULE, key, now=5000.0)
    await second.hit(RULE, key, now=5000.0)
    assert await first.hit(RULE, key, now=5000.0) == 3
    with pytest.raises(RateLimited):
        await second.hit(RULE, key, now=5000.0)
    await first.close()
    await second.close()


async def test_unreachable_redis_degrades_to_in_process_counting():
    limiter = RateLimiter("redis://127.0.0.1:1/0")
    key = uuid.uuid4().hex
    assert await limiter.hit(RULE, key, now=10.0) == 1
    assert limiter.backend == "memory" and not limiter.redis_ok
    await limiter.hit(RULE, key, now=10.0)
    await limiter.hit(RULE, key, now=10.0)
    with pytest.raises(RateLimited):
        await limiter.hit(RULE, key, now=10.0)
    await limiter.close()
