from __future__ import annotations

import pytest

from backend.payments.config import configure


@pytest.fixture(autouse=True)
def payments_runtime(settings):  # type: ignore[no-untyped-def]
    """Payments (the sandbox gateway) set up for this test's app settings."""
    return configure(settings)
