"""Answering 503 + Retry-After instead of failing or queueing without bound.

Two things make Touchloop briefly unable to serve: the database is unreachable (refused,
restarting, pool exhausted), or more requests arrive than the processes can work through
(a burst of survey submits). In both cases the honest answer is "try again shortly":
a bilingual page for people (we cannot look up their language without the database), a JSON
error for API clients, `Retry-After` for both, and never a stack trace. The overload gate is a
WSGI middleware, so a shed request costs no Flask, session or database work.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, request
from werkzeug.wsgi import ClosingIterator

from app.extensions import db

log = logging.getLogger(__name__)

# Errors meaning "the database cannot be reached now", not "this query is wrong".
UNREACHABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
API_PREFIX = "/api/"


def unavailable_body(app: Flask, path: str, retry_after: int) -> tuple[bytes, str]:
    """The 503 body for `path`: JSON under /api/, the bilingual page elsewhere."""
    if path.startswith(API_PREFIX):
        body = {
            "error": "unavailable",
            "message": f"The service is briefly unavailable; retry after {retry_after} seconds.",
            "fields": [],
        }
        return json.dumps(body).encode(), "application/json"
    page = app.jinja_env.get_template("unavailable.html").render(retry_after=retry_after)
    return page.encode(), "text/html; charset=utf-8"


def register_database_unavailable(app: Flask) -> None:
    """A lost database answers 503 with Retry-After; the error is logged without the request."""
    retry_after = app.config["UNAVAILABLE_RETRY_AFTER_SECONDS"]

    def handle(error: Exception) -> Response:
        log.error("database unavailable: %s", type(error).__name__)
        _discard_session()
        body, mimetype = unavailable_body(app, request.path, retry_after)
        return Response(body, 503, headers={"Retry-After": str(retry_after)}, content_type=mimetype)

    for error_class in UNREACHABLE:
        app.register_error_handler(error_class, handle)


def _discard_session() -> None:
    """Drop the failed transaction; rolling back over a dead connection may itself fail."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.invalidate()


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ConcurrencyGate:
    """At most `limit` requests in the app per process, and at most `queue` waiting for a turn.

    A waiting request gets `wait` seconds for a slot, which absorbs the jitter of a steady
    load (a slow commit, a garbage collection) without turning anyone away. Past the queue, a
    request is answered 503 with Retry-After at once: under a burst an unbounded queue makes
    every customer wait and time out, while shedding the excess in a millisecond keeps the
    accepted requests fast and frees the server's threads to read the next ones. The page
    tells the customer their answers are still theirs to send. Static files pass freely.
    """

    def __init__(
        self,
        wsgi_app: WsgiApp,
        app: Flask,
        *,
        limit: int,
        queue: int,
        wait: float,
        retry_after: int,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.slots = threading.BoundedSemaphore(limit)
        self.queue = queue
        self.waiting = 0
        self.waiting_lock = threading.Lock()
        self.wait = wait
        self.retry_after = retry_after
        self.shed = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/static/"):
            return self.wsgi_app(environ, start_response)
        if not (self.slots.acquire(blocking=False) or self._wait_for_slot()):
            self.shed += 1
            body, mimetype = unavailable_body(self.app, path, self.retry_after)
            headers = [
                ("Content-Type", mimetype),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(self.retry_after)),
            ]
            start_response("503 SERVICE UNAVAILABLE", headers)
            return [body]
        try:
            return ClosingIterator(self.wsgi_app(environ, start_response), self.slots.release)
        except BaseException:
            self.slots.release()
            raise

    def _wait_for_slot(self) -> bool:
        """Queue for a slot if the queue has room; False when it is full or the wait runs out."""
        with self.waiting_lock:
            if self.waiting >= self.queue:
                return False
            self.waiting += 1
        try:
            return self.slots.acquire(timeout=self.wait)
        finally:
            with self.waiting_lock:
                self.waiting -= 1


def install_concurrency_gate(app: Flask) -> None:
    """Wrap the app in the gate when MAX_CONCURRENT_REQUESTS is set (0 leaves it open)."""
    limit = app.config["MAX_CONCURRENT_REQUESTS"]
    if limit > 0:
        app.wsgi_app = ConcurrencyGate(  # type: ignore[method-assign]
            app.wsgi_app,
            app,
            limit=limit,
            queue=app.config["MAX_WAITING_REQUESTS"],
            wait=app.config["OVERLOAD_WAIT_SECONDS"],
            retry_after=app.config["OVERLOAD_RETRY_AFTER_SECONDS"],
        )
