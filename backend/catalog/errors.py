from __future__ import annotations

from backend.core.errors import Conflict, InvalidState, NotFound, PayloadTooLarge, ValidationFailed


class CategoryNotFound(NotFound):
    code = "category_not_found"
    default_message = "No such category."


class ProductNotFound(NotFound):
    code = "product_not_found"
    default_message = "No such product."


class SkuNotFound(NotFound):
    code = "sku_not_found"
    default_message = "No such SKU."


class BarcodeNotFound(NotFound):
    code = "barcode_not_found"
    default_message = "No product has this barcode."


class ImageNotFound(NotFound):
    code = "image_not_found"
    default_message = "No such image."


class DuplicateCode(Conflict):
    code = "duplicate_code"
    default_message = "This code is already used."


class DuplicateBarcode(Conflict):
    code = "duplicate_barcode"
    default_message = "This barcode already belongs to a SKU."


class DuplicateSpecs(Conflict):
    code = "duplicate_specs"
    default_message = "Another SKU of this product has the same specs."


class InvalidBarcode(ValidationFailed):
    code = "invalid_barcode"
    default_message = "This is not a valid EAN-13, EAN-8 or UPC-A barcode."


class SpecMismatch(ValidationFailed):
    code = "spec_mismatch"
    default_message = "A SKU must give exactly the product's spec names."


class CategoryCycle(ValidationFailed):
    code = "category_cycle"
    default_message = "A category cannot sit under itself or its own descendants."


class ProductStateError(InvalidState):
    code = "product_state"
    default_message = "The product cannot change to this status now."


class InvalidImage(ValidationFailed):
    code = "invalid_image"
    default_message = "The file is not an image we can read (PNG, JPEG, WebP or GIF)."


class ImageTooLarge(PayloadTooLarge):
    code = "image_too_large"
    default_message = "The image is too large."
