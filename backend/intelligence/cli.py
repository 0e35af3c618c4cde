"""``omo import transactions`` and ``omo intelligence run``: history in, jobs run with progress bars."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from backend.core.settings import get_settings

import_app = typer.Typer(help="Import data from other systems.", no_args_is_help=True)
intelligence_app = typer.Typer(
    help="Recommendations, forecasts, replenishment, segments, pricing suggestions.", no_args_is_help=True
)
console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@import_app.command("transactions")
def import_transactions(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    map_: list[str] = typer.Option([], "--map", help="field=Column, e.g. --map customer=CustomerID"),
    tz: str = typer.Option("Asia/Shanghai", help="Time zone of times written without one."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the good rows even if some are bad."),
) -> None:
    """Load historical sales (order id, customer, store, SKU/product code, quantity, amount, time)."""
    from backend.core.db import Database
    from backend.core.errors import RetailError
    from backend.intelligence.importer import count_lines, import_rows, parse_mapping

    settings = get_settings()
    try:
        mapping = parse_mapping(map_)
    except RetailError as exc:
        console.print(f"[red]{exc.message}[/]")
        raise typer.Exit(2) from exc

    async def go() -> int:
        db = Database(settings.database_url)
        try:
            with _progress() as progress, file.open(encoding="utf-8-sig", newline="") as handle:
                task = progress.add_task(f"importing {file.name}", total=count_lines(file))
                async with db.sessionmaker() as session:
                    result = await import_rows(
                        session,
                        handle,
                        mapping,
                        tz=tz,
                        skip_bad=skip_bad,
                        progress=lambda n: progress.advance(task, n),
                    )
                    if result.errors and not skip_bad:
                        await session.rollback()
                    else:
                        await session.commit()
                progress.update(task, completed=result.rows)
        except RetailError as exc:
            console.print(f"[red]{exc.message}[/]")
            return 2
        finally:
            await db.dispose()
        for error in result.errors[:50]:
            console.print(f"[red]line {error.line}:[/] {error.reason}")
        if len(result.errors) > 50:
            console.print(f"[red]... and {len(result.errors) - 50} more bad rows[/]")
        if result.errors and not skip_bad:
            console.print(
                f"[red]nothing imported:[/] {len(result.errors)} bad rows (fix them or add --skip-bad)"
            )
            return 1
        console.print(
            f"[green]imported {result.imported}[/] lines, {result.already} already there, "
            f"{len(result.errors)} bad, of {result.rows} rows"
        )
        return 0

    raise typer.Exit(asyncio.run(go()))


@intelligence_app.command("run")
def run_task(
    name: str = typer.Argument(..., help="recommendations | plan_stock | segments | pricing | all"),
) -> None:
    """Run an intelligence job now, with progress bars (also scheduled as intelligence.<name>)."""
    from backend.core.db import Database
    from backend.core.jobs import WATCHER, run_job
    from backend.intelligence.tasks import TASKS
    from backend.jobs import JOBS

    names = list(TASKS) if name == "all" else [name]
    if any(n not in TASKS for n in names):
        console.print(f"[red]no job {name!r}[/]; one of: {', '.join(TASKS)}, all")
        raise typer.Exit(2)
    settings = get_settings()

    async def go() -> int:
        db = Database(settings.database_url)
        failed = 0
        try:
            with _progress() as progress:
                for n in names:
                    task = progress.add_task(n, total=None)

                    def report(stage: str, done: int, total: int, task: int = task, n: str = n) -> None:
                        progress.update(task, description=f"{n}: {stage}", completed=done, total=total)

                    WATCHER.set(report)
                    job = next(j for j in JOBS if j.name == f"intelligence.{n}")
                    record = await run_job(db, settings, job, wait_for_lock=True)
                    assert record is not None
                    colour = "green" if record.status == "ok" else "red"
                    progress.console.print(
                        f"[{colour}]{n} {record.status}[/] in {record.duration_ms} ms: "
                        f"{record.result or record.error}"
                    )
                    failed += record.status != "ok"
        finally:
            await db.dispose()
        return 1 if failed else 0

    raise typer.Exit(asyncio.run(go()))
