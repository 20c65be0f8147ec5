"""Anonymous answers through a branch's QR poster, and the limits that keep them honest.

Anyone who scans a poster may answer, so two limits stand against ballot stuffing: one answer
per device per poster per day (the day in the bank's time zone, the day its branches live), and
at most a set number of answers an hour from one network. Who answered is kept only as keyed
hashes (HMAC with the app's secret) of the device's random cookie and of the network, so the
database cannot tell anyone's address, and a copy of it cannot be matched against a guess.

Both checks and the writes happen in the caller's one transaction: the device limit is the
table's unique key (a second insert fails, whoever commits first), and the network limit is
one conditional insert, serialised per network on PostgreSQL by a transaction advisory lock
(SQLite runs one writer at a time).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, BranchPoster, PosterAnswer, Response, RoutingStatus
from app.services.database.statements import connection_of
from app.services.feedback.survey_versions import current_survey, definition_of
from surveys.schema import SurveyDefinition
from surveys.scoring import score_response

CHANNEL = "qr"
SEGMENT = "unknown"  # no customer, so no segment: the dashboard says "Not known (anonymous)"
NETWORK_WINDOW = timedelta(hours=1)
IPV6_NETWORK_BITS = 64  # one home or phone gets a whole /64: counting addresses would miss it

_answers = PosterAnswer.__table__.c
_RECENT_FROM_NETWORK = (
    sa.select(sa.func.count())
    .select_from(PosterAnswer.__table__)
    .where(_answers.network == sa.bindparam("network"), _answers.created_at > sa.bindparam("since"))
    .scalar_subquery()
)
# The network limit and the insert as one statement: no row when the network used its hour up.
INSERT_WITHIN_LIMIT = (
    sa.insert(PosterAnswer.__table__)
    .from_select(
        ["poster_id", "device", "network", "day", "created_at"],
        sa.select(
            sa.bindparam("poster_id", type_=_answers.poster_id.type),
            sa.bindparam("device", type_=_answers.device.type),
            sa.bindparam("network", type_=_answers.network.type),
            sa.bindparam("day", type_=_answers.day.type),
            sa.bindparam("now", type_=_answers.created_at.type),
        ).where(sa.bindparam("limit", type_=sa.Integer) > _RECENT_FROM_NETWORK),
    )
    .returning(_answers.id)
)


class PosterRefused(Exception):
    """The answer was not stored: `answered_today` (this device, this poster, today) or
    `too_many` (the network's hourly limit)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Visitor:
    """Who scanned, as far as stuffing limits need: the device cookie's id and the address."""

    device: str
    address: str


@dataclass(frozen=True)
class Limits:
    secret: str  # keys the hashes (the app's SECRET_KEY)
    per_network_hour: int
    zone: ZoneInfo  # whose calendar day "one answer a day" counts


def poster_survey(session: Session, poster: BranchPoster) -> SurveyDefinition:
    """The survey a poster asks: its touchpoint's newest version. The page leaves out the
    question asking leave to contact (app/survey/posters.py); no answer here carries consent."""
    return definition_of(current_survey(session, poster.touchpoint.survey_code))


def network_of(address: str) -> str:
    """The network an address counts against: itself for IPv4, its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_NETWORK_BITS}", strict=False))
    return str(parsed)


def keyed(secret: str, purpose: str, value: str) -> str:
    """A keyed hash of `value`, different per purpose: equal inputs match, nothing else shows."""
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def record_poster_answer(
    session: Session,
    poster: BranchPoster,
    answers: dict[str, Any],
    *,
    visitor: Visitor,
    limits: Limits,
    language: str,
    now: datetime,
) -> int:
    """Store one anonymous answer and return its response's id; PosterRefused when a limit
    stands in the way, and then nothing is kept once the caller rolls back."""
    network = keyed(limits.secret, "network", network_of(visitor.address))
    connection = connection_of(session)
    if connection.dialect.name == "postgresql":
        # Two answers from one network wait for each other here, so both count each other.
        lock = int.from_bytes(bytes.fromhex(network[:16]), "big", signed=True)
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(lock)))
    values = {
        "poster_id": poster.id,
        "device": keyed(limits.secret, "device", visitor.device),
        "network": network,
        "day": now.astimezone(limits.zone).date(),
        "now": now,
        "since": now - NETWORK_WINDOW,
        "limit": limits.per_network_hour,
    }
    try:
        with session.begin_nested():
            inserted = connection.execute(INSERT_WITHIN_LIMIT, values).first()
    except sa.exc.IntegrityError:
        raise PosterRefused("answered_today") from None
    if inserted is None:
        raise PosterRefused("too_many")
    return _store_response(session, poster, answers, language=language, now=now)


def _store_response(
    session: Session, poster: BranchPoster, answers: dict[str, Any], *, language: str, now: datetime
) -> int:
    """The response, with the branch and the touchpoint's grouping facts, and no customer."""
    definition = poster_survey(session, poster)
    scores = score_response(definition, answers)
    touchpoint = poster.touchpoint
    response = Response(
        survey_code=definition.id,
        survey_version=definition.version,
        touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage,
        department_id=touchpoint.department_id,
        channel=CHANNEL,
        segment=SEGMENT,
        branch=poster.branch,
        submitted_at=now,
        language=language,
        routing_status=RoutingStatus.PENDING,
        **asdict(scores),
        answers=[Answer(question_id=key, value=value) for key, value in answers.items()],
    )
    session.add(response)
    session.flush()
    return response.id
