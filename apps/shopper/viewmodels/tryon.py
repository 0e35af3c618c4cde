"""AR try-on (虚拟试戴) for products that have an overlay: the shopper takes or picks a photo, MediaPipe
finds the face or body landmarks, the product's overlay is drawn on, and the picture comes back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from apps.shopper.viewmodels.base import ViewModel
from backend.catalog.schemas import ProductDetail

MAX_PHOTO_BYTES = 8 * 1024 * 1024


class TryOnVM(ViewModel):
    """The overlays of one product and the last picture rendered with them."""

    def __init__(self, asset_dir: str | Path | None = None) -> None:
        super().__init__()
        self.asset_dir = asset_dir
        self._assets: dict[str, Any] | None = None
        self.assets: list[Any] = []  # TryOnAsset of the product on screen
        self.picture: bytes | None = None
        self.placements: list[Any] = []  # where each overlay went on the last picture
        self.product_id: int | None = None

    def _all(self) -> dict[str, Any]:
        if self._assets is None:
            try:
                from shared.devices.tryon import ASSET_DIR, load_assets
            except ImportError:  # a build without MediaPipe / OpenCV: no try-on
                self._assets = {}
            else:
                self._assets = load_assets(self.asset_dir or ASSET_DIR)
        return self._assets

    def for_product(self, product: ProductDetail | None) -> bool:
        """Find the overlays for the product's SKUs; True if it can be tried on."""
        codes = {s.code for s in product.skus} if product else set()
        self.assets = [a for a in self._all().values() if a.product_sku and a.product_sku in codes]
        if product is None or product.id != self.product_id:
            self.picture, self.error = None, None
        self.product_id = product.id if product else None
        return bool(self.assets)

    @property
    def available(self) -> bool:
        return bool(self.assets)

    def name(self, lang: str) -> str:
        names = self.assets[0].name if self.assets else {}
        return names.get("en" if lang == "en" else "zh") or names.get("zh", "")

    async def try_on(self, photo: bytes) -> bool:
        """Draw the product on the photo; False with ``error`` (no face, no body, unreadable photo)."""
        if not self.assets:
            return False
        if len(photo) > MAX_PHOTO_BYTES:
            self.error = "tryon.image_unreadable"
            self.notify()
            return False
        self.busy, self.error = True, None
        self.notify()
        try:
            result = await asyncio.to_thread(_render, photo, self.assets)
        finally:
            self.busy = False
        self.picture = result.encode(".jpg") if result.ok else None
        self.placements = list(result.placements) if result.ok else []
        self.error = None if result.ok else result.message_key
        self.notify()
        return result.ok

    def clear(self) -> None:
        self.picture, self.error = None, None
        self.notify()


def _render(photo: bytes, assets: list[Any]) -> Any:
    from shared.devices.tryon import TryOn

    with TryOn(mode="photo") as engine:
        return engine.apply(photo, assets)
