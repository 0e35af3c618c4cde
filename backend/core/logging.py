"""Structured logging: one JSON object per line in production, readable lines in development.

Every handler installed here carries :class:`PersonalDataFilter`, so phone numbers, addresses and
ID numbers never reach a log file in the clear, whoever wrote the log call.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from backend.core.privacy import mask_text, mask_value

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

# Loggers outside "omo" that see request data (access lines carry query strings).
_THIRD_PARTY = ("uvicorn.access", "uvicorn.error", "sqlalchemy.engine")


class PersonalDataFilter(logging.Filter):
    """Mask personal data in a record's message, arguments and extra fields before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Arguments keep their shape: some formatters (uvicorn's access log) unpack them.
        if isinstance(record.args, dict):
            record.args = mask_value("", record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(mask_value("", a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                record.__dict__[key] = mask_value(key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        body.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            body["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(body, ensure_ascii=False, default=str)


def make_handler(json_lines: bool, stream: Any = None) -> logging.Handler:
    """A stream handler with the house format and the personal-data filter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(PersonalDataFilter())
    return handler


def configure(json_lines: bool, level: int = logging.INFO) -> None:
    root = logging.getLogger("omo")
    root.handlers[:] = [make_handler(json_lines)]
    root.setLevel(level)
    root.propagate = False
    for name in _THIRD_PARTY:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PersonalDataFilter) for f in logger.filters):
            logger.addFilter(PersonalDataFilter())
