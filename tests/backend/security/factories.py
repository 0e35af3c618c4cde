"""The cast for access tests: two merchants' stores, a caller of every kind, each with a real token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import repository as auth_repo
from backend.auth import service as auth_service
from backend.auth.models import Device
from backend.core.security import new_token, token_digest
from backend.stores.models import Store
from tests.factories import bearer, create_member, create_merchant, create_region, create_staff, create_store

STAFF_ROLES = (
    "clerk",
    "picker",
    "cashier",
    "technician",
    "store_manager",
    "hq_admin",
    "franchisee_admin",
)
ROLES = ("anonymous", "shopper", *STAFF_ROLES, "device")


@dataclass
class Cast:
    """Store A (merchant A) is where every store-bound caller works; store B belongs to merchant B."""

    store_a: Store
    store_b: Store
    member_ids: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    staff_ids: dict[str, int] = field(default_factory=dict)


async def mint(session: AsyncSession, settings: Any, principal: Any) -> dict[str, str]:
    """A real sign-in (auth session + access token) without the password round trip."""
    pair = await auth_service.issue_tokens(session, settings, principal)
    return bearer(pair.access_token)


async def device_headers(session: AsyncSession, store: Store) -> dict[str, str]:
    token = new_token("omod_")
    session.add(Device(store_id=store.id, name="自助收银机", kind="kiosk", token_hash=token_digest(token)))
    await session.flush()
    return bearer(token)


async def build_cast(session: AsyncSession, settings: Any) -> Cast:
    region = await create_region(session)
    merchant_a = await create_merchant(session)
    merchant_b = await create_merchant(session)
    store_a = await create_store(session, region, merchant_id=merchant_a.id)
    store_b = await create_store(session, region, merchant_id=merchant_b.id)
    cast = Cast(store_a=store_a, store_b=store_b)
    cast.headers["anonymous"] = {}
    member = await create_member(session)
    cast.member_ids["shopper"] = member.id
    for role in STAFF_ROLES:
        overrides: dict[str, Any] = {}
        stores = [store_a]
        if role == "franchisee_admin":
            overrides["merchant_id"] = merchant_a.id
            stores = []
        if role == "hq_admin":
            stores = []
        staff = await create_staff(session, [role], stores, **overrides)
        cast.staff_ids[role] = staff.id
    await refresh_tokens(session, settings, cast)
    cast.headers["device"] = await device_headers(session, store_a)
    await session.commit()
    return cast


async def refresh_tokens(session: AsyncSession, settings: Any, cast: Cast) -> None:
    """New sign-ins for the member and every staff member (a probed route may have signed them out)."""
    member_id = cast.member_ids["shopper"]
    cast.headers["shopper"] = await mint(session, settings, auth_service.member_principal(member_id))
    for role, staff_id in cast.staff_ids.items():
        staff = await auth_repo.staff_by_id(session, staff_id)
        assert staff is not None
        cast.headers[role] = await mint(session, settings, await auth_service.staff_principal(session, staff))
    await session.commit()


def api_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) the app answers under /api plus the health probes, nested routers included."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute) and (
                route.path.startswith("/api/") or route.path in ("/healthz", "/readyz")
            ):
                for method in route.methods - {"HEAD", "OPTIONS"}:
                    found.add((method, route.path))
            sub = getattr(route, "routes", None)
            if sub and not isinstance(route, APIRoute):
                walk(list(sub))

    walk(list(app.routes))
    for path, methods in app.openapi().get("paths", {}).items():
        for method in methods:
            if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                found.add((method.upper(), path))
    return sorted(found, key=lambda mp: (mp[1], mp[0]))


def fill_path(path: str, cast: Cast) -> str:
    """Put the caller's own store where a store id goes, and ids that exist nowhere elsewhere."""
    values = {"store_id": str(cast.store_a.id), "member_id": str(cast.member_ids["shopper"])}
    out = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name in values:
                out.append(values[name])
            elif name.endswith("_id") or name == "id":
                out.append("987654")
            else:
                out.append("zz-no-such")
        else:
            out.append(part)
    return "/".join(out)


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


_PATTERN_SAMPLES = {r"^1[3-9]\d{9}$": "13900000000"}


def minimal_instance(
    spec: dict[str, Any], schema: dict[str, Any], cast: Cast | None = None, name: str = ""
) -> Any:
    """The smallest value a JSON schema accepts: required fields only, lower bounds, first choices."""
    schema = _resolve(spec, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(spec, o).get("type") != "null"] or schema[key]
            return minimal_instance(spec, options[0], cast, name)
    if "allOf" in schema:
        return minimal_instance(spec, schema["allOf"][0], cast, name)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            key: minimal_instance(spec, props.get(key, {}), cast, key) for key in schema.get("required", [])
        }
    if kind == "array":
        return [
            minimal_instance(spec, schema.get("items", {}), cast, name)
            for _ in range(schema.get("minItems", 0))
        ]
    if kind in ("integer", "number"):
        # Ids that decide a store-bound or merchant-bound caller's reach point at the caller's own.
        if cast is not None and name in ("store_id", "home_store_id"):
            return cast.store_a.id
        if cast is not None and name == "merchant_id" and cast.store_a.merchant_id is not None:
            return cast.store_a.merchant_id
        low = schema.get(
            "minimum", schema.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in schema else 1
        )
        return max(int(low), 1) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2030-01-01T10:00:00Z"
        if fmt == "date":
            return "2030-01-01"
        if fmt == "binary":
            return "x"
        if schema.get("pattern") in _PATTERN_SAMPLES:
            return _PATTERN_SAMPLES[schema["pattern"]]
        return "x" * max(1, schema.get("minLength", 1)) if schema.get("minLength", 1) <= 64 else "x" * 64
    return None


def minimal_request(spec: dict[str, Any], method: str, path: str, cast: Cast) -> dict[str, Any]:
    """httpx keyword arguments for a schema-valid minimal request to ``method path``."""
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        parameter = _resolve(spec, parameter)
        if not parameter.get("required") or parameter["in"] == "path":
            continue
        value = minimal_instance(spec, parameter.get("schema", {}), cast, parameter["name"])
        if parameter["in"] == "query":
            params[parameter["name"]] = value
        elif parameter["in"] == "header":
            headers[parameter["name"]] = "access-probe-000001"
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    body = operation.get("requestBody")
    if body:
        content = body.get("content", {})
        if "application/json" in content:
            kwargs["json"] = minimal_instance(spec, content["application/json"].get("schema", {}), cast)
        elif "multipart/form-data" in content:
            kwargs["files"] = {"file": ("probe.txt", b"probe", "text/plain")}
    elif method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return kwargs


async def call_as(
    client: Any,
    session: AsyncSession,
    settings: Any,
    spec: dict[str, Any],
    cast: Cast,
    method: str,
    path: str,
    role: str,
) -> int:
    """The status a minimal valid request to ``method path`` gets from ``role``.

    A signed-in caller answered 401 has had its sign-in ended by an earlier probe (log-out, account
    deletion): it signs in again and the request is repeated once.
    """
    for attempt in range(2):
        kwargs = minimal_request(spec, method, path, cast)
        kwargs["headers"] = {**kwargs["headers"], **cast.headers[role]}
        response = await client.request(method, fill_path(path, cast), **kwargs)
        if response.status_code != 401 or role in ("anonymous", "device") or attempt:
            return response.status_code
        await refresh_tokens(session, settings, cast)
    return response.status_code
