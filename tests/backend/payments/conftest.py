from __future__ import annotations

import pytest

from backend.payments.config import runtime


@pytest.fixture
def payments_runtime(app, settings):  # type: ignore[no-untyped-def]
    """The payments runtime the test's app serves (sandbox only unless a test configures more)."""
    return runtime(settings)
