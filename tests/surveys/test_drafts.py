from surveys.definitions import all_definitions
from surveys.drafts import draft_of

NPS = next(d for d in all_definitions() if d.id == "touchpoint_nps")


def test_a_draft_keeps_the_surveys_fields_and_drops_the_rest():
    draft = draft_of(NPS, {"nps": ["4"], "comment": ["slow"], "csrf_token": ["t"], "evil": ["x"]})
    assert draft == {"nps": ["4"], "comment": ["slow"]}


def test_each_field_is_cut_to_what_its_question_holds():
    draft = draft_of(
        NPS,
        {
            "nps": ["4", "9"],
            "what_went_wrong": [
                "fees",
                "staff",
                "process",
                "digital",
                "waiting_time",
                "other",
                "x",
            ],
            "what_went_wrong__other": ["o" * 300, "second"],
            "comment": ["c" * 2001],
        },
    )
    assert draft["nps"] == ["4"]
    assert len(draft["what_went_wrong"]) == 6  # its five choices and "other"
    assert draft["what_went_wrong__other"] == ["o" * 200]
    assert draft["comment"] == ["c" * 2000]


def test_empty_values_are_not_kept():
    assert draft_of(NPS, {"nps": [""], "what_went_wrong__other": [""], "comment": []}) == {}


def test_an_other_text_is_kept_only_where_the_question_has_other():
    assert draft_of(NPS, {"comment__other": ["x"]}) == {}
