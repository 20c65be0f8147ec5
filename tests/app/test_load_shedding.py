"""The concurrency gate: past its limit a request is turned away at once with 503 + Retry-After."""

import threading

from werkzeug.test import Client

from app.availability import ConcurrencyGate


def test_a_request_past_the_limit_gets_503_with_retry_after_and_the_slot_comes_back(app):
    inside, release = threading.Event(), threading.Event()

    def slow_app(environ, start_response):
        inside.set()
        release.wait(timeout=10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    gate = ConcurrencyGate(slow_app, app, limit=1, wait=0.05, retry_after=3)
    first = []
    holder = threading.Thread(target=lambda: first.append(Client(gate).get("/s/x")))
    holder.start()
    assert inside.wait(timeout=10)
    page, api = Client(gate).get("/s/x"), Client(gate).post("/api/v1/events")
    release.set()
    holder.join(timeout=10)
    assert (page.status_code, page.headers["Retry-After"]) == (503, "3")
    assert "暂时无法使用" in page.get_data(as_text=True)
    assert (api.status_code, api.json["error"]) == (503, "unavailable")
    assert first[0].status_code == 200 and gate.shed == 2
    first[0].close()  # a server closes the response once sent; that frees the slot
    assert Client(gate).get("/s/x").status_code == 200
