import pytest

from surveys.definitions import all_definitions
from surveys.schema import Condition
from surveys.skip_logic import condition_met, visible_questions


def nps_survey():
    return next(d for d in all_definitions() if d.id == "touchpoint_nps")


@pytest.mark.parametrize(
    ("rule", "answer", "met"),
    [
        ({"at_most": 6}, 6, True),
        ({"at_most": 6}, 7, False),
        ({"at_least": 9}, 9, True),
        ({"at_least": 9}, None, False),
        ({"equals": False}, False, True),
        ({"equals": False}, True, False),
        ({"any_of": ["fees", "staff"]}, ["waiting_time", "fees"], True),
        ({"any_of": ["fees"]}, "staff", False),
        ({"any_of": ["fees", "staff"]}, "staff", True),  # one choice, not a list of them
        ({"equals": ""}, "", False),  # a blank answer is no answer, whatever the test
        ({"at_most": 6}, "3", False),  # text is never a score
        ({"at_most": 6}, True, False),  # nor is a yes
        ({"at_most": 6}, [], False),
    ],
)
def test_conditions(rule, answer, met):
    assert condition_met(Condition(question="q", **rule), answer) is met


def test_detractor_questions_show_only_for_detractors():
    survey = nps_survey()
    ids = lambda answers: [q.id for q in visible_questions(survey, answers)]  # noqa: E731
    assert ids({"nps": 3}) == ["nps", "what_went_wrong", "comment", "consent"]
    assert ids({"nps": 9}) == ["nps", "comment"]
    assert ids({}) == ["nps", "comment"]


def test_a_question_behind_a_hidden_one_is_hidden_too():
    survey = nps_survey()
    chained = survey.model_copy(
        update={
            "questions": [
                *survey.questions,
                survey.question("comment").model_copy(
                    update={
                        "id": "more",
                        "role": None,
                        "show_if": Condition(question="consent", equals=True),
                    }
                ),
            ]
        }
    )
    shown = [q.id for q in visible_questions(chained, {"nps": 9, "consent": True})]
    assert "more" not in shown
