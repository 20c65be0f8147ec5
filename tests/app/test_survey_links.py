"""Survey links: unguessable, stored hashed, one 404 for every bad link, throttled per IP."""

import hashlib
import json

import sqlalchemy as sa
from itsdangerous import URLSafeSerializer
from itsdangerous.encoding import base64_decode

from app.models import SurveyLink
from app.services.feedback.survey_versions import sync_surveys
from surveys.tokens import new_token
from tests.conftest import csrf_token
from tests.factories import InvitationFactory, survey_link


def _link(app, session):
    sync_surveys(session)
    path = survey_link(app.config["SECRET_KEY"], InvitationFactory())
    session.commit()
    return path


def test_a_token_carries_128_random_bits_and_only_its_hash_is_stored(app, session):
    path = _link(app, session)
    token = path.removeprefix("/s/")
    invitation_id, nonce = json.loads(base64_decode(token.split(".")[0]))
    assert len(bytes.fromhex(nonce)) * 8 >= 128
    assert new_token("k", invitation_id) != new_token("k", invitation_id)
    stored = session.scalars(sa.select(SurveyLink.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored and nonce not in stored[0]


def test_unknown_forged_and_tampered_links_get_one_identical_404(app, client, session):
    path = _link(app, session)
    unstored = new_token(app.config["SECRET_KEY"], 999)  # signed right, never issued
    forged = URLSafeSerializer("not-the-key", salt="touchloop.survey-link.v1").dumps([1, "0" * 32])
    bodies = set()
    for bad in (f"/s/{unstored}", f"/s/{forged}", path[:-3] + "abc", "/s/x"):
        result = client.get(bad)
        assert result.status_code == 404
        bodies.add(result.get_data(as_text=True))
    assert len(bodies) == 1


def test_an_ip_opening_bad_links_is_refused_for_a_while_its_real_links_are_not(
    app, client, session
):
    path = _link(app, session)
    app.config["SURVEY_LINK_MAX_FAILURES"] = 3
    try:
        scanner = {"REMOTE_ADDR": "10.6.6.6"}
        codes = [client.get(f"/s/bad{n}", environ_base=scanner).status_code for n in range(4)]
        assert codes == [404, 404, 404, 429]
        # A customer behind the scanner's NAT still opens the link the bank sent them.
        assert client.get(path, environ_base=scanner).status_code == 200
        assert client.get("/s/bad9", environ_base=scanner).status_code == 429
        assert client.get("/s/bad9", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 404
    finally:
        app.config["SURVEY_LINK_MAX_FAILURES"] = 20


def test_a_reused_link_answers_409_already_answered(app, client, session):
    path = _link(app, session)
    data = {"nps": "9", "csrf_token": csrf_token(client.get(path).get_data(as_text=True))}
    assert client.post(path, data=data).status_code == 200
    again = client.post(path, data=data)
    assert again.status_code == 409
