"""Driving the Flet web build in Debian's Chromium with Playwright (no browser downloads).

``open_browser()`` starts headless Chromium with a fresh profile; ``FlutterPage`` wraps a Playwright
page showing a Flet app: it waits for Flutter to start, turns on its semantics tree (Flutter web only
builds the accessible DOM after a click on ``flt-semantics-placeholder``), and finds controls by role and
accessible name, the way a screen reader sees them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect, sync_playwright

CHROMIUM = os.environ.get("OMO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
PHONE_VIEWPORT = {"width": 412, "height": 915}
# How long one step (a control to appear, a text to show) may take; Flutter web in a software-rendered
# headless Chromium is slow on a busy 2-core machine.
STEP_MS = int(os.environ.get("OMO_E2E_STEP_MS", "45000"))
FILL_PAUSE_MS = 600


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists()


# The marks of a test that drives a Flet app's web build in Chromium.
FLET_WEB_E2E = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not chromium_available(), reason="needs Chromium at /usr/bin/chromium"),
    pytest.mark.skipif(
        importlib.util.find_spec("flet_web") is None, reason="needs the apps extra (flet-web)"
    ),
]


@contextmanager
def open_browser(viewport: dict[str, int] | None = None, locale: str = "zh-CN") -> Iterator[BrowserContext]:
    """A Chromium context with a throwaway profile; closed (and the profile deleted) on exit."""
    profile = tempfile.mkdtemp(prefix="omo-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=FLAGS,
                viewport=viewport or PHONE_VIEWPORT,
                locale=locale,
                device_scale_factor=2,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def foreground_page(context: BrowserContext) -> Page:
    """The context's first tab. A persistent context opens one at start; a second tab opened with
    ``new_page()`` would sit in the background, where Chromium throttles animation frames and Flutter
    stops painting (its semantics tree still updates, so tests pass on pictures that are stale)."""
    return context.pages[0] if context.pages else context.new_page()


class FlutterPage:
    """A Flet app in a browser tab, driven through Flutter's semantics tree."""

    def __init__(self, page: Page, artifacts: Path | None = None) -> None:
        self.page = page
        self.artifacts = artifacts or ARTIFACTS
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.console: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []  # "<status> <url>" of every answer >= 400
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("request", lambda req: self.requests.append(req.url))
        page.on(
            "response",
            lambda res: self.failed.append(f"{res.status} {res.url}") if res.status >= 400 else None,
        )

    def open(self, url: str, timeout_ms: int = 60_000) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(
            "flt-semantics-placeholder, flutter-view", state="attached", timeout=timeout_ms
        )
        self.enable_semantics(timeout_ms)

    def enable_semantics(self, timeout_ms: int = 60_000) -> None:
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=timeout_ms)
        placeholder.dispatch_event("click")
        self.page.wait_for_selector("flt-semantics", state="attached", timeout=timeout_ms)

    def button(self, name: str | re.Pattern[str]) -> Locator:
        return self.page.get_by_role("button", name=name)

    def field(self, label: str | re.Pattern[str]) -> Locator:
        return self.page.get_by_role("textbox", name=label)

    def text(self, text: str | re.Pattern[str]) -> Locator:
        return self.page.get_by_text(text)

    def tap(self, name: str | re.Pattern[str], timeout_ms: int = STEP_MS) -> None:
        target = self.button(name).first
        expect(target).to_be_visible(timeout=timeout_ms)
        target.click()

    def choose(self, name: str | re.Pattern[str], timeout_ms: int = STEP_MS) -> None:
        """Tap a choice chip (Flutter exposes selectable chips as checkboxes)."""
        target = self.page.get_by_role("checkbox", name=name).first
        expect(target).to_be_visible(timeout=timeout_ms)
        target.click()

    def fill(self, label: str | re.Pattern[str], value: str, timeout_ms: int = STEP_MS) -> None:
        for _attempt in range(3):
            target = self.field(label).first
            expect(target).to_be_visible(timeout=timeout_ms)
            target.click()
            target.fill(value)
            # Give the change event time to reach the app before the next tap, as a person's pause would.
            self.page.wait_for_timeout(FILL_PAUSE_MS)
            # A live update that re-renders the screen while the text is on its way to the app rebuilds
            # the field from the app's state; a person would see the text gone and type it again.
            if self.field(label).first.input_value() == value:
                return
        self.page.screenshot(path=str(self.artifacts / "failed-step.png"))
        raise AssertionError(f"the field {label!r} did not keep {value!r}")

    def submit(self, label: str | re.Pattern[str]) -> None:
        self.field(label).first.press("Enter")

    def see(self, text: str | re.Pattern[str], timeout_ms: int = STEP_MS) -> None:
        try:
            expect(self.text(text).first).to_be_visible(timeout=timeout_ms)
        except AssertionError:
            # What the screen showed instead is the first thing to look at when a step fails.
            self.page.screenshot(path=str(self.artifacts / "failed-step.png"))
            raise

    def screenshot(self, name: str, stable_ms: int = 1_000, timeout_ms: int = 12_000) -> Path:
        """Save a PNG of the page once the picture has stopped changing.

        Flutter updates its semantics tree (what ``see`` checks) before the canvas shows the new frame
        (up to a second or two on a busy machine), and ripples and spinners animate after that. So the
        pointer is moved off the controls (no hover or tooltip), the focused field is blurred (no
        blinking cursor) and captures repeat until the picture has been the same for ``stable_ms``.
        """
        size = self.page.viewport_size or PHONE_VIEWPORT
        self.page.mouse.move(size["width"] - 2, size["height"] - 2)
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        deadline = time.monotonic() + timeout_ms / 1000
        picture = self.page.screenshot()
        unchanged_since = time.monotonic()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(200)
            current = self.page.screenshot()
            if current != picture:
                picture, unchanged_since = current, time.monotonic()
            elif (time.monotonic() - unchanged_since) * 1000 >= stable_ms:
                break
        path = self.artifacts / f"{name}.png"
        path.write_bytes(picture)
        return path


__all__ = [
    "ARTIFACTS",
    "FLET_WEB_E2E",
    "FlutterPage",
    "chromium_available",
    "expect",
    "foreground_page",
    "open_browser",
]
