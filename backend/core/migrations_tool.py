"""Regenerate the initial migration from the models (used only until the first release)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from backend.core.migrations import MIGRATIONS_DIR, alembic_config


def regenerate() -> Path:
    versions = MIGRATIONS_DIR / "versions"
    for old in versions.glob("*_initial_schema.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/empty.db"
        command.revision(alembic_config(url), message="initial schema", autogenerate=True, rev_id="0001")
    created = next(versions.glob("*_initial_schema.py"))
    lines = created.read_text().splitlines(keepends=True)
    created.write_text("".join(line for line in lines if "### " not in line))
    return created


if __name__ == "__main__":
    if sys.argv[1:] != ["regenerate"]:
        sys.exit("usage: python -m backend.core.migrations_tool regenerate")
    print(regenerate())
