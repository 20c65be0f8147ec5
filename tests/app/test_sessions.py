"""Session cookies across a secret-key rotation: the kept serializer follows the keys."""

import pytest
from itsdangerous import BadSignature


def test_a_rotated_key_signs_new_cookies_reads_listed_old_ones_and_drops_unlisted(app, monkeypatch):
    interface = app.session_interface
    before = interface.get_signing_serializer(app)
    old_cookie = before.dumps({"lang": "zh_CN"})

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.secret_key])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-after-rotation")
    rotated = interface.get_signing_serializer(app)
    assert rotated.loads(old_cookie) == {"lang": "zh_CN"}
    with pytest.raises(BadSignature):
        before.loads(rotated.dumps({"lang": "en"}))  # new cookies carry the new key

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    with pytest.raises(BadSignature):
        interface.get_signing_serializer(app).loads(old_cookie)
