from __future__ import annotations

import pytest

from tests.apps.staff.staff_world import sdk_for


@pytest.fixture
async def sdk(app):  # type: ignore[no-untyped-def]
    async with sdk_for(app) as client:
        yield client
