import pytest

from surveys.definitions import DefinitionError, all_definitions, load_definition


def test_shipped_definitions_load_with_both_languages():
    definitions = all_definitions()
    assert {d["id"] for d in definitions} >= {"touchpoint_nps"}
    for definition in definitions:
        assert definition["title"]["zh-CN"] and definition["title"]["en"]


def test_a_missing_translation_names_the_field(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "id: broken\nversion: 1\ntitle: {en: Hi, zh-CN: 你好}\n"
        'questions:\n  - id: nps\n    type: nps\n    text: {en: "Score?"}\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match=r"broken.yaml: questions\[0\].text"):
        load_definition(path)


def test_a_missing_field_is_named(tmp_path):
    path = tmp_path / "nofields.yaml"
    path.write_text("id: x\nversion: 1\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="missing field 'title'"):
        load_definition(path)


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "syntax.yaml"
    path.write_text("id: x\nversion: 1\ntitle: {en: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="syntax.yaml: line 4"):
        load_definition(path)
