"""Two worker processes over 2,000 queued SMS: each reaches the SMS platform once, none lost."""

import time
from collections import Counter

import sqlalchemy as sa

from app.models import ChannelSettings, OutboxMessage, utcnow
from tests.conftest import start_worker, stop_worker
from tests.fakes.sms_platform import TOKEN, sms_platform

MANY = 2000
TEXT = "【翠港银行】网点到访体验如何？1分钟问卷：https://bank.example/r/{n:07d} 回TD退订"


def test_two_workers_send_2000_sms_no_duplicates_no_gaps(app, session):
    with sms_platform() as platform:
        session.add(ChannelSettings(id=1, sms_provider="http", sms_http_url=platform.url))
        session.execute(
            sa.insert(OutboxMessage),
            [
                {
                    "channel": "sms",
                    "kind": "invitation",
                    "subject_key": f"invitation:{n}",
                    "recipient": f"+86138{n:08d}",
                    "subject": "",
                    "body_text": TEXT.format(n=n),
                    "body_html": "",
                    "headers": {},
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "next_attempt_at": utcnow(),
                }
                for n in range(MANY)
            ],
        )
        session.commit()
        workers = [start_worker(app, WORKER_ID=name, SMS_HTTP_TOKEN=TOKEN) for name in "ab"]
        try:
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline and len(platform.received) < MANY:
                time.sleep(0.5)
            time.sleep(2)  # a duplicate would arrive now
        finally:
            outputs = [stop_worker(worker) for worker in workers]
    mobiles = Counter(call["fields"]["mobile"] for call in platform.received)
    assert len(mobiles) == MANY, outputs[0][-2000:]  # no gaps
    assert max(mobiles.values()) == 1  # no duplicates
    session.expire_all()
    sent = session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert Counter(sent) == {("sent", 1): MANY}
    assert None not in session.scalars(sa.select(OutboxMessage.provider_ref)).all()
    assert not any("ERROR" in output for output in outputs), [o[-2000:] for o in outputs]
