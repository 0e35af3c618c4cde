"""The access table holds for every route and every kind of caller, and no route is missing from it."""

from __future__ import annotations

from tests.backend.security.access_table import ACCESS, DOORS, ROLES
from tests.backend.security.factories import api_routes, build_cast, call_as


async def test_every_route_has_an_entry_in_the_access_table(app):
    routes = set(api_routes(app))
    missing = sorted(routes - set(ACCESS), key=lambda mp: (mp[1], mp[0]))
    assert not missing, "routes with no entry in tests/backend/security/access_table.py: " + ", ".join(
        f"{m} {p}" for m, p in missing
    )
    stale = sorted(set(ACCESS) - routes, key=lambda mp: (mp[1], mp[0]))
    assert not stale, "access table entries for routes that no longer exist: " + ", ".join(
        f"{m} {p}" for m, p in stale
    )


async def test_each_role_is_let_in_or_kept_out_as_the_table_says(app, client, session, settings):
    cast = await build_cast(session, settings)
    spec = app.openapi()
    routes = set(api_routes(app))
    failures: list[str] = []
    checked = 0
    for (method, path), allowed in sorted(ACCESS.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (method, path) not in routes:
            continue
        for role in ROLES:
            status = await call_as(client, session, settings, spec, cast, method, path, role)
            checked += 1
            # 503 only from /realtime/status when live updates are not running in this process.
            assert status < 500 or status == 503, f"{method} {path} as {role} answered {status}"
            if (method, path) in DOORS:
                if status == 403:
                    failures.append(f"{method} {path}: {role} refused with 403 at a sign-in door")
            elif role in allowed and status in (401, 403):
                failures.append(f"{method} {path}: {role} should be let in, got {status}")
            elif role not in allowed and status not in (401, 403):
                failures.append(f"{method} {path}: {role} should be kept out, got {status}")
    assert checked == len(routes) * len(ROLES)
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)
