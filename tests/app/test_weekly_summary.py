"""The weekly summary: CX managers get the bank, department heads their department, once a week."""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.models import OutboxMessage
from app.services.reports.summary import last_week, send_weekly_summaries
from tests.app.dashboard_bank import at, build_bank
from tests.app.test_dashboard_topics import comment
from tests.factories import UserFactory

# Wednesday of the week after the hand-computed bank's second week
NOW = datetime(2026, 3, 18, 10, tzinfo=UTC)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def test_last_week_is_monday_to_monday():
    assert last_week(NOW) == (datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC))


def test_managers_and_heads_get_their_figures_once(app, session):
    bank = build_bank(session)
    manager = UserFactory(role="cx_manager", department=None, locale="zh_CN", created_at=LONG_AGO)
    head = UserFactory(department=bank.loans, heads_department=True, created_at=LONG_AGO)
    UserFactory(department=bank.loans, created_at=LONG_AGO)  # staff: no summary
    UserFactory(role="cx_manager", department=None)  # joined after the week: none yet
    session.commit()
    sent = send_weekly_summaries(session, now=NOW, base_url="http://localhost", min_sample=3)
    assert sent == 2
    assert send_weekly_summaries(session, now=NOW, base_url="http://localhost", min_sample=3) == 0
    mails = {
        m.recipient: m
        for m in session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "weekly_summary")
        )
    }
    assert set(mails) == {manager.email, head.email}
    # the week of 03-09: c4 and c6 opened (c5 cancelled); loans alone: c4
    assert mails[manager.email].subject == "Touchloop 每周摘要，2026-W11"
    assert "新建工单: 2 (上周: 3)" in mails[manager.email].body_text  # c4, c6; c1-c3
    assert "2026-W11" in mails[head.email].subject
    assert "Cases opened: 2" not in mails[head.email].body_text
    assert "Cases opened: 1 (previous week: 2)" in mails[head.email].body_text  # c4; c2, c3
    assert "start=2026-03-09&amp;end=2026-03-15" in mails[head.email].body_html


def test_the_summary_names_the_topics_rising_against_the_week_before(app, session):
    bank = build_bank(session)
    manager = UserFactory(role="cx_manager", department=None, created_at=LONG_AGO)
    for day in (10, 11, 12, 13, 14):  # the week of 03-09: five comments about fees
        comment(session, bank.branch, at(day), 4, "The fee again", ["fees"])
    session.commit()
    send_weekly_summaries(session, now=NOW, base_url="http://localhost", min_sample=3)
    text = session.scalars(
        sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == manager.email)
    ).one()
    assert "Topics rising against the week before:" in text
    assert "- Fees and charges · +" in text and "5 comments, 0 the week before" in text
