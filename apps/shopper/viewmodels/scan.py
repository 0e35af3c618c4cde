"""Scan a product's barcode to open it: from a photo (the phone's camera or a picture), decoded with zbar
through ``shared.devices.scanner``, or typed in; the barcode is looked up at the chosen store."""

from __future__ import annotations

import asyncio

from apps.shopper.viewmodels.base import ViewModel
from backend.catalog.schemas import BarcodeMatch
from shared.devices.scanner import ImageUnreadable, Scanner, Symbology
from shared.sdk import AsyncClient

# Retail barcodes on packs (EAN/UPC) plus Code 128 shelf labels.
SYMBOLOGIES = (Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE, Symbology.CODE128)


class ScanVM(ViewModel):
    def __init__(self, client: AsyncClient, scanner: Scanner | None = None) -> None:
        super().__init__()
        self.client = client
        self.scanner = scanner or Scanner(symbologies=SYMBOLOGIES)
        self.code: str | None = None
        self.match: BarcodeMatch | None = None

    async def scan_photo(self, data: bytes, store_id: int | None) -> int | None:
        """Read the barcode in a photo and find its product; the product id, or None with ``error``."""
        self.code, self.match = None, None
        try:
            outcome = await asyncio.to_thread(self.scanner.scan, data)
        except ImageUnreadable:
            return self._fail("scan.unreadable")
        if outcome.error and not outcome.results:
            return self._fail("scan.unreadable")
        if not outcome.results:
            return self._fail("scan.no_code")
        return await self.open_code(outcome.results[0].text, store_id)

    async def open_code(self, code: str, store_id: int | None) -> int | None:
        """Look a barcode up at the store; the product id, or None with ``error``."""
        code = code.strip()
        if not code:
            return self._fail("scan.no_code")
        self.code = code
        self.match = await self._run(self.client.catalog.lookup_barcode(code, store_id=store_id))
        if self.match is None:
            if self.error == "error.not_found":
                self.error = "scan.unknown_code"
            self.notify()
            return None
        self.notify()
        return self.match.product.id

    def _fail(self, key: str) -> None:
        self.error = key
        self.notify()
        return None
