from surveys.tokens import (
    customer_id_from,
    invitation_id_from,
    new_token,
    token_digest,
    unsubscribe_token,
)


def test_a_token_names_its_invitation_and_nothing_else():
    token = new_token("secret", 42)
    assert invitation_id_from("secret", token) == 42
    assert "@" not in token


def test_two_tokens_for_one_invitation_differ():
    assert new_token("secret", 1) != new_token("secret", 1)


def test_forged_or_mistyped_tokens_are_refused():
    token = new_token("secret", 7)
    assert invitation_id_from("other-secret", token) is None
    # Not the last character: base64 leaves two of its bits unused, so some changes to it
    # decode to the same signature.
    mistyped = "A" if token[-5] != "A" else "B"
    assert invitation_id_from("secret", token[:-5] + mistyped + token[-4:]) is None
    assert invitation_id_from("secret", "not-a-token") is None


def test_the_database_keeps_a_digest_not_the_token():
    token = new_token("secret", 7)
    assert token_digest(token) != token
    assert len(token_digest(token)) == 64


def test_unsubscribe_tokens_name_the_customer_and_cannot_open_a_survey():
    token = unsubscribe_token("secret", 12)
    assert customer_id_from("secret", token) == 12
    assert invitation_id_from("secret", token) is None
    assert customer_id_from("secret", new_token("secret", 12)) is None
    assert customer_id_from("other", token) is None
