"""Property-based fuzzing of every API operation (schemathesis over the app's own OpenAPI schema).

Each operation gets ``OMO_FUZZ_EXAMPLES`` generated requests (default 3), sent over real HTTP to a
uvicorn server on PostgreSQL, as a caller the access table lets in (so bodies reach the code, not
the door).
Every answer must be below 500 and match the schema the operation declares for that status.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hyp_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.backend.security.access_table import ACCESS
from tests.backend.security.factories import build_cast, refresh_tokens

EXAMPLES = int(os.environ.get("OMO_FUZZ_EXAMPLES", "3"))
PREFERENCE = ("shopper", "hq_admin", "device", "store_manager", "clerk", "cashier", "picker", "anonymous")


def _caller(method: str, path: str) -> str:
    allowed = ACCESS.get((method, path), frozenset({"anonymous"}))
    return next((role for role in PREFERENCE if role in allowed), "anonymous")


def _fuzz(operation: Any, base_url: str, headers: dict[str, str], http: requests.Session) -> int:
    """Run the operation's generated cases; the number sent."""
    sent = 0

    @hyp_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal sent
        response = case.call(base_url=base_url, headers=headers, session=http, timeout=30)
        sent += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()
    return sent


def _summary(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = " | ".join(lines)
    return text[:700]


@pytest.mark.slow
async def test_no_operation_answers_5xx_or_breaks_its_schema(app, session, settings, live_server, test_db):
    if test_db.kind != "postgresql":
        pytest.skip("fuzzed on PostgreSQL, the production database (stricter types; time-bounded)")
    cast = await build_cast(session, settings)
    spec = live_server.app.openapi()
    schema = schemathesis.openapi.from_dict(spec)
    failures: list[str] = []
    total = operations = 0
    http = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        method, path = operation.method.upper(), operation.path
        await refresh_tokens(session, settings, cast)
        headers = cast.headers[_caller(method, path)]
        try:
            total += await asyncio.to_thread(_fuzz, operation, live_server.url, headers, http)
        except (Exception, BaseExceptionGroup) as exc:  # record the failing example, go on to the next
            failures.append(f"{method} {path}: {_summary(exc)}")
        operations += 1
    print(f"fuzz: {operations} operations, {total} requests")
    assert operations >= len(spec["paths"])
    assert not failures, f"{len(failures)} operations failed:\n" + "\n\n".join(failures)
