"""Definitions are data: a mistake is refused with its file, line and field."""

import textwrap

import pytest

from surveys.definitions import DefinitionError, all_definitions, load_definition

GOOD = """\
id: pulse
version: 2
title: {en: "Hi", zh-CN: "你好"}
questions:
  - id: nps
    type: nps
    text: {en: "Score?", zh-CN: "评分？"}
  - id: why
    type: single_choice
    show_if: {question: nps, at_most: 6}
    text: {en: "Why?", zh-CN: "为什么？"}
    choices:
      - {id: slow, text: {en: "Slow", zh-CN: "慢"}}
      - {id: rude, text: {en: "Rude", zh-CN: "不礼貌"}}
"""


def write(tmp_path, text, name="pulse.v2.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_definitions_load_with_both_languages_and_every_type():
    definitions = all_definitions()
    assert {(d.id, d.version) for d in definitions} >= {("touchpoint_nps", 1), ("service_csat", 1)}
    types = {q.type for d in definitions for q in d.questions}
    assert types == {
        "nps",
        "csat",
        "ces",
        "rating",
        "single_choice",
        "multiple_choice",
        "text",
        "yes_no",
    }


def test_a_good_definition_loads(tmp_path):
    definition = load_definition(write(tmp_path, GOOD))
    assert definition.question("why").show_if.at_most == 6
    assert definition.question("why").choice_ids() == ["slow", "rude"]


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD.replace('text: {en: "Why?", zh-CN: "为什么？"}', 'text: {en: "Why?"}'),
            r"line 11: questions\[1\].text.zh-CN: Field required",
        ),
        (GOOD.replace("type: nps", "type: stars"), r"line 6: questions\[0\].type"),
        (
            GOOD.replace("question: nps", "question: later"),
            r"line 10: questions\[1\].show_if.question: .*earlier",
        ),
        (GOOD.replace("at_most: 6", "at_most: 6, at_least: 1"), "exactly one of"),
        (GOOD.replace("      - {id: rude", "      - {id: Rude"), r"choices\[1\].id"),
        (GOOD.replace("  - id: why", "  - id: nps"), r"line 8: questions\[1\].id: .*used twice"),
    ],
)
def test_mistakes_name_the_line_and_field(tmp_path, broken, expected):
    with pytest.raises(DefinitionError, match=expected):
        load_definition(write(tmp_path, broken))


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "id: x\nversion: 1\ntitle: {en: [unclosed\n")
    with pytest.raises(DefinitionError, match="line 4"):
        load_definition(path)


def test_the_file_name_carries_id_and_version(tmp_path):
    with pytest.raises(DefinitionError, match="must be named pulse.v2.yaml"):
        load_definition(write(tmp_path, GOOD, name="pulse.yaml"))
