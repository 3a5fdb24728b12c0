"""The real browser of the page tests: the system's Chromium (Debian's package, installed by
scripts/bootstrap) driven by Playwright. Playwright's own browser download is never used."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

# As the machine's network is closed, Chromium's own background connections are switched off.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Chromium is not installed: run scripts/bootstrap")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session's page tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page (its own context: no cookies or cache shared between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()
