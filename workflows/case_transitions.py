"""The case lifecycle: which status may follow which. Pure data and one check."""

from __future__ import annotations

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"acknowledged", "in_progress", "resolved", "cancelled"}),
    "acknowledged": frozenset({"in_progress", "resolved", "cancelled"}),
    "in_progress": frozenset({"resolved", "cancelled"}),
    "reopened": frozenset({"acknowledged", "in_progress", "resolved", "cancelled"}),
    "resolved": frozenset({"closed", "reopened"}),
    "closed": frozenset({"reopened"}),
    "cancelled": frozenset(),
}


class IllegalTransition(ValueError):
    """Raised when a case is asked to move where its lifecycle does not go."""

    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__(f"A case that is {from_status} cannot become {to_status}.")
        self.from_status, self.to_status = from_status, to_status


def check_transition(from_status: str, to_status: str) -> None:
    """Refuse a move the lifecycle does not allow, with a message staff can read."""
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise IllegalTransition(from_status, to_status)
