"""Fixtures for fault tests: PostgreSQL behind a proxy that can be cut, and its app."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask

from app.extensions import db
from app.factory import create_app
from tests.conftest import FreshContextClient, app_config
from tests.reliability.proxy import TcpProxy


@pytest.fixture
def db_proxy(postgres: Flask) -> Iterator[TcpProxy]:
    """A cuttable path to the test database; `proxied_url(proxy, app)` points through it."""
    url = urlsplit(postgres.config["SQLALCHEMY_DATABASE_URI"])
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


def proxied_url(proxy: TcpProxy, app: Flask) -> str:
    url = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"])
    netloc = f"{url.username}@127.0.0.1:{proxy.port}" if url.username else f"127.0.0.1:{proxy.port}"
    return urlunsplit(url._replace(netloc=netloc))


@contextmanager
def web_through(proxy: TcpProxy, postgres: Flask, **config: Any) -> Iterator[Flask]:
    """A second web app, as another server process would be, reaching the database by the proxy."""
    web = create_app(app_config(proxied_url(proxy, postgres), **config))
    web.test_client_class = FreshContextClient
    try:
        yield web
    finally:
        with web.app_context():
            db.engine.dispose()


@pytest.fixture
def proxied_app(postgres: Flask, db_proxy: TcpProxy) -> Iterator[Flask]:
    with web_through(db_proxy, postgres, UNAVAILABLE_RETRY_AFTER_SECONDS=7) as web:
        yield web


def event(event_id: str) -> dict[str, Any]:
    """A valid event for the touchpoint `branch_visit`."""
    return {
        "event_id": event_id,
        "touchpoint": "branch_visit",
        "customer": {"external_id": f"CUST-{event_id}", "email": f"{event_id}@example.com"},
        "occurred_at": "2030-01-01T08:00:00+08:00",
    }


def wait_for(condition: Callable[[], bool], *, seconds: float) -> None:
    """Poll until `condition()` holds or the time is up (the assertion that follows says why)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.2)
