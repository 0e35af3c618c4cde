from __future__ import annotations

from backend.core.errors import NotFound, ValidationFailed


class PriceListNotFound(NotFound):
    code = "price_list_not_found"
    default_message = "No such price list."


class UnknownSkus(NotFound):
    code = "unknown_skus"
    default_message = "Some SKUs do not exist."


class InvalidScope(ValidationFailed):
    code = "invalid_scope"
    default_message = "The price list's scope value does not name an existing store, region or city tier."
