"""Helpers the staff app's view-model tests share: an SDK client on the in-process app, a signed-in
staff session, barcodes with real check digits."""

from __future__ import annotations

import itertools
from pathlib import Path

import httpx

from apps.staff.viewmodels import MemoryStore, StaffSessionVM
from apps.staff.viewmodels.sync import SyncVM
from shared.devices.gtin import check_digit
from shared.sdk import AsyncClient
from shared.sdk.outbox import Outbox
from tests.factories import PASSWORD

_seq = itertools.count(300)


def ean13(prefix: str = "690777") -> str:
    body = f"{prefix}{next(_seq):06d}"[:12]
    return body + str(check_digit(body))


def sdk_for(app) -> AsyncClient:  # type: ignore[no-untyped-def]
    return AsyncClient(http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test"))


async def signed_in(sdk: AsyncClient, username: str) -> StaffSessionVM:
    vm = StaffSessionVM(sdk, MemoryStore())
    vm.username, vm.password = username, PASSWORD
    assert await vm.sign_in(), vm.error
    return vm


def sync_vm(sdk: AsyncClient, home: Path) -> SyncVM:
    return SyncVM(sdk, Outbox(home / "outbox.sqlite"))
