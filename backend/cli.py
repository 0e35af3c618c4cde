"""The ``omo`` command: database, demo data, the server, jobs and benchmarks."""

from __future__ import annotations

import asyncio
import os

import typer
from rich.console import Console

from backend.core.settings import get_settings

app = typer.Typer(help="OMO Retail: run and operate the backend.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
seed_app = typer.Typer(help="Demo and sample data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
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
    workers: int = typer.Option(1, help="Worker processes (each a full backend)."),
    reload: bool = False,
) -> None:
    """Run the backend with uvicorn."""
    import uvicorn

    settings = get_settings()
    base = f"http://{host}:{port}"
    console.print(f"[bold]OMO Retail[/] on {base}  (database: {_safe_url(settings.database_url)})")
    console.print(f"  API docs   {base}/docs")
    console.print(f"  HQ pages   {base}/hq")
    console.print(f"  Shopper    {base}/app/shopper")
    console.print(f"  Staff      {base}/app/staff")
    os.environ.setdefault("OMO_PUBLIC_BASE_URL", base)
    uvicorn.run(
        "backend.asgi:app",
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        log_level="info",
    )


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
