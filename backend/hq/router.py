"""The HQ pages (server-rendered): sign-in, the dashboard and stores here; every other area in pages/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from backend.auth import service as auth_service
from backend.core.db import DbSession, ReportSession
from backend.core.errors import RetailError
from backend.core.money import yuan
from backend.core.time import utcnow
from backend.hq import charts, queries, sales
from backend.hq.pages import ROUTERS as PAGE_ROUTERS
from backend.hq.session import HQ_ROLES, LoginRequired, check_csrf, clear_session, set_session
from backend.hq.web import HQUser, csv_response, nav, render

router = APIRouter(prefix="/hq", include_in_schema=False)

nav("dashboard", "概览", "/hq")
nav("stores", "门店", "/hq/stores")


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
async def dashboard(
    request: Request,
    principal: HQUser,
    session: ReportSession,
    period: Annotated[Literal["day", "week", "month"], Query()] = "week",
    by: Annotated[Literal["store", "region", "category"], Query()] = "store",
) -> HTMLResponse:
    scope = principal.store_ids
    now = utcnow()
    win, sold = await sales.load(session, scope, period, now)
    stock = await queries.stock_by_store(session, scope)
    near_units, near_value = await queries.near_expiry_value(session, scope, now.date())
    health = await sales.stock_health(session, scope, win)
    days = sales.PERIODS[period]
    kpis = {
        "units": sum(s.units for s in stock),
        "stock_value": sum(s.value_at_cost for s in stock),
        "low_lines": sum(s.low_lines for s in stock),
        "near_expiry_units": near_units,
        "near_expiry_value": near_value,
        "stockouts": health.stockouts,
        "turnover": health.turnover,
        "days_of_stock": health.days_of_stock(days),
        "stores": len(stock),
        **await queries.catalog_counts(session),
        **await queries.member_counts(session, now - timedelta(days=7)),
    }
    labels, online, offline = sales.trend(sold, period, now)
    ranking = await sales.ranking(session, scope, win, by, sold)
    trend_chart = charts.stacked_bars(
        labels, {"线上": [v / 100 for v in online], "门店": [v / 100 for v in offline]}, "销售趋势", "元"
    )
    rank_chart = charts.hbar(
        [r.label for r in ranking[:10]][::-1], [r.sales / 100 for r in ranking[:10]][::-1], "销售排行", "元"
    )
    ranked_stock = sorted(stock, key=lambda s: s.value_at_cost, reverse=True)
    return render(
        request,
        "dashboard.html",
        principal,
        period=period,
        by=by,
        sales_kpis=await sales.kpis(session, win, sold),
        kpis=kpis,
        ranking=ranking,
        stock=ranked_stock,
        trend_chart=trend_chart,
        rank_chart=rank_chart,
        active="dashboard",
    )


@router.get("/dashboard.csv")
async def dashboard_csv(
    principal: HQUser,
    session: ReportSession,
    table: Annotated[Literal["kpis", "ranking", "stock"], Query()],
    period: Annotated[Literal["day", "week", "month"], Query()] = "week",
    by: Annotated[Literal["store", "region", "category"], Query()] = "store",
) -> StreamingResponse:
    """The dashboard's tables as CSV: the KPIs against the previous period, the ranking, stock by store."""
    scope = principal.store_ids
    now = utcnow()
    win, sold = await sales.load(session, scope, period, now)
    if table == "kpis":
        rows = [
            [k.key, k.label, k.value, k.previous, "" if k.change is None else f"{k.change:.4f}"]
            for k in await sales.kpis(session, win, sold)
        ]
        return csv_response(
            f"dashboard-kpis-{period}.csv", ["key", "label", "value", "previous", "change"], rows
        )
    if table == "ranking":
        ranked = await sales.ranking(session, scope, win, by, sold)
        rows = [[r.key, r.label, yuan(r.sales), r.orders, yuan(r.previous_sales)] for r in ranked]
        header = ["key", "label", "sales", "orders", "previous_sales"]
        return csv_response(f"dashboard-ranking-{by}-{period}.csv", header, rows)
    stock = await queries.stock_by_store(session, scope)
    rows = [[s.code, s.name_zh, s.city, s.units, yuan(s.value_at_cost), s.low_lines] for s in stock]
    return csv_response(
        "dashboard-stock.csv", ["code", "name_zh", "city", "units", "value_at_cost", "low_lines"], rows
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


for _page_router in PAGE_ROUTERS:
    router.include_router(_page_router)


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
