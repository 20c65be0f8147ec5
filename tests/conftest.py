"""Fixtures: every database test runs on SQLite and, when it answers, on PostgreSQL.

`REQUIRE_POSTGRES=1` turns a missing PostgreSQL into a failure instead of a skip, so CI cannot
go green on SQLite alone. The schema is built by the Alembic migrations, not `create_all`, so
every run also proves the migrations match the models.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.factory import create_app
from app.models import Base
from app.services.database.remembered import forget_everything
from workflows.contact_rules import ContactPolicy

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# This run's databases carry its process id, so two runs on one machine never share one.
RUN_PREFIX = "touchloop_test_"
RUN_NAME = f"{RUN_PREFIX}{os.getpid()}"


def postgres_url(suffix: str | None = None) -> str:
    """The test database, or a scratch one named after it.

    TEST_DATABASE_URL is used as it is when set; otherwise this run's own database on
    TEST_POSTGRES_SERVER (default: the local server), dropped when the run ends.
    """
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"{os.environ.get('TEST_POSTGRES_SERVER', PG_SERVER)}/{RUN_NAME}"
    )
    return url if suffix is None else f"{url}_{suffix}"


def _admin_engine(url: str) -> sa.Engine:
    return sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")


def ensure_postgres_database(url: str) -> None:
    """Create the test database if needed; skip (or fail under REQUIRE_POSTGRES) when PG is down."""
    name = url.rsplit("/", 1)[1]
    admin = _admin_engine(url)
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable: {error}")
        pytest.skip("PostgreSQL is not reachable")
    finally:
        admin.dispose()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_run_databases(*, current: bool) -> None:
    """Drop this run's databases (`current`), or those a run that died left behind.

    A database belongs to a run by its name (`touchloop_test_<pid>`, `..._<pid>_<suffix>`);
    one whose process is gone is a leftover. TEST_DATABASE_URL's database is never dropped.
    """
    if os.environ.get("TEST_DATABASE_URL"):
        return
    admin = _admin_engine(postgres_url())
    try:
        with admin.connect() as connection:
            names = connection.scalars(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": f"{RUN_PREFIX}%"},
            ).all()
            for name in names:
                pid = name.removeprefix(RUN_PREFIX).split("_", 1)[0]
                if not pid.isdigit():
                    continue
                mine = int(pid) == os.getpid()
                if mine if current else not (mine or _process_alive(int(pid))):
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.OperationalError:
        return  # no server: nothing was created
    finally:
        admin.dispose()


def pytest_sessionstart(session: pytest.Session) -> None:
    drop_run_databases(current=False)


# The longest modules, started first: `make test` hands whole modules to two processes
# (pytest-xdist, --dist loadfile), and one of these begun last kept one process busy for
# minutes after the other had finished.
SLOW_FIRST = (
    "tests/reliability/",
    "tests/app/test_fuzz_routes.py",
    "tests/app/test_demo_bank.py",
    "tests/e2e/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_run_databases(current=True)


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": None,
        "MAIL_SUPPRESS_SEND": False,
        "SCHEDULER_EMBEDDED": False,
        "DEV_OUTBOX_PAGE": False,
        # No quiet hours: a test's outcome must not depend on the hour it runs at; the quiet-hour
        # rule has tests of its own with the time passed in.
        "CONTACT_POLICY": ContactPolicy(quiet_start=time(0, 0), quiet_end=time(0, 0)),
        # Timeline entries notify at once; the settling wait has a test of its own.
        "NOTIFY_SETTLE_SECONDS": 0,
        # Reset requests answer at once; the time floor has a test of its own.
        "PASSWORD_RESET_MIN_SECONDS": 0,
        **overrides,
    }


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'touchloop.db'}"
    url = postgres_url()
    ensure_postgres_database(url)
    return url


@pytest.fixture(scope="session")
def _schema_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app per database, its schema built by the migrations."""
    from flask_migrate import upgrade

    app = create_app(app_config(database_url))
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        reset_database()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def reset_database() -> None:
    """Drop every table, the migration history and the worker's job tables included."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
            return
        names = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).scalars()
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        for name in list(names):
            connection.exec_driver_sql(f'DROP TABLE "{name}"')
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")


@pytest.fixture
def app(_schema_app: Flask) -> Iterator[Flask]:
    """The app inside an app context; every table is emptied afterwards, and forgotten."""
    with _schema_app.app_context():
        yield _schema_app
        db.session.rollback()
        db.session.remove()
        empty_tables()
        forget_everything()


def empty_tables() -> None:
    """Every table emptied; foreign keys form a cycle (cases, responses, follow-ups)."""
    tables = Base.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table in tables:
            connection.execute(table.delete())


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as in production: its own `g` and DB session.

    Tests hold an app context for factories and queries; without this, requests would share
    that context's `g` (cached locale, cached login) and its session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def postgres(app: Flask) -> Flask:
    """The app on PostgreSQL; the scenario needs a server (locks, SKIP LOCKED, a network)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("a PostgreSQL scenario")
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page: tests post like a browser does."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert found, "page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, email: str, password: str) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    result = client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": csrf_token(page)}
    )
    assert result.status_code == 302, "login failed"


@dataclass
class Mailbox:
    """What the loopback SMTP server received, and how it answers."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    reply: str | None = None  # e.g. "451 try later" or "550 no such user"
    greetings: int = 0  # EHLOs: one per connection a client opened
    mails: int = 0  # MAIL FROM commands seen
    drop_at_mail: int | None = None  # hang up, unanswered, on this MAIL FROM (1 is the first)

    async def handle_MAIL(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.mails += 1
        if self.mails == self.drop_at_mail:
            server.transport.close()  # as a server does with a connection it kept too long
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_EHLO(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname  # aiosmtpd leaves this to a handler that answers EHLO
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.reply:
            return self.reply
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on loopback (aiosmtpd), collecting what it is sent."""
    mailbox = Mailbox("127.0.0.1", free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mail_app(app: Flask, smtp_server: Mailbox) -> Iterator[Flask]:
    """The app pointed at the loopback SMTP server."""
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    yield app
    app.config.update(MAIL_SERVER=None)


def body_of(message: Message, subtype: str = "plain") -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part")


REPO = Path(__file__).resolve().parent.parent


def start_worker(app: Flask, **env: str) -> subprocess.Popen[str]:
    """`flask --app wsgi worker` as its own process against the test database."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=REPO,
        env={
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "BASE_URL": app.config["BASE_URL"],
            "WORKFLOW_TICK_SECONDS": "1",
            "QUIET_HOURS": "00:00-00:00",
            "MAIL_SERVER": "",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen[str]) -> str:
    """SIGTERM, as a service manager stops it; its output, for assertions and diagnosis."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output
