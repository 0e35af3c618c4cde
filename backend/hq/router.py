"""The HQ pages (server-rendered): sign-in, dashboard, stores, audit log, with CSV exports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from backend.auth import service as auth_service
from backend.auth.principal import Principal
from backend.core.db import DbSession
from backend.core.errors import RetailError
from backend.core.money import yuan
from backend.core.time import utcnow
from backend.hq import charts, queries
from backend.hq.session import (
    HQ_ROLES,
    LoginRequired,
    check_csrf,
    clear_session,
    csrf_token,
    hq_principal,
    set_session,
)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["yuan"] = lambda fen: yuan(fen, grouped=True)
TEMPLATES.env.filters["count"] = lambda n: f"{n:,}"
router = APIRouter(prefix="/hq", include_in_schema=False)
HQUser = Annotated[Principal, Depends(hq_principal)]

NAV = [
    ("dashboard", "概览", "/hq"),
    ("stores", "门店", "/hq/stores"),
    ("audit", "操作日志", "/hq/audit"),
]


def render(request: Request, template: str, principal: Principal | None, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"nav": NAV, "principal": principal, "csrf": csrf_token(request), "now": utcnow(), **context},
    )


def csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> StreamingResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return StreamingResponse(
        iter([buffer.getvalue()]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    return render(request, "login.html", None, error=error)


@router.post("/login")
async def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(min_length=1, max_length=60)],
    password: Annotated[str, Form(min_length=1, max_length=128)],
) -> Response:
    settings = request.app.state.settings
    try:
        pair = await auth_service.staff_login(session, settings, username.strip(), password)
    except RetailError as exc:
        # The failed attempt is still counted: this request's transaction commits normally.
        return render(
            request, "login.html", None, error="用户名或密码错误" if exc.status_code == 401 else exc.message
        )
    staff = await auth_service.principal_for_subject(session, "staff", pair.subject_id)
    if not staff.roles.intersection(HQ_ROLES):
        return render(request, "login.html", None, error="此账号不是总部或加盟商账号")
    response = RedirectResponse("/hq", status_code=303)
    set_session(response, pair.access_token, pair.refresh_token, secure=request.url.scheme == "https")
    return response


@router.post("/logout")
async def logout(
    request: Request, principal: HQUser, session: DbSession, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf)
    await auth_service.logout(session, principal)
    response = RedirectResponse("/hq/login", status_code=303)
    clear_session(response)
    return response


@router.get("", response_class=HTMLResponse)
async def dashboard(request: Request, principal: HQUser, session: DbSession) -> HTMLResponse:
    scope = principal.store_ids
    now = utcnow()
    stock = await queries.stock_by_store(session, scope)
    near_units, near_value = await queries.near_expiry_value(session, scope, now.date())
    stores = await queries.stores(session, scope)
    cities = Counter(store.city for store, _ in stores)
    kpis = {
        "stores": len(stores),
        "units": sum(s.units for s in stock),
        "stock_value": sum(s.value_at_cost for s in stock),
        "low_lines": sum(s.low_lines for s in stock),
        "near_expiry_units": near_units,
        "near_expiry_value": near_value,
        **await queries.catalog_counts(session),
        **await queries.member_counts(session, now - timedelta(days=7)),
    }
    ranked = sorted(stock, key=lambda s: s.value_at_cost, reverse=True)
    stock_chart = charts.bar(
        [s.name_zh for s in ranked], [s.value_at_cost / 100 for s in ranked], "各门店库存金额（按成本）", "元"
    )
    city_chart = charts.donut(list(cities), list(cities.values()), "门店城市分布")
    return render(
        request,
        "dashboard.html",
        principal,
        kpis=kpis,
        stock=ranked,
        stock_chart=stock_chart,
        city_chart=city_chart,
        active="dashboard",
    )


@router.get("/stores", response_class=HTMLResponse)
async def stores_page(request: Request, principal: HQUser, session: DbSession) -> HTMLResponse:
    rows = await queries.stores(session, principal.store_ids)
    return render(request, "stores.html", principal, rows=rows, active="stores")


@router.get("/stores.csv")
async def stores_csv(principal: HQUser, session: DbSession) -> StreamingResponse:
    rows = await queries.stores(session, principal.store_ids)
    header = [
        "code",
        "name_zh",
        "name_en",
        "kind",
        "status",
        "region",
        "city",
        "city_tier",
        "address",
        "lat",
        "lng",
    ]
    data = [
        [
            s.code,
            s.name_zh,
            s.name_en,
            s.kind,
            s.status,
            r.name_zh,
            s.city,
            s.city_tier,
            s.address,
            s.latitude,
            s.longitude,
        ]
        for s, r in rows
    ]
    return csv_response("stores.csv", header, data)


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request, principal: HQUser, session: DbSession) -> HTMLResponse:
    entries = await queries.audit_entries(session, principal.store_ids, 200)
    return render(request, "audit.html", principal, entries=entries, active="audit")


@router.get("/audit.csv")
async def audit_csv(principal: HQUser, session: DbSession) -> StreamingResponse:
    entries = await queries.audit_entries(session, principal.store_ids, 10_000)
    header = [
        "id",
        "at_utc",
        "actor_kind",
        "actor_id",
        "action",
        "entity",
        "entity_id",
        "store_id",
        "before",
        "after",
    ]
    data = [
        [
            e.id,
            e.created_at.isoformat(),
            e.actor_kind,
            e.actor_id,
            e.action,
            e.entity,
            e.entity_id,
            e.store_id,
            e.before,
            e.after,
        ]
        for e in entries
    ]
    return csv_response("audit-log.csv", header, data)


def install(app: Any) -> None:
    """Mount the HQ pages, their static files and the sign-in redirect."""
    import plotly
    from fastapi.staticfiles import StaticFiles

    from backend.core.settings import ROOT

    app.include_router(router)
    app.mount("/hq/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="hq-static")
    app.mount("/hq/fonts", StaticFiles(directory=str(ROOT / "assets" / "fonts")), name="hq-fonts")
    app.mount(
        "/hq/vendor",
        StaticFiles(directory=str(Path(plotly.__file__).parent / "package_data")),
        name="hq-vendor",
    )

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, _exc: LoginRequired) -> Response:
        if request.url.path.startswith("/hq"):
            return RedirectResponse("/hq/login", status_code=303)
        return Response(status_code=401)
