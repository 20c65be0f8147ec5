"""What the case page reads besides the case: the topics of the comment, the customer's history
as far as the viewer may see it, and the people and departments its timeline names."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Case, CaseEvent, Department, Response, ResponseTopic, Topic, User
from app.services.cases.inbox import visible_cases


def case_page(session: Session, user: User, case_id: int) -> Case | None:
    """A case the user may see, with everything its page shows loaded up front."""
    return session.scalar(
        visible_cases(user)
        .where(Case.id == case_id)
        .options(
            joinedload(Case.response).joinedload(Response.touchpoint),
            joinedload(Case.response).joinedload(Response.customer),
            joinedload(Case.response).selectinload(Response.answers),
            joinedload(Case.department),
            joinedload(Case.assignee),
            selectinload(Case.events).joinedload(CaseEvent.actor),
        )
    )


@dataclass(frozen=True)
class CommentTopic:
    """A topic found in the comment, with the words that gave it away."""

    topic: Topic
    evidence: list[str]


def comment_topics(session: Session, response_id: int) -> list[CommentTopic]:
    """The topics stored for a response when it was read (the ones routing judged), in the
    taxonomy's order: staff see why a topic rule took the case, and what the customer raised."""
    rows = session.execute(
        sa.select(Topic, ResponseTopic.evidence)
        .join(ResponseTopic, ResponseTopic.topic == Topic.code)
        .where(ResponseTopic.response_id == response_id)
        .order_by(Topic.position, Topic.id)
    ).all()
    return [CommentTopic(topic, list(evidence)) for topic, evidence in rows]


@dataclass(frozen=True)
class EarlierAnswer:
    """Another response of the customer, with its case when the viewer may open that case."""

    response: Response
    case: Case | None


@dataclass(frozen=True)
class CustomerHistory:
    answers: list[EarlierAnswer]
    cases: list[Case]  # the viewer's cases of the customer whose answer is not listed above
    elsewhere: int = 0  # responses to other departments, counted but not shown to staff


def customer_history(session: Session, case: Case, user: User, limit: int = 10) -> CustomerHistory:
    """The 360° view: the customer's other responses and cases, as far as this user may see.

    Staff see what the customer told their own department, and only how many times they spoke
    to others (so they know to coordinate): what a customer says to one department is not every
    department's to read. CX managers and admins see everything.
    """
    customer_id = case.response.customer_id
    if customer_id is None:
        return CustomerHistory([], [])
    others = sa.select(Response).where(
        Response.customer_id == customer_id, Response.id != case.response_id
    )
    elsewhere = 0
    if not user.sees_all_departments:
        theirs = Response.department_id.is_distinct_from(user.department_id)
        elsewhere = (
            session.scalar(sa.select(sa.func.count()).select_from(others.where(theirs).subquery()))
            or 0
        )
        others = others.where(Response.department_id == user.department_id)
    responses = session.scalars(
        others.options(joinedload(Response.touchpoint))
        .order_by(Response.submitted_at.desc())
        .limit(limit)
    ).all()
    cases = session.scalars(
        visible_cases(user)
        .join(Response, Response.id == Case.response_id)
        .where(Response.customer_id == customer_id, Case.id != case.id)
        .order_by(Case.opened_at.desc())
        .limit(limit)
    ).all()
    by_response = {other.response_id: other for other in cases}
    answers = [
        EarlierAnswer(response, by_response.pop(response.id, None)) for response in responses
    ]
    return CustomerHistory(answers, list(by_response.values()), elsewhere)


@dataclass(frozen=True)
class TimelineNames:
    """Who and where a timeline's entries name by id: people assigned, departments sent to."""

    people: dict[int, User]
    departments: dict[int, Department]


def timeline_names(session: Session, events: list[CaseEvent]) -> TimelineNames:
    """The people and departments named in the entries' data, each read once."""
    people = _ids(events, "from_user", "to_user")
    places = _ids(events, "from_department", "to_department")
    found_people = session.scalars(sa.select(User).where(User.id.in_(people))) if people else []
    found_places = (
        session.scalars(sa.select(Department).where(Department.id.in_(places))) if places else []
    )
    return TimelineNames(
        {person.id: person for person in found_people},
        {place.id: place for place in found_places},
    )


def _ids(events: list[CaseEvent], *keys: str) -> set[int]:
    return {
        value for event in events for key in keys if isinstance(value := event.data.get(key), int)
    }
