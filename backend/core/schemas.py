"""Shared pydantic building blocks."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

# Mainland China mobile numbers: 11 digits starting 1[3-9].
Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9]\d{9}$")]
Fen = Annotated[int, Field(ge=0, le=10**12, description="Amount in fen (分, 1/100 yuan)")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
