"""The same event, the same survey answer, sent twice at the same moment: stored once."""

import threading

import sqlalchemy as sa

from app.models import Invitation, Response, TouchpointEvent
from app.services.accounts.api_keys import create_api_key
from app.services.feedback.survey_versions import sync_surveys
from tests.conftest import csrf_token
from tests.factories import InvitationFactory, TouchpointFactory, survey_link
from tests.reliability.conftest import event


def at_once(client, method, path, **kwargs):
    """Two threads send the same request, released together by a barrier."""
    barrier, answers = threading.Barrier(2), []

    def send():
        barrier.wait()
        answers.append(client.open(path, method=method, **kwargs))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def count(session, model):
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_one_event_sent_twice_at_once_makes_one_invitation(client, session):
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    answers = at_once(
        client,
        "POST",
        "/api/v1/events",
        json=event("twin"),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert sorted(a.status_code for a in answers) == [202, 202]
    assert sorted(a.get_json()["status"] for a in answers) == ["accepted", "duplicate"]
    assert len({a.get_json()["invitation_id"] for a in answers}) == 1
    assert (count(session, TouchpointEvent), count(session, Invitation)) == (1, 1)


def test_one_survey_answer_sent_twice_at_once_makes_one_response(app, client, session):
    sync_surveys(session)
    url = survey_link(app.config["SECRET_KEY"], InvitationFactory())
    session.commit()
    token = csrf_token(client.get(url).get_data(as_text=True))
    form = {"csrf_token": token, "nps": "3", "what_went_wrong": "staff", "consent": "yes"}
    answers = at_once(client, "POST", url, data=form)
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert count(session, Response) == 1


def test_bank_systems_posting_at_once_are_all_stored_none_refused(client, session):
    """Four systems, ten events each, all at once: on SQLite too, none answers 503."""
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    barrier, answers = threading.Barrier(4), []

    def system(number):
        barrier.wait()
        for n in range(10):
            body = event(f"sys{number}-{n}")
            body["customer"]["external_id"] = f"C{n % 3}"  # some customers shared
            answers.append(
                client.post(
                    "/api/v1/events", json=body, headers={"Authorization": f"Bearer {secret}"}
                ).status_code
            )

    threads = [threading.Thread(target=system, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [202] * 40
    assert (count(session, TouchpointEvent), count(session, Invitation)) == (40, 40)
