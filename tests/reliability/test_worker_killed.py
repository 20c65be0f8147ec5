"""The worker is SIGKILLed mid-work, twice, and restarted: everything done, each thing once.

Events wait as scheduled invitations (send job, then delivery), detractor responses wait for
routing (a case each) and every case is due an SLA reminder (SLA_REMIND_BEFORE_HOURS is huge).
The kills come from database progress, not from the mail sink, so they land wherever the
worker happens to be. SMTP cannot make delivery and our commit one step: a kill between the
server's "250" and the commit resends that one message, with the same Message-ID.
"""

import asyncio
import signal
from collections import Counter

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.models import Case, CaseEvent, Invitation, OutboxMessage, Response
from app.services.feedback.survey_versions import sync_surveys
from tests.conftest import Mailbox, free_port, start_worker, stop_worker
from tests.factories import InvitationFactory, answer, scheduled_invitations
from tests.reliability.conftest import wait_for

EVENTS, DETRACTORS, KILLS = 150, 60, 2


class SlowMailbox(Mailbox):
    """A sink that takes a moment per message, so delivery is still running when killed."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def progress(session) -> int:
    session.expire_all()
    sent = session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == "sent"))
    routed = session.scalar(sa.select(sa.func.count()).where(Response.routing_status != "pending"))
    return sent + routed


def test_a_worker_killed_twice_mid_work_leaves_nothing_undone_or_doubled(postgres, session):
    sync_surveys(session)
    scheduled_invitations(session, EVENTS)
    for _ in range(DETRACTORS):
        answers = {"nps": 1, "what_went_wrong": ["staff"], "consent": True}
        answer(session, InvitationFactory(), answers)
    session.commit()
    mailbox = SlowMailbox("127.0.0.1", free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    env = {
        "MAIL_SERVER": mailbox.host,
        "MAIL_PORT": str(mailbox.port),
        "WORKFLOW_LEASE_SECONDS": "2",
        "SLA_REMIND_BEFORE_HOURS": "1000000",
    }
    outputs = []
    try:
        for kill in range(KILLS):
            worker = start_worker(postgres, **env)
            start = progress(session)
            wait_for(lambda start=start: progress(session) > start + 20, seconds=60)
            worker.send_signal(signal.SIGKILL)
            outputs.append(stop_worker(worker))
            assert worker.returncode == -signal.SIGKILL, f"kill {kill}: {outputs[-1]}"
        worker = start_worker(postgres, **env)
        wait_for(lambda: len({m["Message-ID"] for m in mailbox.messages}) >= EVENTS, seconds=90)
        wait_for(lambda: sla_reminders(session) >= DETRACTORS, seconds=30)
        outputs.append(stop_worker(worker))
    finally:
        controller.stop()
    session.expire_all()
    invitations = Counter(session.scalars(sa.select(Invitation.status)))
    assert invitations["sent"] == EVENTS, outputs[-1]
    queued = Counter(session.scalars(sa.select(OutboxMessage.subject_key)))
    assert len(queued) == EVENTS and set(queued.values()) == {1}  # one e-mail per invitation
    ids = Counter(message["Message-ID"] for message in mailbox.messages)
    assert len(ids) == EVENTS  # every message delivered
    assert sum(ids.values()) - EVENTS <= KILLS  # resent at most the one in flight per kill
    cases = Counter(session.scalars(sa.select(Case.response_id)))
    assert len(cases) == DETRACTORS and set(cases.values()) == {1}  # one case per detractor
    assert sla_reminders(session) == DETRACTORS  # one SLA reminder per case


def sla_reminders(session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).where(CaseEvent.kind == "sla_remind"))
