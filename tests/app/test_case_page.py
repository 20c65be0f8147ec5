"""The case page as staff read and work it: answers in words, the customer beside the case, the
timeline in words, actions that choose nothing for the user, and assignment within a department.

The words are checked on the functions that make them (no HTTP), the page through the client."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.cases.display import (
    answer_rows,
    customer_name,
    primary_action,
    sentiment_words,
    status_steps,
    timeline,
)
from app.models import Case, CaseEvent, utcnow
from app.services.cases.case_view import TimelineNames, timeline_names
from app.services.cases.lifecycle import (
    CaseRefused,
    VersionConflict,
    assign_case,
    record_event,
    transition_case,
)
from app.services.feedback.survey_versions import stored_definition
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, DepartmentFactory, TouchpointFactory, UserFactory

# Stored codes a person must never read on a staff page, in either language.
CODES = ("low_score", "True", "False", "waiting_time", "in_progress", "branch_visit", "None")


class _Visible(HTMLParser):
    """The text a person reads: text nodes and the attributes that are read out or shown."""

    READ = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1
        self.parts.extend(value or "" for name, value in attrs if name in self.READ)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_no_codes(html: str) -> None:
    text = visible_text(html)
    assert not [code for code in CODES if code in text], text


@pytest.fixture
def coded_case(session, detractor_case):
    """A case full of stored codes: a touchpoint `branch_visit`, a `low_score` rule, a
    `waiting_time` choice, a consent of True, `in_progress`; with an earlier answer and case."""
    touchpoint = TouchpointFactory(code="branch_visit", name="Branch visit", name_zh="网点到访")
    staff = UserFactory(department=touchpoint.department, name="Zhou Min")
    earlier = detractor_case(touchpoint.department, comment="The queue took an hour again")
    earlier.response.touchpoint = touchpoint
    case = detractor_case(
        touchpoint.department,
        comment="排队等了一个小时，手续费也太高",
        customer=earlier.response.customer,
        what_went_wrong=["waiting_time", "fees", "other"],
        what_went_wrong__other="No one at the desk",
    )
    case.response.touchpoint = touchpoint
    case.rule, case.reason = "low_score", "NPS 2 ≤ 6; touchpoint branch_visit"
    case.status = "in_progress"
    session.commit()
    return case, staff


def test_answers_read_as_the_question_asks_them_in_the_readers_language(app, session, coded_case):
    case, _staff = coded_case
    response = case.response
    definition = stored_definition(session, response.survey_code, response.survey_version)
    english = answer_rows(definition, response.answers, "en")
    assert english == [
        ("After this experience, how likely are you to recommend us to a friend or colleague?",
         "2 / 10"),
        ("What went wrong? Choose all that apply.",
         "Waiting time, Fees or rates, Other: “No one at the desk”"),
        ("May we contact you about your answer, to put things right?", "Yes"),
    ]  # fmt: skip
    with force_locale("zh_CN"):
        chinese = answer_rows(definition, response.answers, "zh-CN")
    assert chinese[1] == (
        "哪些方面让您不满意？（可多选）",
        "等待时间、费用或利率、其他：“No one at the desk”",
    )
    assert chinese[2][1] == "是"


def test_the_consent_never_comes_first(app, session, coded_case):
    case, _staff = coded_case
    response = case.response
    definition = stored_definition(session, response.survey_code, response.survey_version)
    consent_first = definition.model_copy(
        update={"questions": sorted(definition.questions, key=lambda q: q.role != "consent")}
    )
    rows = answer_rows(consent_first, response.answers, "en")
    assert rows[-1][0].startswith("May we contact you") and rows[0][1] == "2 / 10"


def test_sentiment_is_words(app):
    assert sentiment_words(-0.62) == "negative (−0.62)"
    assert sentiment_words(0.03) == "neutral (+0.03)"
    with force_locale("zh_CN"):
        assert sentiment_words(0.5) == "正面（+0.50）"


def test_the_next_step_is_the_one_primary_action(app, session, detractor_case):
    case = detractor_case()
    assert (primary_action(case), status_steps(case.status)) == (
        "acknowledged",
        ["acknowledged", "in_progress"],
    )
    case.status = "in_progress"
    assert primary_action(case) == "contact"  # agreed to be contacted, not contacted yet
    case.first_contact_at = utcnow()
    assert primary_action(case) == "resolve"
    case.waiting_since = utcnow()
    assert primary_action(case) == "resume"
    case.status = "closed"
    assert (primary_action(case), status_steps("closed")) == ("", [])


def test_every_timeline_entry_is_said_in_words(app, session, detractor_case):
    loans, cards = (
        DepartmentFactory(name="Loans", name_zh="贷款部"),
        DepartmentFactory(name="Cards"),
    )
    case = detractor_case(loans)
    first, second = UserFactory(department=loans, name="Li Na"), UserFactory(department=loans)
    now = utcnow()
    assign_case(session, case, first, assignee_id=first.id, now=now)
    assign_case(session, case, first, assignee_id=second.id, now=now)
    transition_case(session, case, "in_progress", first, "", now=now)
    record_event(session, case, first, "contacted", None, None, "Called", now, {"channel": "phone"})
    record_event(session, case, None, "sla_escalate_department", None, None, "breached", now)
    record_event(session, case, None, "status", "resolved", "closed", "Customer confirmed", now)
    data = {"from_department": loans.id, "to_department": cards.id}
    record_event(session, case, first, "reassigned", None, None, "Card matter", now, data)
    session.expire(case, ["events"])
    names = timeline_names(session, case.events)
    entries = timeline(case.events, names, {})
    said = [(entry.actor, entry.what, entry.note) for entry in entries]
    assert said == [
        ("Touchloop itself", "Case opened", "NPS 2 (rule: ≤ 6)"),
        ("Li Na", "Assigned to Li Na", ""),
        ("Li Na", f"Assigned to {second.email} (was Li Na)", ""),
        ("Li Na", "Status: new → in progress", ""),
        ("Li Na", "Customer contacted: Phone", "Called"),
        ("Touchloop itself", "The deadline passed: sent up to the department head", ""),
        ("Touchloop itself", "Status: resolved → closed", "The customer confirmed it is resolved."),
        ("Li Na", "Sent from Loans to Cards", "Card matter"),
    ]
    with force_locale("zh_CN"):
        chinese = timeline(case.events, names, {})
    assert chinese[3].what == "状态：新建 → 处理中" and chinese[1].what == "已分派给 Li Na"


def test_a_timeline_without_names_to_look_up_asks_nothing(app, session, detractor_case):
    case = detractor_case()
    assert timeline_names(session, case.events) == TimelineNames({}, {})


# Assignment: the rules, on the lifecycle service.


@pytest.fixture
def team(session, detractor_case):
    loans = DepartmentFactory(code="loans")
    case = detractor_case(loans)
    me, colleague = UserFactory(department=loans), UserFactory(department=loans, name="Li Na")
    stranger = UserFactory(department=DepartmentFactory(code="cards"))
    session.commit()
    return type("Team", (), locals())


def assignments(session, case):
    session.expire_all()
    rows = session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "assigned")
    )
    return [(event.actor_id, event.data["from_user"], event.data["to_user"]) for event in rows]


def test_staff_assign_a_case_to_themselves_then_to_a_colleague(session, team):
    now = utcnow()
    assign_case(session, team.case, team.me, assignee_id=team.me.id, now=now, version=1)
    assign_case(session, team.case, team.me, assignee_id=team.colleague.id, now=now)
    assert team.case.assignee_id == team.colleague.id
    assert assignments(session, team.case) == [
        (team.me.id, None, team.me.id),
        (team.me.id, team.me.id, team.colleague.id),
    ]


@pytest.mark.parametrize(
    ("who", "to", "message"),
    [
        ("me", "stranger", "active member of its department"),
        ("stranger", "me", "Only the case's department or a CX manager"),
        ("me", "inactive", "active member of its department"),
        ("me", "nobody", "active member of its department"),
    ],
)
def test_assignment_stays_within_the_department(session, team, who, to, message):
    team.inactive = UserFactory(department=team.loans, active=False)
    people = {"me": team.me, "stranger": team.stranger, "inactive": team.inactive}
    target = people[to].id if to in people else 999_999
    with pytest.raises(CaseRefused, match=message):
        assign_case(session, team.case, people[who], assignee_id=target, now=utcnow())
    assert assignments(session, team.case) == []


def test_managers_assign_any_case_to_its_department_only(session, team):
    manager = UserFactory(role="cx_manager", department=None)
    assign_case(session, team.case, manager, assignee_id=team.colleague.id, now=utcnow())
    with pytest.raises(CaseRefused):
        assign_case(session, team.case, manager, assignee_id=manager.id, now=utcnow())
    assert assignments(session, team.case) == [(manager.id, None, team.colleague.id)]


def test_assignment_checks_the_version_and_the_status(session, team):
    with pytest.raises(VersionConflict):
        assign_case(session, team.case, team.me, assignee_id=team.me.id, now=utcnow(), version=7)
    transition_case(session, team.case, "cancelled", team.me, "duplicate", now=utcnow())
    with pytest.raises(CaseRefused, match="Only an open case"):
        assign_case(session, team.case, team.me, assignee_id=team.me.id, now=utcnow())
    with pytest.raises(CaseRefused, match="already assigned"):
        team.case.status, team.case.assignee_id = "new", team.me.id
        assign_case(session, team.case, team.me, assignee_id=team.me.id, now=utcnow())


def test_only_the_owner_reads_the_customers_name_and_only_with_consent(app, session, team):
    case = team.case
    assert customer_name(case, team.me) == "M** C***"
    case.assignee_id = team.me.id
    assert customer_name(case, team.me) == "Mei Chen"
    assert customer_name(case, team.colleague) == "M** C***"
    case.response.consent_to_contact = False
    assert customer_name(case, team.me) == "M** C***"


# The page, through the client.


def page_of(client, case, lang="en"):
    return client.get(f"/cases/{case.id}?lang={lang}").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_stored_code_reaches_the_case_page(client, session, coded_case, lang):
    case, staff = coded_case
    case.assignee = staff
    session.commit()
    login(client, staff.email, PASSWORD)
    html = page_of(client, case, lang)
    assert_no_codes(html)
    if lang == "zh_CN":
        text = visible_text(html)
        assert "网点到访" in text and "处理中" in text and "等待时间" in text and "是" in text
        assert "Low score" not in text and "低分" in text


def test_the_case_page_shows_the_customer_beside_the_case(client, session, coded_case):
    case, staff = coded_case
    case.assignee = staff
    session.commit()
    login(client, staff.email, PASSWORD)
    html = page_of(client, case)
    main, aside = html.split("<aside")
    assert "排队等了一个小时" in main and "Sentiment" in main and "Topics" in main
    assert "Why" in main and "Low score" in main and "touchpoint: Branch visit" in main
    assert "Mei Chen" in aside and "Retail" in aside
    assert case.response.customer.email in aside
    assert "The queue took an hour again" in aside  # the earlier answer, with its comment
    earlier = session.scalars(sa.select(Case).where(Case.id != case.id)).one()
    assert f'href="/cases/{earlier.id}"' in aside
    assert "Zhou Min" in html.split("<aside")[0]  # the assignee by name
    assert "UTC+8" in html and " UTC<" not in html  # times in the bank's zone, zone shown


def test_no_select_chooses_for_the_user(client, session, coded_case):
    case, staff = coded_case
    session.commit()
    login(client, staff.email, PASSWORD)
    html = page_of(client, case)
    for name in ("root_cause", "channel", "department_id", "assignee_id"):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        assert 'value="" selected' in select or "selected" not in select, name
        assert select.split("<option", 2)[1].startswith(' value=""'), name


def test_resolving_without_a_root_cause_is_refused_beside_the_field(client, session, coded_case):
    case, staff = coded_case
    session.commit()
    login(client, staff.email, PASSWORD)
    data = {"csrf_token": csrf_token(page_of(client, case)), "version": case.version}
    sent = client.post(f"/cases/{case.id}/resolve", data={**data, "summary": "Waived the fee"})
    html = sent.get_data(as_text=True)
    assert "Choose the root cause." in html and "Waived the fee</textarea>" in html
    session.expire_all()
    assert session.get(Case, case.id).status == "in_progress"


def test_cancelling_is_a_confirmed_destructive_action_with_a_reason(client, session, coded_case):
    case, staff = coded_case
    session.commit()
    login(client, staff.email, PASSWORD)
    html = page_of(client, case)
    zone = html.split('class="danger-zone')[1].split("</details>")[0]
    assert "btn-outline-danger" in zone and 'class="btn btn-danger"' in zone
    assert 'name="reason"' in zone and 'name="confirm"' in zone

    def cancel(**fields):
        token = csrf_token(page_of(client, case))
        data = {"csrf_token": token, "version": session.get(Case, case.id).version, **fields}
        client.post(f"/cases/{case.id}/cancel", data=data)
        session.expire_all()
        return session.get(Case, case.id).status

    assert cancel(reason="Opened twice") == "in_progress"  # not confirmed
    assert cancel(confirm="y") == "in_progress"  # no reason
    assert cancel(reason="Opened twice", confirm="y") == "cancelled"
    assert "Status: in progress → cancelled" in page_of(client, case)


def test_staff_assign_to_themselves_and_to_a_colleague_from_the_page(client, session, team):
    login(client, team.me.email, PASSWORD)
    case = team.case

    def assign(to):
        token = csrf_token(page_of(client, case))
        session.expire_all()
        data = {"csrf_token": token, "version": session.get(Case, case.id).version}
        return client.post(f"/cases/{case.id}/assign", data={**data, "assignee_id": to})

    html = page_of(client, case)
    assert "Assign to me" in html and f'<option value="{team.colleague.id}">Li Na</option>' in html
    assert str(team.stranger.email) not in html
    assert assign(team.me.id).status_code == 302
    html = page_of(client, case)
    assert "Assign to me" not in html and "Assigned to " + team.me.email in visible_text(html)
    assert case.response.customer.email in html  # the owner now reads the contact details
    assign(team.colleague.id)
    text = visible_text(page_of(client, case))
    assert f"Assigned to Li Na (was {team.me.email})" in text
    refused = assign(team.stranger.id).get_data(as_text=True)
    assert "can only be assigned to an active member of its department" in refused
    session.expire_all()
    assert session.get(Case, case.id).assignee_id == team.colleague.id


def test_the_waiting_case_offers_to_restart_the_clock_first(client, session, coded_case):
    case, staff = coded_case
    case.waiting_since = utcnow() - timedelta(hours=2)
    session.commit()
    login(client, staff.email, PASSWORD)
    html = page_of(client, case)
    resume = html.split('id="action-waiting"')[1].split("</details>")[0]
    assert resume.startswith(" open>") and 'class="btn btn-primary">Restart the clock' in resume
    assert html.count("btn btn-primary") == 1  # one primary action on the page
