"""The backend serves the shopper web app at /app/shopper with nothing loaded from a CDN."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from shared.i18n import LANGS, TABLES, normalize, pick, t
from shared.ui import format as fmt

needs_flet_web = pytest.mark.skipif(
    importlib.util.find_spec("flet_web") is None, reason="needs the apps extra"
)


@needs_flet_web
async def test_the_backend_serves_the_shopper_page_without_a_cdn(client):
    page = await client.get("/app/shopper/")
    assert page.status_code == 200
    html = page.text
    assert '<base href="/app/shopper/">' in html
    assert "flet.noCdn=true" in html and 'flet.canvasKitBaseUrl="/app/shopper/canvaskit/"' in html
    assert 'flet.webSocketEndpoint="/app/shopper/ws"' in html
    assert "<title>OMO 商城</title>" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)

    canvaskit = await client.get("/app/shopper/canvaskit/canvaskit.wasm")
    assert canvaskit.status_code == 200 and len(canvaskit.content) > 1_000_000


@needs_flet_web
async def test_the_cjk_fonts_load_before_the_first_frame(client):
    manifest = (await client.get("/app/shopper/assets/FontManifest.json")).json()
    families = {entry["family"]: entry["fonts"][0]["asset"] for entry in manifest}
    assert families["NotoSansSC"] == "../fonts/NotoSansSC-Regular.otf"
    assert "MaterialIcons" in families and "Roboto" in families
    # The manifest path, resolved against Flutter's assets/ folder, is the file the backend serves.
    font = await client.get("/app/shopper/fonts/NotoSansSC-Regular.otf")
    assert font.status_code == 200 and font.content[:4] == b"OTTO"
    # Flutter's own fallback for Chinese (Google's font slices) is answered with the same file.
    fallback = await client.get("/app/shopper/assets/fonts/notosanssc/v37/abc.117.woff2")
    assert (
        fallback.status_code == 302
        and fallback.headers["location"] == "/app/shopper/fonts/NotoSansSC-Regular.otf"
    )


def test_every_string_exists_in_both_languages_and_every_key_used_exists():
    assert set(TABLES["zh-CN"]) == set(TABLES["en"])
    root = Path(__file__).resolve().parents[3]
    sources = [*root.glob("apps/shopper/**/*.py"), *root.glob("shared/ui/*.py")]
    used = {key for path in sources for key in re.findall(r"""\.t\(\s*["']([\w.]+)["']""", path.read_text())}
    used |= {
        key
        for path in sources
        for key in re.findall(r"""["']((?:error|onboarding)\.[\w]+)["']""", path.read_text())
    }
    assert used, "no keys found"
    assert used <= set(TABLES["zh-CN"]), sorted(used - set(TABLES["zh-CN"]))
    assert normalize("zh_CN") == "zh-CN" and normalize("en-US") == "en" and normalize(None) == "zh-CN"
    assert LANGS == ("zh-CN", "en")
    assert t("search.count", "en", n=3) == "3 products" and t("search.count", None, n=3) == "共 3 件商品"
    assert (
        pick("en", "牛奶", "Milk") == "Milk"
        and pick("en", "牛奶", "") == "牛奶"
        and pick("zh", "牛奶", "Milk") == "牛奶"
    )


def test_prices_distances_and_opening_hours_read_naturally():
    from datetime import UTC, datetime

    assert fmt.price(650) == "¥6.50" and fmt.price(5) == "¥0.05" and fmt.price(123456789) == "¥1,234,567.89"
    assert fmt.price(-250) == "-¥2.50" and fmt.price(None) == "—"
    assert fmt.distance(117) == "117 米" and fmt.distance(2690, "en") == "2.7 km"
    hours = {"mon": ["08:00", "22:00"], "sun": ["00:00", "24:00"]}
    monday_9am_shanghai = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert fmt.hours_today(hours, "Asia/Shanghai", now=monday_9am_shanghai) == "今日 08:00–22:00"
    sunday_late_utc = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # Sunday 23:00 in Shanghai
    assert fmt.hours_today(hours, "Asia/Shanghai", "en", now=sunday_late_utc) == "Open 24 hours"
    saturday = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)
    assert fmt.hours_today(hours, "Asia/Shanghai", now=saturday) == "今日休息"


def test_the_backend_starts_without_the_apps_extra(tmp_path):
    """Without flet-web the API still starts; /app/shopper is simply not there."""
    code = (
        "import sys; sys.modules['flet_web'] = None\n"
        "from fastapi.testclient import TestClient\n"
        "from backend.app import create_app\n"
        "with TestClient(create_app()) as c:\n"
        "    assert c.get('/healthz').status_code == 200\n"
        "    assert c.get('/app/shopper/').status_code == 404\n"
        "assert 'flet' not in sys.modules, 'flet was imported'\n"
    )
    import os
    import subprocess
    import sys

    env = {**os.environ, "OMO_DATABASE_URL": f"sqlite:///{tmp_path / 'omo.db'}", "OMO_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
