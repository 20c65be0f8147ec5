import pytest

from workflows.case_transitions import IllegalTransition, check_transition


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("new", "resolved"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "reopened"),
    ],
)
def test_allowed_moves_pass(start, end):
    check_transition(start, end)


@pytest.mark.parametrize(
    ("start", "end"), [("closed", "new"), ("cancelled", "resolved"), ("new", "closed")]
)
def test_illegal_moves_are_refused_with_a_readable_message(start, end):
    with pytest.raises(IllegalTransition, match=f"{start} cannot become {end}"):
        check_transition(start, end)
