from __future__ import annotations

from backend.core.errors import NotFound


class StoreNotFound(NotFound):
    code = "store_not_found"
    default_message = "No such store."
