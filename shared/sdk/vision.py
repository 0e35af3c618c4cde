"""Photo search (拍照识别)."""

from __future__ import annotations

from backend.vision.schemas import IndexStatus, PhotoSearch
from shared.sdk.base import Call, Resource


class VisionAPI(Resource):
    def search(self, image: bytes, limit: int = 5, filename: str = "photo.jpg") -> PhotoSearch:
        """Products in a photo, best first (by barcode when one is readable, else by looks)."""
        return self._call(
            Call(
                "POST",
                "/vision/search",
                params={"limit": limit},
                files={"image": (filename, image)},
                model=PhotoSearch,
                auth=False,
            )
        )

    def refresh_index(self, rebuild: bool = False) -> IndexStatus:
        """Index new catalog pictures now (HQ)."""
        return self._call(Call("POST", "/vision/index", params={"rebuild": rebuild}, model=IndexStatus))
