"""The workflow jobs: claim due rows, call a service per row, commit per row.

A job never assumes it is alone: rows are leased in the database first, and each row's work
is its own transaction, so a crash loses at most one row's progress and the lease brings it back.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import timedelta

from flask import current_app

from app.extensions import db
from app.models import utcnow
from app.services.accounts import throttle
from app.services.cases.business_calendar import business_calendar
from app.services.cases.case_routing import claim_unrouted, route_response
from app.services.cases.notifications import (
    Channels,
    publish_case_events,
    publish_responses,
    send_digests,
)
from app.services.cases.sla_alerts import alert_due_cases
from app.services.cases.webhooks import webhook_sender
from app.services.distribution.channel_settings import (
    EMAIL,
    SMS,
    WECHAT,
    channel_settings,
    sms_ready,
    wechat_ready,
)
from app.services.distribution.contact_settings import contact_policy
from app.services.distribution.fallback import claim_undelivered, fall_back
from app.services.distribution.invitations import (
    Links,
    claim_due_invitations,
    claim_due_reminders,
    dispatch_invitation,
    remind,
)
from app.services.distribution.mailer import SmtpSession, mail_configured
from app.services.distribution.outbox import (
    DeliveryReport,
    Sender,
    claim_deliverable,
    deliver_one,
)
from app.services.distribution.providers.sms import sms_sender
from app.services.distribution.providers.wechat import wechat_sender
from app.services.feedback.followup import close_unconfirmed
from app.services.feedback.reanalysis import claim_run, read_batch, release_run
from app.services.governance.privacy import anonymise_expired
from app.services.reports.summary import send_weekly_summaries as weekly_summaries
from workflows.contact_rules import Verdict

log = logging.getLogger(__name__)


def _claim(claim: Callable[..., list[int]]) -> list[int]:
    lease = timedelta(seconds=current_app.config["WORKFLOW_LEASE_SECONDS"])
    ids = claim(db.session, now=utcnow(), lease=lease)
    db.session.commit()
    return ids


# A drain is over before the next tick fires: a job still running then has that tick skipped
# (max_instances=1) and sits idle until the one after. When the time was checked only after
# each batch, runs overran: one worker draining 2,000 e-mails in 17 s had 12-16 ticks skipped.
DRAIN_SHARE_OF_TICK = 0.9


def _drain(claim: Callable[..., list[int]]) -> Iterator[int]:
    """Claimed ids, batch after batch, until nothing is due or the next batch would not fit.

    One batch a tick would cap a worker at a batch a tick however large the backlog (a
    morning's events, the mail held while SMTP was down, a worker's restart); draining clears
    it at full speed, and the time budget hands the thread back so the other jobs keep their
    turn. Each batch is leased before it is worked, so it is never claimed twice meanwhile, and
    a batch is not begun unless one as long as the last ends within the budget.
    """
    budget = time.monotonic() + DRAIN_SHARE_OF_TICK * current_app.config["WORKFLOW_TICK_SECONDS"]
    while ids := _claim(claim):
        began = time.monotonic()
        yield from ids
        ended = time.monotonic()
        if ended + (ended - began) >= budget:
            return


def _links() -> Links:
    return Links.of(current_app.config)


def send_invitations() -> dict[str, int]:
    """Due invitations pass the contact rules: sent (link + queued e-mail), deferred or not."""
    verdicts: Counter[str] = Counter()
    policy = contact_policy(db.session, default=current_app.config["CONTACT_POLICY"])
    for invitation_id in _drain(claim_due_invitations):
        verdict = dispatch_invitation(
            db.session, invitation_id, links=_links(), policy=policy, now=utcnow()
        )
        db.session.commit()
        if verdict is not None:
            verdicts[verdict] += 1
    return {
        "invitations_sent": verdicts[Verdict.SEND],
        "deferred": verdicts[Verdict.DEFER],
        "suppressed": verdicts[Verdict.SUPPRESS],
        "expired": verdicts[Verdict.EXPIRE],
    }


def send_reminders() -> dict[str, int]:
    """Unanswered invitations get their next reminder, until answer, expiry or opt-out."""
    sent = 0
    for invitation_id in _drain(claim_due_reminders):
        sent += remind(db.session, invitation_id, links=_links(), now=utcnow())
        db.session.commit()
    return {"reminders_sent": sent}


def route_responses() -> dict[str, int]:
    """New responses are routed; a detractor opens a case."""
    opened = 0
    for response_id in _drain(claim_unrouted):
        calendar = business_calendar(db.session, default=current_app.config["BUSINESS_CALENDAR"])
        opened += (
            route_response(db.session, response_id, now=utcnow(), calendar=calendar) is not None
        )
        db.session.commit()
    return {"cases_opened": opened}


def alert_sla() -> dict[str, int]:
    """Reminders before the resolve deadline, escalations after it; each once."""
    sent = alert_due_cases(
        db.session,
        now=utcnow(),
        remind_before=timedelta(hours=current_app.config["SLA_REMIND_BEFORE_HOURS"]),
        base_url=current_app.config["BASE_URL"],
    )
    db.session.commit()
    return {f"sla_{step}": count for step, count in sent.items()} or {"sla_alerts": 0}


def close_unconfirmed_cases() -> dict[str, int]:
    """Resolved cases the customer never confirmed close as resolved, unconfirmed."""
    days = current_app.config["FOLLOWUP_DAYS"]
    closed = close_unconfirmed(db.session, now=utcnow(), days=days)
    db.session.commit()
    return {"cases_closed_unconfirmed": closed}


def _channels() -> Channels:
    return Channels(current_app.config["BASE_URL"], current_app.config["WEBHOOK_URL"])


def notify_case_events() -> dict[str, int]:
    """New timeline entries become team e-mails, assignee e-mails and webhook calls."""
    settle = timedelta(seconds=current_app.config["NOTIFY_SETTLE_SECONDS"])
    queued = publish_case_events(db.session, now=utcnow(), channels=_channels(), settle=settle)
    db.session.commit()
    return {f"queued_{kind}": count for kind, count in queued.items()} or {"queued": 0}


def notify_responses() -> dict[str, int]:
    """New responses become `response.received` calls to the endpoints subscribed to them."""
    settle = timedelta(seconds=current_app.config["NOTIFY_SETTLE_SECONDS"])
    queued = publish_responses(db.session, now=utcnow(), settle=settle)
    db.session.commit()
    return {"queued_response_calls": queued}


def send_case_digests() -> dict[str, int]:
    """Departments on a daily digest get theirs."""
    sent = send_digests(db.session, now=utcnow(), channels=_channels())
    db.session.commit()
    return {"digests_queued": sent}


def send_weekly_summaries() -> dict[str, int]:
    """Last week's figures to each CX manager and department head, once a week each."""
    queued = weekly_summaries(
        db.session,
        now=utcnow(),
        base_url=current_app.config["BASE_URL"],
        min_sample=current_app.config["DASHBOARD_MIN_SAMPLE"],
    )
    db.session.commit()
    return {"weekly_summaries_queued": queued}


def deliver_webhooks() -> dict[str, int]:
    """Queued webhook calls go to their endpoints, signed with their secrets, with retries."""
    config = current_app.config
    report = DeliveryReport()
    for message_id in _drain(functools.partial(claim_deliverable, webhooks=True)):
        now = utcnow()
        send = webhook_sender(
            db.session,
            now=now,
            environment_url=config["WEBHOOK_URL"],
            environment_secret=config["WEBHOOK_SECRET"] or config["SECRET_KEY"],
        )
        deliver_one(db.session, message_id, send, now=now, report=report)
        db.session.commit()
    return {f"webhooks_{key}": value for key, value in asdict(report).items()}


def _deliver(channel: str, send: Sender, label: str) -> dict[str, int]:
    """The channel's queued messages through `send`, made once for the run, with retries; the
    counts named `<label>_sent`, `_retried` and `_failed`."""
    report = DeliveryReport()
    first_retry = timedelta(seconds=current_app.config["OUTBOX_FIRST_RETRY_SECONDS"])
    for message_id in _drain(functools.partial(claim_deliverable, channel=channel)):
        deliver_one(db.session, message_id, send, now=utcnow(), report=report,
                    first_retry=first_retry)  # fmt: skip
        db.session.commit()
    return {f"{label}_{key}": value for key, value in asdict(report).items()}


def deliver_outbox() -> dict[str, int]:
    """Queued e-mail goes out over SMTP; without a mail server it waits in the outbox."""
    if not mail_configured():
        return {"held_without_mail_server": 1}
    with SmtpSession() as smtp:
        return _deliver(EMAIL, smtp.send, "emails")


def deliver_sms() -> dict[str, int]:
    """Queued SMS go to the bank's SMS platform or Tencent Cloud; without one set up they
    wait, and their invitations fall back to the next channel after the receipt wait."""
    config, settings = current_app.config, channel_settings(db.session)
    if not sms_ready(settings, config):
        return {}
    return _deliver(SMS, sms_sender(settings, config), "sms")


def deliver_wechat() -> dict[str, int]:
    """Queued WeChat template messages go to the bank's official account's followers."""
    config, settings = current_app.config, channel_settings(db.session)
    if not wechat_ready(settings, config):
        return {}
    return _deliver(WECHAT, wechat_sender(db.session, settings, config), "wechat")


def fall_back_undelivered() -> dict[str, int]:
    """Invitations whose message got no delivery receipt in time go by their next channel."""
    moved = Counter[str]()
    for invitation_id in _drain(claim_undelivered):
        channel = fall_back(db.session, invitation_id, links=_links(), now=utcnow())
        db.session.commit()
        moved[f"fell_back_to_{channel}" if channel else "no_channel_left"] += 1
    return dict(moved)


def reanalyse_comments() -> dict[str, int]:
    """Stored comments are read again (sentiment, topics) after the taxonomy or the analyser
    changed: a batch per transaction, for this tick's share of time, then the run is handed
    back so whichever worker ticks next goes on from where this one stopped."""
    budget = time.monotonic() + DRAIN_SHARE_OF_TICK * current_app.config["WORKFLOW_TICK_SECONDS"]
    lease = timedelta(seconds=current_app.config["WORKFLOW_LEASE_SECONDS"])
    read = 0
    for run_id in _claim(claim_run):
        while True:
            count = read_batch(db.session, run_id, now=utcnow(), lease=lease)
            if count is None:  # a newer run replaced it, or another worker moved it on
                db.session.rollback()
                break
            read += count
            if not count or time.monotonic() >= budget:
                release_run(db.session, run_id)
                db.session.commit()
                break
            db.session.commit()
    return {"comments_read_again": read}


def anonymise_old_responses() -> dict[str, int]:
    """Retention: responses older than RETENTION_MONTHS lose their words and their customer.

    A bounded batch per tick over an index on (anonymised_at, submitted_at): cheap when nothing
    is due, and a backlog drains a batch at a time without one long transaction.
    """
    now = utcnow()
    done = anonymise_expired(db.session, now=now, months=current_app.config["RETENTION_MONTHS"])
    throttle.forget_expired(db.session, now=now, older_than=timedelta(days=1))
    db.session.commit()
    return {"responses_anonymised": done}


JOBS: dict[str, Callable[[], dict[str, int]]] = {
    "send_invitations": send_invitations,
    "send_reminders": send_reminders,
    "route_responses": route_responses,
    "alert_sla": alert_sla,
    "notify_case_events": notify_case_events,
    "notify_responses": notify_responses,
    "send_case_digests": send_case_digests,
    "close_unconfirmed_cases": close_unconfirmed_cases,
    "send_weekly_summaries": send_weekly_summaries,
    "deliver_outbox": deliver_outbox,
    "deliver_sms": deliver_sms,
    "deliver_wechat": deliver_wechat,
    "fall_back_undelivered": fall_back_undelivered,
    "deliver_webhooks": deliver_webhooks,
    "anonymise_old_responses": anonymise_old_responses,
    "reanalyse_comments": reanalyse_comments,
}


def run_job(name: str) -> dict[str, int]:
    """Run one job by name; a failure is logged and rolled back, never left to kill the clock."""
    try:
        return JOBS[name]()
    except Exception:
        db.session.rollback()
        log.exception("workflow job %s failed; it runs again on the next tick", name)
        return {"failed": 1}


def run_once() -> dict[str, dict[str, int]]:
    """Every job once, in the order of the feedback line."""
    return {name: run_job(name) for name in JOBS}
