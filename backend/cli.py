"""The ``omo`` command: database, demo data, the server, jobs and benchmarks."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import typer
from rich.console import Console

from backend.core.settings import get_settings
from backend.intelligence.cli import import_app, intelligence_app

app = typer.Typer(help="OMO Retail: run and operate the backend.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
seed_app = typer.Typer(help="Demo and sample data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
jobs_app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(import_app, name="import")
app.add_typer(intelligence_app, name="intelligence")
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from backend.core.migrations import upgrade

    settings = get_settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]database at {revision}[/]: {_safe_url(settings.database_url)}")


@seed_app.command("demo")
def seed_demo() -> None:
    """Load the demo chain (idempotent: a second run changes nothing)."""
    from backend.seed.demo import run

    summary = asyncio.run(run(get_settings(), console=console))
    console.print(summary)


@app.command("serve")
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = typer.Option(1, help="Worker processes, each a full backend (jobs still run once)."),
    reload: bool = False,
    jobs: bool = typer.Option(True, help="Run scheduled jobs here (they take a lock: once across hosts)."),
    proxy_headers: bool = typer.Option(
        False, help="Behind a load balancer: take client address and scheme from X-Forwarded-*."
    ),
    forwarded_allow_ips: str = typer.Option("127.0.0.1", help="Proxies trusted for X-Forwarded-*."),
    graceful_timeout: int = typer.Option(20, help="Seconds to finish requests on SIGTERM."),
) -> None:
    """Run the backend with uvicorn."""
    import uvicorn

    if workers < 1:
        raise typer.BadParameter("--workers must be at least 1")
    if reload and workers > 1:
        raise typer.BadParameter("--reload runs a single process; drop --workers")
    os.environ["OMO_JOBS_ENABLED"] = "true" if jobs else "false"
    if proxy_headers:
        os.environ["OMO_TRUST_PROXY_HEADERS"] = "true"
    settings = get_settings()
    base = f"http://{host}:{port}"
    console.print(f"[bold]OMO Retail[/] on {base}  (database: {_safe_url(settings.database_url)})")
    console.print(f"  workers    {workers}   jobs {'on' if jobs else 'off'}")
    console.print(f"  API docs   {base}/docs")
    console.print(f"  HQ pages   {base}/hq")
    console.print(f"  Shopper    {base}/app/shopper")
    console.print(f"  Staff      {base}/app/staff")
    if workers > 1 and settings.database_url.startswith("sqlite"):
        console.print("[yellow]several workers on SQLite share one file: fine for a shop, not for a chain[/]")
    os.environ.setdefault("OMO_PUBLIC_BASE_URL", base)
    uvicorn.run(
        "backend.asgi:app",
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None,
        timeout_graceful_shutdown=graceful_timeout,
        log_level="info",
    )


@app.command("backup")
def backup_cmd(
    out: Path | None = typer.Option(None, help="Backup file (default: var/backups/omo-<time>.*)"),
) -> None:
    """Back the database up (SQLite online backup, or pg_dump for PostgreSQL)."""
    from backend.core.backup import BackupError, backup, default_file, figures

    settings = get_settings()
    target = out or default_file(settings.database_url, settings.var_dir / "backups")
    try:
        backup(settings.database_url, target)
    except BackupError as exc:
        console.print(f"[red]backup failed:[/] {exc}")
        raise typer.Exit(1) from exc
    rows = sum(f.rows for f in figures(settings.database_url).values())
    console.print(f"[green]backed up[/] {rows} rows to {target}")


@app.command("restore")
def restore_cmd(
    source: Path,
    yes: bool = typer.Option(False, "--yes", help="Confirm replacing the database's contents."),
) -> None:
    """Replace the database's contents with a backup (stop the backend first)."""
    from backend.core.backup import BackupError, figures, restore

    settings = get_settings()
    if not yes:
        console.print(f"This replaces everything in {_safe_url(settings.database_url)}. Add --yes to go on.")
        raise typer.Exit(2)
    try:
        restore(settings.database_url, source)
    except BackupError as exc:
        console.print(f"[red]restore failed:[/] {exc}")
        raise typer.Exit(1) from exc
    rows = sum(f.rows for f in figures(settings.database_url).values())
    console.print(f"[green]restored[/] {rows} rows from {source}")


@jobs_app.command("list")
def jobs_list() -> None:
    """The scheduled jobs and their last runs."""
    from rich.table import Table

    from backend.core.db import Database
    from backend.core.jobs import last_runs
    from backend.jobs import JOBS

    settings = get_settings()

    async def load() -> dict[str, list]:
        db = Database(settings.database_url)
        try:
            return await last_runs(db, limit_per_job=1)
        finally:
            await db.dispose()

    runs = asyncio.run(load())
    table = Table("job", "every", "last run (UTC)", "status", "ms", "result")
    for job in JOBS:
        last = runs.get(job.name, [None])[0]
        table.add_row(
            job.name,
            f"{job.every_s:g} s",
            f"{last.started_at:%Y-%m-%d %H:%M:%S}" if last else "never",
            last.status if last else "",
            str(last.duration_ms or "") if last else "",
            str(last.result or last.error or "")[:60] if last else "",
        )
    console.print(table)


@jobs_app.command("run")
def jobs_run(name: str) -> None:
    """Run one job now (waits if another process is running it)."""
    from backend.core.db import Database
    from backend.core.jobs import run_job
    from backend.jobs import JOBS

    settings = get_settings()
    job = next((j for j in JOBS if j.name == name), None)
    if job is None:
        console.print(f"[red]no job {name!r}[/]; see `omo jobs list`")
        raise typer.Exit(2)

    async def go() -> None:
        db = Database(settings.database_url)
        try:
            with console.status(f"running {name}..."):
                record = await run_job(db, settings, job, wait_for_lock=True)
            assert record is not None
            colour = "green" if record.status == "ok" else "red"
            console.print(
                f"[{colour}]{record.status}[/] in {record.duration_ms} ms: {record.result or record.error}"
            )
            if record.status != "ok":
                raise typer.Exit(1)
        finally:
            await db.dispose()

    asyncio.run(go())


@app.command("bench")
def bench(names: list[str] = typer.Argument(None, help="Benchmarks to run, or 'all'.")) -> None:
    """Run benchmarks (each against its own in-run baseline) and write docs/performance.md."""
    from bench.run import available, run

    chosen = available() if not names or names == ["all"] else names
    raise typer.Exit(run(chosen))


def _safe_url(url: str) -> str:
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


if __name__ == "__main__":
    app()
