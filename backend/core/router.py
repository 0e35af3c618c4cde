from __future__ import annotations

from fastapi import APIRouter, Request

from backend.core.security import qr_public_key_b64

router = APIRouter(tags=["core"])


@router.get("/keys/qr")
async def qr_public_key(request: Request) -> dict[str, str]:
    """The public key that verifies the signatures of our QR codes (Ed25519, base64url)."""
    return {"algorithm": "Ed25519", "public_key": qr_public_key_b64(request.app.state.settings.var_dir)}
