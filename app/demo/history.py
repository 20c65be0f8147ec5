"""Months of the demo bank, played forward: events arrive from its systems, the contact rules
send, defer or stop each invitation, a share of customers answer, low answers open cases, and
staff work them (casework.py); the SLA alerts and the closing of unconfirmed cases run as the
worker runs them.

The programme grows over the months (more events each week) and customers grow a little happier
with it, as a bank's do once its departments start calling them back.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.demo.answers import score, touchpoint_answers
from app.demo.casework import Customer, Desk
from app.demo.catalogue import BRANCHES, TOUCHPOINTS, DemoTouchpoint
from app.demo.clock import Story
from app.demo.invitations import Outcomes
from app.models import Invitation, InvitationStatus, Touchpoint, User
from app.services.cases.case_routing import route_response
from app.services.cases.sla_alerts import alert_due_cases
from app.services.database.statements import connection_of
from app.services.distribution.events import CustomerIn, EventIn, ingest_events
from app.services.distribution.links import link_for_invitation
from app.services.feedback.followup import close_unconfirmed
from app.services.feedback.responses import record_response
from workflows.contact_rules import Ask, ContactHistory, ContactPolicy, Verdict, decide
from workflows.sla import BusinessCalendar

# How often the worker's SLA and follow-up jobs are replayed, and when: they find nothing to do
# at night, when no deadline falls due (deadlines are in business hours).
SWEEP = timedelta(hours=2)
WORKING_HOURS = (7, 21)
BATCH_HOURS = 3  # how often the bank's systems send their events
BANK_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DemoSettings:
    """The bank's rules the history is played under, as the worker would apply them."""

    policy: ContactPolicy = field(default_factory=ContactPolicy)
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    remind_before: timedelta = timedelta(hours=2)
    base_url: str = "http://127.0.0.1:5000"
    followup_days: int = 7


@dataclass
class Tally:
    events: int = 0
    responses: int = 0
    cases: int = 0


@dataclass
class Past:
    """When each customer was last asked, over all touchpoints and per touchpoint."""

    last_sent: dict[str, datetime] = field(default_factory=dict)
    last_here: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def of(self, customer: CustomerIn, touchpoint: str) -> ContactHistory:
        key = customer.external_id
        return ContactHistory(self.last_sent.get(key), self.last_here.get((key, touchpoint)))

    def asked(self, customer: CustomerIn, touchpoint: str, when: datetime) -> None:
        self.last_sent[customer.external_id] = when
        self.last_here[(customer.external_id, touchpoint)] = when


class History:
    """The bank's past: events, invitations and answers, with the desk working the cases."""

    def __init__(
        self,
        session: Session,
        *,
        now: datetime,
        days: int,
        customers: list[CustomerIn],
        departments: dict[str, int],
        settings: DemoSettings,
    ) -> None:
        self.session, self.now, self.days, self.settings = session, now, days, settings
        self.start = now - timedelta(days=days)
        self.rng = random.Random(20261123)
        self.story = Story(now)
        self.customers = customers
        self.past = Past()
        self.tally = Tally()
        self.outcomes = Outcomes(session)
        self.rows = {t.code: t for t in session.scalars(sa.select(Touchpoint))}
        staff: dict[int, list[User]] = {}
        for user in session.scalars(sa.select(User).where(User.department_id.is_not(None))):
            staff.setdefault(user.department_id, []).append(user)  # type: ignore[arg-type]
        self.desk = Desk(
            session, self.story, self.rng, self.outcomes, settings.calendar, settings.policy,
            settings.followup_days, staff, departments,
        )  # fmt: skip

    def play(self, progress: Callable[[int, int], None] | None = None) -> Tally:
        """Plan every event and sweep of the period, then play them in time order."""
        for day in range(self.days):
            self._plan_day(day)
        sweep = self.start
        while sweep < self.now:
            if WORKING_HOURS[0] <= sweep.astimezone(BANK_ZONE).hour < WORKING_HOURS[1]:
                self.story.at(sweep, self._sweep)
            sweep += SWEEP
        reached = self.start

        def told(when: datetime) -> None:
            nonlocal reached
            if progress and when.date() > reached.date():
                reached = when
                progress(min((when - self.start).days, self.days), self.days)

        self.story.play(told)
        self._sweep(self.now)
        self.outcomes.write()
        return self.tally

    def _plan_day(self, day: int) -> None:
        """A day's events: fewer early on and at weekends, in each touchpoint's busy hours. The
        bank's systems send them in batches, every few hours."""
        rng = self.rng
        date = (self.start + timedelta(days=day)).astimezone(BANK_ZONE).date()
        growth = 1.15 * (0.4 + 0.6 * (day / self.days) ** 1.5)
        batches: dict[datetime, list[tuple[DemoTouchpoint, CustomerIn, datetime]]] = {}
        for touchpoint in TOUCHPOINTS:
            volume = touchpoint.daily * growth * (touchpoint.weekend if date.weekday() >= 5 else 1)
            for _ in range(_count(rng, volume)):
                opens, closes = touchpoint.hours
                hour = rng.uniform(opens, closes)
                clock = time(int(hour), int(hour % 1 * 60), rng.randrange(60))
                moment = datetime.combine(date, clock, BANK_ZONE).astimezone(UTC)
                hours_in = moment.hour % BATCH_HOURS
                sent = moment.replace(minute=0, second=0) + timedelta(hours=BATCH_HOURS - hours_in)
                batches.setdefault(sent, []).append(
                    (touchpoint, rng.choice(self.customers), moment)
                )
        for sent, events in batches.items():
            self.story.at(sent, partial(self._arrive, events))

    def _arrive(
        self, events: list[tuple[DemoTouchpoint, CustomerIn, datetime]], when: datetime
    ) -> None:
        """A batch of events arrives; each scheduled invitation is judged when it falls due."""
        batch = []
        for touchpoint, person, moment in events:
            self.tally.events += 1
            attributes = {"branch": self.rng.choice(BRANCHES)} if touchpoint.topic in (
                "accounts", "branch", "loans") else {}  # fmt: skip
            number = f"demo-{self.tally.events:05d}"
            batch.append(EventIn(number, touchpoint.code, person, moment, attributes))
        results = ingest_events(self.session, batch, now=when)
        scheduled = {
            r.invitation_id: (touchpoint, person)
            for r, (touchpoint, person, _) in zip(results, events, strict=True)
            if r.invitation_status == InvitationStatus.SCHEDULED
        }
        planned = connection_of(self.session).execute(
            sa.select(Invitation.id, Invitation.send_after, Invitation.expires_at).where(
                Invitation.id.in_(scheduled)
            )
        )
        for invitation_id, due, expires in planned:
            touchpoint, person = scheduled[invitation_id]
            self.story.at(due, partial(self._due, invitation_id, touchpoint, person, expires))

    def _due(
        self,
        invitation_id: int,
        touchpoint: DemoTouchpoint,
        person: CustomerIn,
        expires: datetime,
        when: datetime,
    ) -> None:
        """The send job's verdict at `when`, with the customer's contact history so far."""
        row = self.rows[touchpoint.code]
        ask = Ask(
            touchpoint=touchpoint.code,
            priority=row.priority,
            cooldown=timedelta(days=row.cooldown_days),
            overrides_fatigue=row.overrides_fatigue,
            expires_at=expires,
            segment=person.segment,
            timezone=person.timezone or "Asia/Shanghai",
            opted_out=False,
        )
        decision = decide(ask, self.past.of(person, touchpoint.code), self.settings.policy, when)
        if decision.verdict == Verdict.DEFER:
            assert decision.at is not None
            if decision.at < self.now:
                self.story.at(decision.at, partial(self._due, invitation_id, touchpoint, person,
                                                   expires))  # fmt: skip
            else:
                reason = f"deferred: {decision.reason}"
                self.outcomes.waiting(invitation_id, until=decision.at, reason=reason)
            return
        if decision.verdict != Verdict.SEND:
            status = (
                InvitationStatus.SUPPRESSED
                if decision.verdict == Verdict.SUPPRESS
                else InvitationStatus.EXPIRED
            )
            self.outcomes.stopped(invitation_id, status=status, reason=decision.reason)
            return
        self.past.asked(person, touchpoint.code, when)
        answered = self._answer_time(touchpoint, when, expires)
        self.outcomes.sent(invitation_id, at=when, expires_at=expires,
                           reminder_hours=row.reminder_hours or [], answered_at=answered,
                           now=self.now)  # fmt: skip
        if answered is not None:
            self.story.at(answered, partial(self._answer, invitation_id, touchpoint, person))

    def _answer_time(
        self, touchpoint: DemoTouchpoint, sent: datetime, expires: datetime
    ) -> datetime | None:
        """Most who answer do so the same day; some after the reminder; most never do."""
        if self.rng.random() >= touchpoint.answer_rate:
            return None
        hours = self.rng.choices(
            [self.rng.uniform(0.1, 6), self.rng.uniform(6, 48), self.rng.uniform(72, 120)],
            weights=[55, 30, 15],
        )[0]
        answered = sent + timedelta(hours=hours)
        return answered if answered < min(expires, self.now) else None

    def _answer(
        self, invitation_id: int, touchpoint: DemoTouchpoint, person: CustomerIn, when: datetime
    ) -> None:
        language = "zh-CN" if person.locale == "zh_CN" else "en"
        progress = (when - self.start) / (self.now - self.start)
        answers = touchpoint_answers(
            self.rng, touchpoint, score(self.rng, touchpoint, progress), language
        )
        link = link_for_invitation(self.session, invitation_id)
        response_id = record_response(self.session, link, answers, language=language, now=when)
        self.tally.responses += 1
        routed = when + timedelta(seconds=self.rng.uniform(10, 60))
        case = route_response(
            self.session, response_id, now=routed, calendar=self.settings.calendar
        )
        if case is not None:
            self.tally.cases += 1
            customer = Customer(language, person.timezone or "Asia/Shanghai", touchpoint.topic)
            self.desk.opened(case, customer)

    def _sweep(self, when: datetime) -> None:
        """The worker's SLA alerts and the closing of cases nobody confirmed."""
        settings = self.settings
        alert_due_cases(self.session, now=when, remind_before=settings.remind_before,
                        base_url=settings.base_url)  # fmt: skip
        close_unconfirmed(self.session, now=when, days=settings.followup_days)


def _count(rng: random.Random, mean: float) -> int:
    """A whole number of events averaging `mean` (Poisson, near enough for a demo)."""
    whole = int(mean)
    return whole + (rng.random() < mean - whole) + rng.randint(-1, 1) * (whole > 2)
