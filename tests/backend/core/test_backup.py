from __future__ import annotations

import os
import subprocess
import sys

import pytest

from backend.core.backup import BackupError, backup, figures, restore
from backend.members import wallet
from tests.factories import create_member, create_merchant, create_staff, create_store, member_token


async def test_backup_round_trip_keeps_every_row(client, app, session, settings, test_db, tmp_path):
    merchant = await create_merchant(session)
    stores = [await create_store(session, merchant_id=merchant.id) for _ in range(3)]
    await create_staff(session, ["store_manager"], stores)
    member = await create_member(session, name="备份测试")
    await wallet.top_up(session, settings, member.id, 12345, "till_cash", "k1")
    await wallet.earn_points(session, member.id, 88, "order", "1", valid_days=365)
    await session.commit()
    await member_token(client, app, "13900001111")
    before = figures(test_db.url)
    assert sum(f.rows for f in before.values()) > 15

    dump = backup(test_db.url, tmp_path / "omo.backup")
    test_db.clean()
    assert sum(f.rows for f in figures(test_db.url).values()) == 0
    await app.state.db.dispose()
    restore(test_db.url, dump)
    assert figures(test_db.url) == before


def test_restore_refuses_a_missing_or_damaged_file(test_db, tmp_path):
    with pytest.raises(BackupError, match="no backup"):
        restore(test_db.url, tmp_path / "missing")
    damaged = tmp_path / "damaged"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(BackupError):
        restore(test_db.url, damaged)


def test_cli_backup_then_restore(test_db, tmp_path):
    env = {**os.environ, "OMO_DATABASE_URL": test_db.url, "OMO_VAR_DIR": str(tmp_path)}
    out = tmp_path / "cli.backup"
    made = subprocess.run(
        [sys.executable, "-m", "backend.cli", "backup", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "backend.cli", "restore", str(out)], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "--yes" in refused.stdout
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", "restore", str(out), "--yes"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
