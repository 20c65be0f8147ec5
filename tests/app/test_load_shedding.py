"""The concurrency gate: a short queue waits for a slot; past it, 503 + Retry-After at once."""

import threading
import time

from werkzeug.test import Client

from app.web.availability import ConcurrencyGate


def slow():
    """A WSGI app that holds its request until released; and the events to watch and free it."""
    inside, release = threading.Event(), threading.Event()

    def slow_app(environ, start_response):
        inside.set()
        release.wait(timeout=10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    return slow_app, inside, release


def test_a_request_past_the_limit_gets_503_with_retry_after_and_the_slot_comes_back(app):
    slow_app, inside, release = slow()
    gate = ConcurrencyGate(slow_app, app, limit=1, queue=1, wait=0.05, retry_after=3)
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


def test_a_full_queue_sheds_at_once_while_the_queued_request_gets_the_next_slot(app):
    slow_app, inside, release = slow()
    gate = ConcurrencyGate(slow_app, app, limit=1, queue=1, wait=10, retry_after=3)
    answers = {}

    def send(name):
        answer = Client(gate).get("/s/x")
        answers[name] = answer.status_code
        answer.close()

    holder = threading.Thread(target=send, args=("holder",))
    holder.start()
    assert inside.wait(timeout=10)
    queued = threading.Thread(target=send, args=("queued",))
    queued.start()
    while gate.waiting == 0:
        time.sleep(0.005)
    started = time.monotonic()
    shed = Client(gate).get("/s/x")
    assert shed.status_code == 503 and time.monotonic() - started < 1  # not after the wait
    release.set()
    holder.join(timeout=10)
    queued.join(timeout=10)
    assert answers == {"holder": 200, "queued": 200} and gate.shed == 1
