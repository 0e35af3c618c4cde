"""Errors of the inventory domain."""

from __future__ import annotations

from backend.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from backend.core.errors import (
    OutOfStock as CoreOutOfStock,
)


class OutOfStock(CoreOutOfStock):
    """Not enough available units; ``detail`` lists each failing sku_id, requested and available."""

    code = "out_of_stock"
    default_message = "库存不足 / Not enough stock."


class ReservationNotActive(Conflict):
    code = "reservation_not_active"
    default_message = "The reservation has expired or was released."


class DocumentNotFound(NotFound):
    code = "stock_document_not_found"
    default_message = "No such stock document."


class TransferNotFound(NotFound):
    code = "transfer_not_found"
    default_message = "No such transfer."


class StocktakeNotFound(NotFound):
    code = "stocktake_not_found"
    default_message = "No such stocktake."


class StockNotFound(NotFound):
    code = "stock_not_found"
    default_message = "This store has no stock record for this SKU."


class AlertNotFound(NotFound):
    code = "stock_alert_not_found"
    default_message = "No such alert."


class DocumentState(InvalidState):
    code = "stock_document_state"
    default_message = "The document is not in a state that allows this."


class UnknownBarcode(ValidationFailed):
    code = "unknown_barcode"
    default_message = "No SKU has this barcode."


class OutOfScope(ValidationFailed):
    code = "sku_out_of_scope"
    default_message = "This SKU is not part of the stocktake."


class UnknownSku(ValidationFailed):
    code = "unknown_sku"
    default_message = "Unknown SKU."
