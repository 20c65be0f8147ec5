"""A WSGI app served on 127.0.0.1 in a thread, for as long as a test needs it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@contextmanager
def serving(handle: Callable[[Request], Response]) -> Iterator[str]:
    """Serve `handle` on a free loopback port; yields the base URL (http://127.0.0.1:<port>)."""

    @Request.application
    def app(request: Request) -> Response:
        return handle(request)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
