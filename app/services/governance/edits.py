"""An admin's edit of a settings row: only the fields the screen may change, then flush."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from sqlalchemy.orm import Session


def apply_edit(session: Session, row: object, values: dict[str, Any], editable: Set[str]) -> None:
    """Set the edited fields; a field outside `editable` is a programming error, refused."""
    unknown = set(values) - editable
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
