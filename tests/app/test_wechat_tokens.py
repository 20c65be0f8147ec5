"""WeChat's access token, shared by every worker: fetched once however many ask at once,
replaced before it expires while the others keep using it, and never left locked by a failure."""

import threading
from datetime import timedelta
from functools import partial

import pytest

from app.extensions import db
from app.models import ProviderToken, utcnow
from app.services.distribution.providers.wechat import fetch_token
from app.services.distribution.providers.wechat_tokens import SharedToken, TokenUnavailable
from tests.fakes.wechat_api import APP_ID, APP_SECRET, running_fake_wechat


@pytest.fixture
def fake(app):
    with running_fake_wechat() as fake:
        yield fake


def worker_token(fake, secret=APP_SECRET, **options):
    """One worker's view of the shared token: its own sessions, fetching from the fake."""
    fetch = partial(fetch_token, fake.url, app_id=APP_ID, secret=secret, timeout=5)
    return SharedToken(db.engine, fetch, **options)


def stored(session):
    session.expire_all()
    return session.get(ProviderToken, "wechat")


def test_two_workers_asking_at_once_fetch_one_token_and_both_use_it(app, session, fake):
    fake.token_delay = 0.5  # the second worker asks while the first is fetching
    workers = [worker_token(fake), worker_token(fake)]
    start, got = threading.Barrier(2), []

    def ask(token):
        start.wait()
        got.append(token.current())

    threads = [threading.Thread(target=ask, args=(token,)) for token in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert fake.tokens_issued == ["ACCESS_TOKEN_1"]
    assert got == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_1"]
    row = stored(session)
    assert row.refreshing_until is None
    assert row.expires_at - utcnow() > timedelta(seconds=7100)


def test_a_token_is_used_until_five_minutes_before_it_expires_then_replaced(app, fake):
    now = utcnow()
    clock = [now]
    token = worker_token(fake, clock=lambda: clock[0])
    assert token.current() == "ACCESS_TOKEN_1"

    clock[0] = now + timedelta(seconds=7200) - timedelta(minutes=6)
    assert token.current() == "ACCESS_TOKEN_1"
    clock[0] = now + timedelta(seconds=7200) - timedelta(minutes=4)
    assert token.current() == "ACCESS_TOKEN_2"
    assert fake.tokens_issued == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_2"]


def test_while_one_worker_renews_the_token_the_others_keep_using_the_current_one(app, fake):
    worker_token(fake).current()  # ACCESS_TOKEN_1
    later = utcnow() + timedelta(seconds=7200) - timedelta(minutes=2)
    renewing, release = threading.Event(), threading.Event()

    def slow_fetch():
        renewing.set()
        release.wait(timeout=10)
        return "ACCESS_TOKEN_NEW", 7200

    renewer = SharedToken(db.engine, slow_fetch, clock=lambda: later)
    thread = threading.Thread(target=renewer.current)
    thread.start()
    assert renewing.wait(timeout=5)
    other = worker_token(fake, clock=lambda: later)
    assert other.current() == "ACCESS_TOKEN_1"  # not a second fetch, not a wait
    release.set()
    thread.join(timeout=10)
    assert other.current() == "ACCESS_TOKEN_NEW"
    assert fake.tokens_issued == ["ACCESS_TOKEN_1"]


def test_with_no_token_and_another_worker_fetching_a_worker_waits_then_gives_up(app, session, fake):
    session.add(ProviderToken(name="wechat", value="", refreshing_until=utcnow() + timedelta(1)))
    session.commit()
    with pytest.raises(TokenUnavailable):
        worker_token(fake, wait_seconds=0.3).current()
    assert fake.tokens_issued == []


def test_a_failed_fetch_hands_the_lease_back_so_the_next_try_fetches(app, session, fake):
    with pytest.raises(TokenUnavailable, match="40125"):
        worker_token(fake, secret="wrong-secret").current()
    assert stored(session).refreshing_until is None
    assert worker_token(fake).current() == "ACCESS_TOKEN_1"


def test_a_lease_left_by_a_killed_worker_expires(app, session, fake):
    session.add(ProviderToken(name="wechat", value="", refreshing_until=utcnow()))
    session.commit()
    assert worker_token(fake).current() == "ACCESS_TOKEN_1"


def test_an_invalidated_token_is_replaced_but_a_newer_one_is_kept(app, session, fake):
    token = worker_token(fake)
    first = token.current()
    token.invalidate(first)
    second = token.current()
    assert (first, second) == ("ACCESS_TOKEN_1", "ACCESS_TOKEN_2")
    token.invalidate(first)  # a worker late to learn that the first was rejected
    assert token.current() == "ACCESS_TOKEN_2"
    assert len(fake.tokens_issued) == 2
