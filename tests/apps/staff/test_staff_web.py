"""The backend serves the staff web app at /app/staff (no CDN, CJK fonts first); its strings are complete."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from apps.staff.strings import EN, ZH, t
from apps.staff.viewmodels.base import ERROR_KEYS

needs_flet_web = pytest.mark.skipif(
    importlib.util.find_spec("flet_web") is None, reason="needs the apps extra"
)


@needs_flet_web
async def test_the_backend_serves_the_staff_page_without_a_cdn(client):
    page = await client.get("/app/staff/")
    assert page.status_code == 200
    html = page.text
    assert '<base href="/app/staff/">' in html
    assert "flet.noCdn=true" in html and 'flet.webSocketEndpoint="/app/staff/ws"' in html
    assert "<title>OMO 门店助手</title>" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    manifest = (await client.get("/app/staff/assets/FontManifest.json")).json()
    families = {entry["family"]: entry["fonts"][0]["asset"] for entry in manifest}
    assert families["NotoSansSC"] == "../fonts/NotoSansSC-Regular.otf"
    font = await client.get("/app/staff/fonts/NotoSansSC-Regular.otf")
    assert font.status_code == 200 and font.content[:4] == b"OTTO"
    assert (await client.get("/app/shopper/")).status_code == 200


def test_every_staff_string_exists_in_both_languages_and_every_key_used_exists():
    assert set(ZH) == set(EN)
    root = Path(__file__).resolve().parents[3]
    sources = [p.read_text() for p in root.glob("apps/staff/**/*.py")]
    used = {key for text in sources for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", text)}
    used |= {key for text in sources for key in re.findall(r"""["'](staff\.error\.[\w]+)["']""", text)}
    used |= set(ERROR_KEYS.values())
    used |= {f"staff.fulfilment.{f}" for f in ("pickup", "delivery", "shipping")}
    used |= {f"staff.task.{s}" for s in ("to_pick", "picking", "packed")}
    assert len(used) > 40
    for key in used:
        assert t(key, "zh-CN") and t(key, "en"), key
    assert t("staff.picking.progress", "en", picked=1, quantity=2) == "Picked 1 / 2"
    assert t("lang.switch_label", "zh-CN") == "EN"
