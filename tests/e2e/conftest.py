"""A live server and Debian's Chromium, driven by Playwright, for tests a person would do.

The browser is never downloaded: Playwright launches /usr/bin/chromium (installed by `.ci/run`
from Debian's packages). Without it these tests skip, unless REQUIRE_BROWSER=1 makes that a
failure, as in CI.
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
