"""Headless Chromium, driven by Playwright, for the tests of the live page.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or ``$SPEAKEASY_CHROMIUM``),
never one Playwright downloads. One browser serves all the tests of this folder; each gets a fresh
context (no cookies, no cache, no stored credentials) and page.

Without Chromium these tests skip, with one line saying how to enable them, unless ``CI`` is
set: CI installs Chromium (.ci/run) and must never skip them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator, List

import pytest

CHROMIUM = os.environ.get("SPEAKEASY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOW_TO_ENABLE = (
    "browser tests of the live page need Chromium: `apt-get install -y chromium` as root "
    "(.ci/run does it), or set SPEAKEASY_CHROMIUM to a Chromium binary"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> None:
    """Called by each browser test module as it is imported: without Chromium the whole
    module is skipped (one line in the summary), or fails to collect when CI is set."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    if _in_ci():
        pytest.fail(f"CI is set and Chromium is missing at {CHROMIUM}: {HOW_TO_ENABLE}", False)
    pytest.skip(HOW_TO_ENABLE, allow_module_level=True)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the tests of this folder, stopped when they are done: Playwright's
    synchronous API runs an event loop (in a greenlet) on the main thread while it lives,
    which later tests that run their own event loop must not find."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records every URL it requests (``page.requested``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    opened = context.new_page()
    requested: List[str] = []
    opened.on("request", lambda request: requested.append(request.url))
    opened.requested = requested
    opened.set_default_timeout(10_000)
    try:
        yield opened
    finally:
        context.close()
