from __future__ import annotations

import asyncio

from sqlalchemy import select

from backend.core.jobs import Job, JobRun, Scheduler, last_runs, run_job


async def test_a_run_is_recorded_with_its_result(app, settings):
    async def count(db, _settings):
        return {"counted": 3}

    record = await run_job(app.state.db, settings, Job("test.count", 60, count))
    assert record.status == "ok" and record.result == {"counted": 3} and record.duration_ms is not None
    runs = await last_runs(app.state.db)
    assert runs["test.count"][0].id == record.id


async def test_a_failing_job_is_recorded_not_raised(app, settings):
    async def broken(db, _settings):
        raise RuntimeError("upstream is down")

    record = await run_job(app.state.db, settings, Job("test.broken", 60, broken))
    assert record.status == "failed" and "upstream is down" in record.error


async def test_one_job_runs_on_one_process_at_a_time(app, settings, test_db):
    """Two schedulers reach a due job together: on PostgreSQL the advisory lock lets only one run it."""
    started = asyncio.Event()
    release = asyncio.Event()
    calls = 0

    async def slow(db, _settings):
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return calls

    job = Job("test.slow", 60, slow)
    first = asyncio.create_task(run_job(app.state.db, settings, job))
    await started.wait()
    second = await run_job(app.state.db, settings, job) if test_db.kind == "postgresql" else None
    release.set()
    assert (await first).status == "ok"
    assert second is None and calls == 1


async def test_scheduler_runs_due_jobs_in_the_background(app, settings, session):
    ran = asyncio.Event()

    async def tick(db, _settings):
        ran.set()
        return 1

    scheduler = Scheduler(app.state.db, settings, [Job("test.tick", 0.05, tick)], tick_s=0.02)
    scheduler.start()
    await asyncio.wait_for(ran.wait(), timeout=10)
    await scheduler.stop()
    names = list(await session.scalars(select(JobRun.name)))
    assert "test.tick" in names


async def test_a_running_job_reports_its_progress(app, settings, test_db):
    """What a job reports while it runs is readable at once (and stored on the run on PostgreSQL); the
    run keeps its last step when it ends."""
    from backend.core.jobs import LIVE_PROGRESS, report_progress

    halfway = asyncio.Event()
    release = asyncio.Event()

    async def steps(db, _settings):
        report_progress("load", 1, 4)
        report_progress("fit", 2, 4)
        halfway.set()
        await release.wait()
        report_progress("save", 4, 4)
        return {"ok": 1}

    task = asyncio.create_task(run_job(app.state.db, settings, Job("test.steps", 60, steps)))
    await asyncio.wait_for(halfway.wait(), timeout=10)
    run_id = next(i for i, step in LIVE_PROGRESS.items() if step["stage"] == "fit")
    assert (LIVE_PROGRESS[run_id]["done"], LIVE_PROGRESS[run_id]["total"]) == (2, 4)
    if test_db.kind == "postgresql":
        for _ in range(100):
            async with app.state.db.sessionmaker() as session:
                row = await session.get(JobRun, run_id)
                if row is not None and row.progress and row.progress["stage"] == "fit":
                    break
            await asyncio.sleep(0.05)
        assert row is not None and row.status == "running" and row.progress["done"] == 2
    release.set()
    record = await task
    assert record.status == "ok" and record.progress["stage"] == "save" and run_id not in LIVE_PROGRESS
