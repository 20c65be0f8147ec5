"""Loading survey definitions from YAML: every text in zh-CN and en, checked before use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
LANGUAGES = ("en", "zh-CN")


class DefinitionError(ValueError):
    """A definition file that must not reach a customer, with the place of the mistake."""


def load_definition(path: Path) -> dict[str, Any]:
    """Read and check one definition; raise DefinitionError naming the file and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{path.name}:{line} is not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise DefinitionError(f"{path.name}: the top level must be a mapping")
    for key in ("id", "version", "title", "questions"):
        if key not in data:
            raise DefinitionError(f"{path.name}: missing field {key!r}")
    _check_texts(path, "title", data["title"])
    for index, question in enumerate(data["questions"]):
        where = f"questions[{index}]"
        if "id" not in question or "type" not in question:
            raise DefinitionError(f"{path.name}: {where} needs an id and a type")
        _check_texts(path, f"{where}.text", question.get("text"))
    return data


def all_definitions() -> list[dict[str, Any]]:
    """Every definition shipped with Touchloop."""
    return [load_definition(path) for path in sorted(DEFINITIONS_DIR.glob("*.yaml"))]


def _check_texts(path: Path, where: str, texts: Any) -> None:
    if not isinstance(texts, dict) or any(not texts.get(lang) for lang in LANGUAGES):
        raise DefinitionError(
            f"{path.name}: {where} needs a text in each of {', '.join(LANGUAGES)}"
        )
