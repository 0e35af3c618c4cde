"""Franchise merchants, who funds discounts, and settlement statements."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.franchise.schemas import Funding, Merchant, Statement
from shared.sdk.base import Call, Resource


class FranchiseAPI(Resource):
    def merchants(self) -> list[Merchant]:
        return self._call(Call("GET", "/franchise/merchants", model=list[Merchant]))

    def create_merchant(self, code: str, name: str, commission_bp: int, **fields: Any) -> Merchant:
        body = {"code": code, "name": name, "commission_bp": commission_bp, **fields}
        return self._call(Call("POST", "/franchise/merchants", json=body, model=Merchant))

    def update_merchant(self, merchant_id: int, **fields: Any) -> Merchant:
        return self._call(Call("PATCH", f"/franchise/merchants/{merchant_id}", json=fields, model=Merchant))

    def funding(self) -> list[Funding]:
        return self._call(Call("GET", "/franchise/funding", model=list[Funding]))

    def set_funding(self, kind: str, ref_id: int, funder: str) -> Funding:
        """``kind`` promotion | coupon_template; ``funder`` hq | merchant."""
        body = {"kind": kind, "ref_id": ref_id, "funder": funder}
        return self._call(Call("PUT", "/franchise/funding", json=body, model=Funding))

    def generate_statement(self, merchant_id: int, period_start: date, period_end: date) -> Statement:
        """The statement for whole past local days (the same one when asked again)."""
        body = {
            "merchant_id": merchant_id,
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
        }
        return self._call(Call("POST", "/franchise/statements", json=body, model=Statement))

    def statements(self, merchant_id: int | None = None) -> list[Statement]:
        params = {"merchant_id": merchant_id}
        return self._call(Call("GET", "/franchise/statements", params=params, model=list[Statement]))

    def statement(self, statement_id: int) -> Statement:
        return self._call(Call("GET", f"/franchise/statements/{statement_id}", model=Statement))

    @staticmethod
    def document_path(statement_id: int, fmt: str = "pdf") -> str:
        """The API path (under /api/v1) that downloads a statement as ``pdf`` or ``csv``."""
        return f"/franchise/statements/{statement_id}/document?format={fmt}"
