"""How the demo bank's staff work a case, in business hours: acknowledge it, contact the customer
(when they agreed to it), resolve it with a cause and what was done, and ask the customer
whether it was put right. A few cases are cancelled, handed to another department or wait on
the customer; a few recent ones are still open, some past their deadline.

Every step goes through the case lifecycle, so the timeline and the audit log are as the
product writes them; the follow-up survey is answered as a customer answers it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.demo.answers import followup_answers
from app.demo.clock import Story
from app.demo.invitations import Outcomes
from app.models import OPEN_STATUSES, Case, CaseStatus, Invitation, InvitationStatus, User
from app.services.cases.case_routing import route_response
from app.services.cases.lifecycle import (
    add_note,
    reassign_case,
    record_contact,
    resolve_case,
    resume_clock,
    transition_case,
    wait_on_customer,
)
from app.services.distribution.links import link_for_invitation
from app.services.feedback.responses import record_response
from workflows.contact_rules import ContactPolicy, after_quiet_hours
from workflows.sla import BusinessCalendar, add_business_hours, business_seconds

CAUSES = {
    "accounts": ["process_or_documents", "fees_and_rates", "miscommunication", "waiting_time"],
    "cards": ["system_error", "fees_and_rates", "process_or_documents"],
    "digital": ["system_error", "product_design", "customer_misunderstanding"],
    "branch": ["waiting_time", "staff_behaviour", "process_or_documents"],
    "service": ["waiting_time", "staff_behaviour", "miscommunication"],
    "loans": ["process_or_documents", "fees_and_rates", "miscommunication"],
    "complaints": ["process_or_documents", "system_error", "staff_behaviour"],
}
# What staff write, in the customer's language: (English, Chinese).
DONE = {
    "waiting_time": ("Apologised for the wait and booked a priority appointment for the customer.",
                     "已向客户致歉，并为其预约了优先办理时段。"),
    "staff_behaviour": ("Spoke with the colleague involved and apologised to the customer.",
                        "已与相关员工沟通，并向客户致歉。"),
    "fees_and_rates": ("Refunded the fee and explained the charges in writing.",
                       "已退还相关费用，并书面说明收费标准。"),
    "process_or_documents": ("Completed the request for the customer and sent a list of what is "
                             "needed next time.", "已为客户办结业务，并发送了所需材料清单。"),
    "system_error": ("IT fixed the fault; the charges were reversed and the customer confirmed it "
                     "works.", "技术部门已修复问题，费用已冲正，客户确认恢复正常。"),
    "product_design": ("Explained how the feature works and passed the suggestion to the product "
                       "team.", "已向客户说明功能，并将建议转交产品团队。"),
    "miscommunication": ("Called the customer, corrected what they had been told and confirmed it "
                         "by e-mail.", "已致电客户更正此前的说法，并通过邮件确认。"),
    "customer_misunderstanding": ("Went through the terms with the customer; no error on our "
                                  "side.", "已向客户逐项解释条款，银行方面无差错。"),
}  # fmt: skip
CONTACTED = ("Called the customer and heard the whole story; promised an answer.",
             "已致电客户，详细了解了情况，并承诺尽快答复。")  # fmt: skip
WAITING = ("Waiting for the customer to send the documents.", "等待客户补充材料。")
RESUMED = ("Documents received.", "已收到客户补充的材料。")
NOTE = ("Checked the account history: the customer's account of events is right.",
        "已核对账户记录，客户所述情况属实。")  # fmt: skip
CANCELLED = [
    ("Duplicate of another case for the same customer.", "与同一客户的另一个案件重复。"),
    ("The customer withdrew the complaint.", "客户撤回了投诉。"),
]
HANDED_ON = {
    "digital_banking": ("cards", "It is about the card, not the app.",
                        "问题出在银行卡上，不在手机银行。"),
    "cards": ("digital_banking", "Activation fails in the app: for the digital team.",
              "激活失败发生在手机银行内，转数字银行部处理。"),
    "retail_branches": ("loans", "The customer's question is about their mortgage.",
                        "客户的问题涉及房贷，转贷款部。"),
    "call_centre": ("complaints", "The customer wants to make a formal complaint.",
                    "客户要求正式投诉，转投诉管理部。"),
}  # fmt: skip


@dataclass(frozen=True)
class Customer:
    """What casework needs of the customer behind a case."""

    language: str  # zh-CN or en
    timezone: str
    topic: str  # the touchpoint's topic, for the cause of the problem


def said(words: tuple[str, str], customer: Customer) -> str:
    return words[1] if customer.language == "zh-CN" else words[0]


@dataclass
class Desk:
    """The staff of every department, working cases as the story plays."""

    session: Session
    story: Story
    rng: random.Random
    outcomes: Outcomes
    calendar: BusinessCalendar
    policy: ContactPolicy
    followup_days: int
    staff: dict[int, list[User]]  # department id -> its staff
    departments: dict[str, int]  # code -> id

    def opened(self, case: Case, customer: Customer) -> None:
        """Plan what happens to a new case."""
        rng, start = self.rng, case.opened_at
        if rng.random() < 0.04:
            self.story.at(self._later(start, 1, 12), partial(self._cancel, case, customer))
            return
        handed = HANDED_ON.get(self._code(case.department_id))
        if handed and rng.random() < 0.06:
            self.story.at(self._later(start, 0.2, 2), partial(self._hand_on, case, customer))
        self.story.at(self._later(start, 0.1, 3), partial(self._acknowledge, case))
        consent = case.response.consent_to_contact
        if consent:
            self.story.at(self._contact_time(case), partial(self._contact, case, customer))
        recent = self.story.now - start < timedelta(days=21)
        if recent and rng.random() < 0.25:
            return  # still being worked on: some of these are past their deadline by now
        self.story.at(self._resolve_time(case), partial(self._resolve, case, customer, 1))

    def _actor(self, case: Case) -> User:
        if case.assignee is not None and case.assignee.department_id == case.department_id:
            return case.assignee
        return self.rng.choice(self.staff[case.department_id])

    def _code(self, department_id: int) -> str:
        return next(code for code, id_ in self.departments.items() if id_ == department_id)

    def _later(self, start: datetime, low: float, high: float) -> datetime:
        """A moment some business hours after `start`."""
        return add_business_hours(start, self.rng.uniform(low, high), self.calendar)

    def _within(self, start: datetime, due: datetime, on_time: float) -> datetime:
        """Before the deadline (with probability `on_time`), or some hours after it."""
        if self.rng.random() < on_time:
            hours = business_seconds(start, due, self.calendar) / 3600
            return add_business_hours(start, hours * self.rng.uniform(0.1, 0.95), self.calendar)
        return self._later(due, 1, 12)

    def _contact_time(self, case: Case) -> datetime:
        assert case.due_first_contact_at is not None
        return self._within(case.opened_at, case.due_first_contact_at, 0.92)

    def _resolve_time(self, case: Case) -> datetime:
        assert case.due_resolve_at is not None
        return self._within(case.opened_at, case.due_resolve_at, 0.85)

    def _cancel(self, case: Case, customer: Customer, when: datetime) -> None:
        if case.status in OPEN_STATUSES:
            note = said(self.rng.choice(CANCELLED), customer)
            transition_case(self.session, case, CaseStatus.CANCELLED, self._actor(case), note,
                            now=when, calendar=self.calendar)  # fmt: skip

    def _hand_on(self, case: Case, customer: Customer, when: datetime) -> None:
        code, english, chinese = HANDED_ON[self._code(case.department_id)]
        if case.status in OPEN_STATUSES:
            reason = said((english, chinese), customer)
            to = self.departments[code]
            reassign_case(self.session, case, self._actor(case), department_id=to, reason=reason,
                          now=when)  # fmt: skip

    def _acknowledge(self, case: Case, when: datetime) -> None:
        if case.status == CaseStatus.NEW:
            transition_case(self.session, case, CaseStatus.ACKNOWLEDGED, self._actor(case), "",
                            now=when)  # fmt: skip

    def _contact(self, case: Case, customer: Customer, when: datetime) -> None:
        if case.status not in OPEN_STATUSES or case.first_contact_at is not None:
            return
        actor = self._actor(case)
        channel = self.rng.choices(["phone", "email", "branch"], weights=[7, 2, 1])[0]
        record_contact(self.session, case, actor, channel=channel, note=said(CONTACTED, customer),
                       now=when)  # fmt: skip
        if case.status in (CaseStatus.NEW, CaseStatus.ACKNOWLEDGED):
            transition_case(self.session, case, CaseStatus.IN_PROGRESS, actor, "", now=when)
        if self.rng.random() < 0.2:
            add_note(self.session, case, actor, said(NOTE, customer), now=when)
        if self.rng.random() < 0.08:
            wait_on_customer(self.session, case, actor, note=said(WAITING, customer), now=when)
            back = self._later(when, 4, 20)
            self.story.at(back, partial(self._customer_back, case, customer))

    def _customer_back(self, case: Case, customer: Customer, when: datetime) -> None:
        if case.waiting_since is not None:
            resume_clock(self.session, case, self._actor(case), note=said(RESUMED, customer),
                         now=when, calendar=self.calendar)  # fmt: skip

    def _resolve(self, case: Case, customer: Customer, attempt: int, when: datetime) -> None:
        if case.status not in OPEN_STATUSES:
            return
        cause = self.rng.choice(CAUSES[customer.topic])
        resolve_case(self.session, case, self._actor(case), root_cause=cause,
                     summary=said(DONE[cause], customer), now=when,
                     followup_days=self.followup_days, calendar=self.calendar)  # fmt: skip
        followup = self.session.scalar(
            sa.select(Invitation)
            .where(Invitation.case_id == case.id, Invitation.status == InvitationStatus.SCHEDULED)
            .order_by(Invitation.id.desc())
            .limit(1)
        )
        if followup is not None:
            sent = after_quiet_hours(when, customer.timezone, self.policy)
            self.story.at(sent, partial(self._ask, followup, case, customer, attempt))

    def _ask(
        self, followup: Invitation, case: Case, customer: Customer, attempt: int, when: datetime
    ) -> None:
        """The follow-up goes out; most customers answer it, most of them happily."""
        assert followup.expires_at is not None
        answered = None
        if self.rng.random() < 0.62:
            answered = when + timedelta(hours=self.rng.uniform(1, 24 * (self.followup_days - 2)))
            if answered >= self.story.now:
                answered = None
        self.outcomes.sent(followup.id, at=when, expires_at=followup.expires_at,
                           reminder_hours=followup.touchpoint.reminder_hours or [],
                           answered_at=answered, now=self.story.now)  # fmt: skip
        if answered is not None:
            resolved = self.rng.random() < (0.82 if attempt == 1 else 0.9)
            answer = partial(self._answer, followup.id, case, customer, attempt, resolved)
            self.story.at(answered, answer)

    def _answer(
        self,
        invitation_id: int,
        case: Case,
        customer: Customer,
        attempt: int,
        resolved: bool,
        when: datetime,
    ) -> None:
        answers = followup_answers(self.rng, resolved, customer.language)
        link = link_for_invitation(self.session, invitation_id)
        response_id = record_response(
            self.session, link, answers, language=customer.language, now=when
        )
        route_response(self.session, response_id, now=when, calendar=self.calendar)
        if case.status == CaseStatus.REOPENED:
            again = self._later(when, 8, 40)
            self.story.at(again, partial(self._resolve, case, customer, attempt + 1))
