"""Typed errors of the assistant."""

from __future__ import annotations

from backend.core.errors import NotFound


class FaqNotFound(NotFound):
    code = "faq_not_found"
    default_message = "No such FAQ entry."
