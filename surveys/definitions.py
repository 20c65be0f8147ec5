"""Loading survey definitions from YAML, refusing any mistake with its file, line and field.

Files are named `<id>.v<version>.yaml`; every version stays on disk and in the database, so a
response is always read against the version it answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from surveys.schema import PlacedError, SurveyDefinition, parse

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class DefinitionError(ValueError):
    """A definition that must not reach a customer, with the place of the mistake."""


def load_definition(path: Path) -> SurveyDefinition:
    """Read and check one definition file."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark is not None else ""
        raise DefinitionError(f"{path.name}:{line} not valid YAML ({error})") from error
    try:
        definition = parse(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        cause = first.get("ctx", {}).get("error")
        loc = (*first["loc"], *getattr(cause, "loc", ()))
        message = str(cause) if isinstance(cause, PlacedError) else first["msg"]
        raise DefinitionError(
            f"{path.name}: line {_line(root, loc)}: {_path(loc)}: {message}"
        ) from error
    expected = f"{definition.id}.v{definition.version}.yaml"
    if path.name != expected:
        raise DefinitionError(f"{path.name}: line 1: the file must be named {expected}")
    return definition


def all_definitions() -> list[SurveyDefinition]:
    """Every definition shipped with Touchloop, every version."""
    return [load_definition(path) for path in sorted(DEFINITIONS_DIR.glob("*.yaml"))]


def _path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The line of the deepest YAML node the error path still reaches."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
