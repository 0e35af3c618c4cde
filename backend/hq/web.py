"""What every HQ page shares: templates, navigation, tables that render as HTML and export as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.db import DbSession, ReportSession
from backend.core.errors import NotFound, RetailError
from backend.core.money import yuan
from backend.core.privacy import mask_phone
from backend.core.time import utcnow
from backend.hq.session import csrf_token, hq_principal

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["yuan"] = lambda fen: yuan(fen, grouped=True)
TEMPLATES.env.filters["count"] = lambda n: f"{n:,}"
TEMPLATES.env.filters["share"] = lambda x: f"{x * 100:.1f}%"
TEMPLATES.env.filters["utc"] = lambda at: at.strftime("%Y-%m-%d %H:%M") if at else ""
HQUser = Annotated[Principal, Depends(hq_principal)]

# (key, label, href); pages add themselves, the side bar shows them in ORDER.
NAV: list[tuple[str, str, str]] = []
ORDER = [
    "dashboard",
    "stores",
    "closures",
    "performance",
    "catalog",
    "inventory",
    "marketing",
    "campaigns",
    "distribution",
    "members",
    "franchise",
    "inspection",
    "services",
    "aftersales",
    "risk",
    "intelligence",
    "assistant",
    "jobs",
    "audit",
]


def nav(key: str, label: str, href: str) -> None:
    if all(k != key for k, _, _ in NAV):
        NAV.append((key, label, href))
        NAV.sort(key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER))


def render(request: Request, template: str, principal: Principal | None, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"nav": NAV, "principal": principal, "csrf": csrf_token(request), "now": utcnow(), **context},
    )


def csv_response(filename: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> StreamingResponse:
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


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    # text | money | count | share | time | phone | muted | links ([(text, href)], rendered as links)
    kind: str = "text"

    def html(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "links":
            return Markup(" · ").join(
                Markup('<a href="{}">{}</a>').format(href, text) for text, href in value
            )
        if self.kind == "money":
            return f"¥{yuan(int(value), grouped=True)}"
        if self.kind == "count":
            return f"{int(value):,}"
        if self.kind == "share":
            return f"{float(value) * 100:.1f}%"
        if self.kind == "time":
            return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)
        if self.kind == "phone":
            return mask_phone(str(value))
        return str(value)

    def csv(self, value: Any) -> Any:
        if value is None:
            return ""
        if self.kind == "links":
            return " ".join(href for _, href in value)
        if self.kind == "money":
            return yuan(int(value))
        if self.kind == "time" and isinstance(value, datetime):
            return value.isoformat()
        if self.kind == "phone":
            return mask_phone(str(value))
        return value


@dataclass(frozen=True, slots=True)
class Action:
    """A button on each row: a CSRF-protected POST to ``path`` (formatted with the row)."""

    label: str
    path: str
    style: str = "primary"
    # Only rows where this key is truthy get the button (None: every row).
    when: str | None = None


@dataclass(slots=True)
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    actions: list[Action] = field(default_factory=list)
    empty: str = "暂无数据"
    note: str | None = None

    def cells(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        return [(c.kind, c.html(row.get(c.key))) for c in self.columns]

    def row_actions(self, row: dict[str, Any]) -> list[tuple[Action, str]]:
        return [(a, a.path.format(**row)) for a in self.actions if a.when is None or row.get(a.when)]

    def export(self) -> tuple[list[str], list[list[Any]]]:
        header = [c.key for c in self.columns]
        return header, [[c.csv(row.get(c.key)) for c in self.columns] for row in self.rows]


@dataclass(frozen=True, slots=True)
class Input:
    """One field of a page form."""

    name: str
    label: str
    # text | number | datetime-local | date | month | select | checkbox
    kind: str = "text"
    options: Sequence[tuple[str, str]] = ()
    placeholder: str = ""
    required: bool = True
    value: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    """A CSRF-protected form card on a page, posting to ``action``."""

    name: str
    title: str
    action: str
    inputs: list[Input]
    submit: str = "保存"
    note: str | None = None


Builder = Callable[[AsyncSession, Principal, Request], Awaitable[dict[str, Any]]]


def table_page(
    router: APIRouter, path: str, key: str, title: str, builder: Builder, template: str = "tables.html"
) -> None:
    """Register a page at ``path`` and its CSV exports at ``path.csv?table=<name>``.

    The builder returns the template context; every ``Table`` in its ``tables`` list is exportable.
    """

    @router.get(path, response_class=HTMLResponse, name=f"hq-{key}")
    async def page(request: Request, principal: HQUser, session: DbSession) -> HTMLResponse:
        context = await builder(session, principal, request)
        context.setdefault("flash", (request.query_params.get("flash") or "")[:80])
        return render(request, template, principal, active=key, title=title, **context)

    @router.get(f"{path}.csv", name=f"hq-{key}-csv")
    async def export(
        request: Request,
        principal: HQUser,
        session: ReportSession,
        table: Annotated[str, Query(max_length=40)],
    ) -> StreamingResponse:
        context = await builder(session, principal, request)
        for candidate in context.get("tables", []):
            if candidate.name == table:
                header, rows = candidate.export()
                return csv_response(f"{key}-{table}.csv", header, rows)
        raise NotFound("No such table on this page.", detail={"table": table})


# --- forms on the pages: Beijing time in, UTC stored; money in yuan in, fen stored

LOCAL = ZoneInfo("Asia/Shanghai")


def split_codes(text: str) -> list[str]:
    """Codes typed into one field, separated by commas (either width)."""
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]


def parse_fen(text: str, field: str) -> int:
    """Yuan as typed on a form (``12.5``) in fen; refused when blank, not a number or not above zero."""
    try:
        value = round(Decimal(text.strip().replace(",", "")) * 100)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{field}请填写金额") from exc
    if value <= 0:
        raise ValueError(f"{field}必须大于 0")
    return int(value)


def parse_int(text: str, field: str, low: int = 1, high: int = 1_000_000) -> int:
    try:
        value = int(text.strip())
    except ValueError as exc:
        raise ValueError(f"{field}请填写整数") from exc
    if not low <= value <= high:
        raise ValueError(f"{field}应在 {low} 到 {high} 之间")
    return value


def parse_local(text: str, field: str) -> datetime:
    """A ``datetime-local`` form value, read as Beijing time."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=LOCAL)
    except ValueError as exc:
        raise ValueError(f"{field}时间格式不正确") from exc


def to_local(at: datetime | None) -> datetime | None:
    """A stored UTC moment as Beijing wall time, for the tables."""
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=ZoneInfo("UTC"))).astimezone(LOCAL).replace(tzinfo=None)


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    if isinstance(exc, RetailError):
        return exc.message
    return str(exc)


async def form_failed(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    page: tuple[str, str, Builder],
    form: str,
    exc: Exception,
) -> HTMLResponse:
    """The page again with the form's error next to it (422, or the domain error's own status)."""
    key, title, builder = page
    context = await builder(session, principal, request)
    response = render(
        request,
        "tables.html",
        principal,
        active=key,
        title=title,
        form_error=error_message(exc),
        form_for=form,
        **context,
    )
    response.status_code = exc.status_code if isinstance(exc, RetailError) else 422
    return response
