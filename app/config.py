"""Configuration read from the environment, with development defaults.

Every setting a deployment changes comes from an environment variable named like the setting
(Flask-Mail's names for mail), so the same code runs under `make run`, the tests and production.
"""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path
from typing import Any

from workflows.contact_rules import ContactPolicy
from workflows.sla import BusinessCalendar, china_calendar

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
# The key `make run` signs with; production refuses to start with it (or with none).
DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"


class UnsafeSettings(RuntimeError):
    """A production start with a development default that would let strangers in."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    """A comma-separated setting as a list, empty items left out."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'touchloop.db'}")
    # Heroku-style URLs name the driver-less scheme; psycopg 3 needs its own.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _contact_policy() -> ContactPolicy:
    """Survey-fatigue rules: FATIGUE_DAYS="30,vip=60,private=45", QUIET_HOURS="21:00-08:00"."""
    default, per_segment = 30, {"vip": 60, "private": 45}
    for part in filter(None, os.environ.get("FATIGUE_DAYS", "").split(",")):
        segment, _, days = part.strip().rpartition("=")
        if segment:
            per_segment[segment] = int(days)
        else:
            default = int(days)
    start, _, end = os.environ.get("QUIET_HOURS", "21:00-08:00").partition("-")
    return ContactPolicy(
        fatigue_days=per_segment,
        default_fatigue_days=default,
        quiet_start=time.fromisoformat(start.strip()),
        quiet_end=time.fromisoformat(end.strip()),
    )


def _business_calendar() -> BusinessCalendar:
    """SLA clock: BUSINESS_HOURS="09:00-18:00"; HOLIDAYS="china" (statutory + 调休) or "none"."""
    opens, _, closes = os.environ.get("BUSINESS_HOURS", "09:00-18:00").partition("-")
    hours = {
        "opens": time.fromisoformat(opens.strip()),
        "closes": time.fromisoformat(closes.strip()),
    }
    if os.environ.get("HOLIDAYS", "china") == "china":
        year = date.today().year
        return china_calendar(range(year - 1, year + 2), **hours)
    return BusinessCalendar(**hours)


class Config:
    """Settings for a running Touchloop; read once when the app is created."""

    def __init__(self) -> None:
        # Development is said out loud (`make run` sets TOUCHLOOP_ENV=development); anything
        # else is production, which refuses unsafe defaults (check_production_settings).
        self.DEVELOPMENT = os.environ.get("TOUCHLOOP_ENV", "production") == "development"
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or (
            DEVELOPMENT_SECRET_KEY if self.DEVELOPMENT else None
        )
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        # PostgreSQL: a pooled connection idle longer than this is tested before use, so one
        # left dead by a restarted server is replaced unseen (app/services/database/postgresql.py).
        self.DATABASE_PING_AFTER_IDLE_SECONDS = float(
            os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "5")
        )
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = os.environ.get(
            "MAIL_DEFAULT_SENDER", "Touchloop <feedback@touchloop.invalid>"
        )
        # The outbox's first retry after a failed delivery; later ones double (outbox.py).
        self.OUTBOX_FIRST_RETRY_SECONDS = float(os.environ.get("OUTBOX_FIRST_RETRY_SECONDS", "30"))
        self.MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))
        self.SCHEDULER_EMBEDDED = _bool("SCHEDULER_EMBEDDED", False)
        self.WORKFLOW_TICK_SECONDS = int(os.environ.get("WORKFLOW_TICK_SECONDS", "10"))
        self.WORKER_ID = os.environ.get("WORKER_ID", "main")
        # How long a claimed row stays a worker's; a killed worker's rows return after this.
        self.WORKFLOW_LEASE_SECONDS = int(os.environ.get("WORKFLOW_LEASE_SECONDS", "300"))
        self.CONTACT_POLICY = _contact_policy()
        self.BUSINESS_CALENDAR = _business_calendar()
        # Days a resolved case waits for the customer's "yes" before closing as unconfirmed.
        self.FOLLOWUP_DAYS = int(os.environ.get("FOLLOWUP_DAYS", "7"))
        # One more webhook endpoint, for the case events, beside those admins set up in the
        # browser (/admin/webhooks): kept for deployments that configured it here.
        self.WEBHOOK_URL = os.environ.get("WEBHOOK_URL") or None
        self.WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET")  # SECRET_KEY when unset
        # SMS and WeChat (app/services/distribution/providers/): the settings an admin sees are
        # in the database (/admin/channels); the secrets come from here only and are never
        # stored, shown or logged. The *_URL settings point a provider's client elsewhere
        # (a test's fake server on loopback); unset, each client calls the provider itself.
        self.PROVIDER_TIMEOUT_SECONDS = float(os.environ.get("PROVIDER_TIMEOUT_SECONDS", "10"))
        self.SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN") or None
        self.SMS_CALLBACK_SECRET = os.environ.get("SMS_CALLBACK_SECRET") or None
        self.SMS_CALLBACK_ALLOWED_IPS = _list("SMS_CALLBACK_ALLOWED_IPS")
        self.TENCENTCLOUD_SECRET_ID = os.environ.get("TENCENTCLOUD_SECRET_ID") or None
        self.TENCENTCLOUD_SECRET_KEY = os.environ.get("TENCENTCLOUD_SECRET_KEY") or None
        self.SMS_CLOUD_URL = os.environ.get("SMS_CLOUD_URL") or None
        self.WECHAT_APP_SECRET = os.environ.get("WECHAT_APP_SECRET") or None
        self.WECHAT_CALLBACK_TOKEN = os.environ.get("WECHAT_CALLBACK_TOKEN") or None
        self.WECHAT_API_URL = os.environ.get("WECHAT_API_URL") or None
        # Seconds a timeline entry settles before notifications go out (see notifications.py).
        self.NOTIFY_SETTLE_SECONDS = float(os.environ.get("NOTIFY_SETTLE_SECONDS", "10"))
        self.SLA_REMIND_BEFORE_HOURS = float(os.environ.get("SLA_REMIND_BEFORE_HOURS", "2"))
        # /dev/outbox, where e-mail waits for a reader when no mail server is set: development only.
        self.DEV_OUTBOX_PAGE = _bool("DEV_OUTBOX_PAGE", False)
        # The dashboard hides a score based on fewer answers than this (its sample is still shown).
        self.DASHBOARD_MIN_SAMPLE = int(os.environ.get("DASHBOARD_MIN_SAMPLE", "30"))
        # Latest detractor comments read per touchpoint for the dashboard's keywords.
        self.DASHBOARD_KEYWORD_SAMPLE = int(os.environ.get("DASHBOARD_KEYWORD_SAMPLE", "200"))
        # Larger bodies get 413 before they are read; a batch of 1,000 events is about 0.5 MB.
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
        # What a 503 tells clients to wait when the database cannot be reached.
        self.UNAVAILABLE_RETRY_AFTER_SECONDS = int(
            os.environ.get("UNAVAILABLE_RETRY_AFTER_SECONDS", "30")
        )
        # Load shedding (app/web/availability.py): requests in the app at once per process, how
        # many may queue for a slot and for how long, and the Retry-After of those turned
        # away. 0 leaves the gate open; with gunicorn's gthread workers, give it more threads
        # than slots plus queue, so that a burst's excess reaches the gate and is shed at once.
        self.MAX_CONCURRENT_REQUESTS = int(os.environ.get("MAX_CONCURRENT_REQUESTS", "0"))
        self.MAX_WAITING_REQUESTS = int(os.environ.get("MAX_WAITING_REQUESTS", "16"))
        self.OVERLOAD_WAIT_SECONDS = float(os.environ.get("OVERLOAD_WAIT_SECONDS", "1.0"))
        self.OVERLOAD_RETRY_AFTER_SECONDS = int(os.environ.get("OVERLOAD_RETRY_AFTER_SECONDS", "2"))
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
        # Cookies are Secure (and HSTS is sent) whenever the site is served over HTTPS, which
        # every deployment that e-mails links to customers is; plain-http development is not.
        secure = _bool("SESSION_COOKIE_SECURE", self.BASE_URL.startswith("https://"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = secure
        # An e-mail locks after this many failed sign-ins in LOGIN_LOCK_MINUTES, for as long;
        # an IP after LOGIN_IP_MAX_FAILURES (set PROXY_FIX_HOPS behind a reverse proxy).
        self.LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
        self.LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
        self.LOGIN_IP_MAX_FAILURES = int(os.environ.get("LOGIN_IP_MAX_FAILURES", "30"))
        # Password reset links work this long; an e-mail (known or not) may ask for one
        # PASSWORD_RESET_MAX_PER_EMAIL times and an IP PASSWORD_RESET_MAX_PER_IP times per
        # PASSWORD_RESET_WINDOW_MINUTES, then waits as long.
        self.PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "30"))
        # An admin's invitation to choose a first password works this long (the same links).
        self.PASSWORD_RESET_INVITE_HOURS = int(os.environ.get("PASSWORD_RESET_INVITE_HOURS", "72"))
        self.PASSWORD_RESET_MAX_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_MAX_PER_EMAIL", "3"))
        self.PASSWORD_RESET_MAX_PER_IP = int(os.environ.get("PASSWORD_RESET_MAX_PER_IP", "20"))
        self.PASSWORD_RESET_WINDOW_MINUTES = int(
            os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60")
        )
        # Every reset request takes at least this long, so a real account's extra work (about
        # 6-8 ms here) does not show; keep it well above the slowest real request.
        self.PASSWORD_RESET_MIN_SECONDS = float(
            os.environ.get("PASSWORD_RESET_MIN_SECONDS", "0.25")
        )
        # Unknown or forged survey links from one IP before it is refused for a while.
        self.SURVEY_LINK_MAX_FAILURES = int(os.environ.get("SURVEY_LINK_MAX_FAILURES", "20"))
        self.SURVEY_LINK_BLOCK_MINUTES = int(os.environ.get("SURVEY_LINK_BLOCK_MINUTES", "10"))
        # Answers one network (an IPv4 address, an IPv6 /64) may give through the branch QR
        # posters in an hour; more are refused (429). A busy branch's guest Wi-Fi is one network.
        self.POSTER_ANSWERS_PER_NETWORK_HOUR = int(
            os.environ.get("POSTER_ANSWERS_PER_NETWORK_HOUR", "20")
        )
        # Proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none).
        self.PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
        # Responses older than this lose their words and their link to the customer.
        self.RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
        self.WTF_CSRF_TIME_LIMIT = None
        self.WTF_I18N_ENABLED = False  # app.web.forms.Form translates WTForms' messages, cached


def check_production_settings(config: dict[str, Any]) -> None:
    """Stop a production start that carries a development default, saying what to set."""
    if config.get("DEVELOPMENT") or config.get("TESTING"):
        return
    if config.get("SECRET_KEY") in (None, "", DEVELOPMENT_SECRET_KEY):
        raise UnsafeSettings(
            "SECRET_KEY is missing or is the development default: set SECRET_KEY to a long "
            "random value (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
            "or set TOUCHLOOP_ENV=development on a developer's machine."
        )
    if config.get("DEV_OUTBOX_PAGE"):
        raise UnsafeSettings(
            "DEV_OUTBOX_PAGE shows e-mail (reset links included) in the browser: it is for "
            "development only. Unset it, or set TOUCHLOOP_ENV=development."
        )
