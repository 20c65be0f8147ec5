"""A live server and Debian's Chromium, driven by Playwright, for tests a person would do.

The browser is never downloaded: Playwright launches /usr/bin/chromium (installed by `.ci/run`
from Debian's packages). Without it these tests skip, unless REQUIRE_BROWSER=1 makes that a
failure, as in CI.

A journey (`journey` fixture) is a person's way through the product at one screen width: each
screen it looks at is saved as a picture under tests/e2e/screenshots/ (ignored by git), checked
by axe-core (vendored from the npm registry, evaluated by Playwright so the page's CSP stays
strict) for serious or critical violations, and checked for sideways scrolling; any console
error or uncaught exception on the way fails the test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP on loopback, in a thread, for this test."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    configured = app.config["BASE_URL"]
    app.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    yield app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)
    app.config["BASE_URL"] = configured  # the app outlives this test


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(
                "REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)"
            )
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    """A page the size of a phone, touch enabled."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True
    )
    yield context.new_page()
    context.close()


class Journey:
    """One person's browser at one width, failing on what that person would run into."""

    def __init__(self, page: Any, name: str) -> None:
        self.page, self.name = page, name
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def look(self, screen: str) -> None:
        """Save the screen as a picture, then fail on axe's serious or critical findings,
        on sideways scrolling and on anything the console reported so far."""
        width = self.page.viewport_size["width"]
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{self.name}-{screen}-{width}.png", full_page=True)
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        found = self.page.evaluate(AXE_RUN)["violations"]
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in found
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"{screen} at {width} px: " + "; ".join(blocking)
        scroll = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{screen} at {width} px scrolls sideways ({scroll} px wide)"
        assert not self.problems, self.problems


@pytest.fixture
def journey(chromium: Any) -> Iterator[Any]:
    """`journey(name, width)` opens a fresh browser context of that width for a journey; every
    journey opened fails at the end on console errors it met after its last look."""
    opened: list[tuple[Any, Journey]] = []

    def open_journey(name: str, width: int = 1280, **options: Any) -> Journey:
        context = chromium.new_context(viewport={"width": width, "height": 900}, **options)
        walk = Journey(context.new_page(), name)
        opened.append((context, walk))
        return walk

    yield open_journey
    for context, _walk in opened:
        context.close()
    assert not [problem for _, walk in opened for problem in walk.problems]
