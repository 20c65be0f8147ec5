"""The API for bank systems: events in (one or a batch), their fate, and closed-loop metrics."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user
from pydantic import ValidationError

from app.api.auth import require_scope
from app.api.http import answer_rejected_bodies, error_reply, json_batch, json_body, reply
from app.api.openapi import openapi_document
from app.api.schemas import (
    BatchPayload,
    BatchResult,
    ChannelGroup,
    ChannelsBody,
    ClosedLoopBody,
    EventPayload,
    EventResult,
    FieldError,
    MetricsQuery,
    ScoreGroup,
    ScoresBody,
    ScoresQuery,
    field_errors,
)
from app.extensions import db
from app.models import utcnow
from app.services.distribution.contact_settings import contact_policy
from app.services.distribution.events import event_status, ingest_events
from app.services.distribution.invitations import Links, open_in_app
from app.services.reports.channels import channel_reach
from app.services.reports.filters import FilterRefused, ReportFilter, build_filter, scoped
from app.services.reports.loop import closed_loop, closed_loop_fields
from app.services.reports.scores import GroupBy, scores

bp = Blueprint("api", __name__, url_prefix="/api/v1")
answer_rejected_bodies(bp)


@bp.post("/events")
@require_scope("events:write")
def post_event() -> Any:
    """Store one event; with "channel": "link", answer with the survey's URL at once."""
    body = json_body()
    try:
        payload = EventPayload.model_validate(body)
    except ValidationError as error:
        return error_reply(422, "invalid", "The event is invalid.", field_errors(error))
    event = payload.to_domain()
    now = utcnow()
    [result] = ingest_events(db.session, [event], now=now, api_key_id=g.api_key.id)
    if result.status == "rejected":
        fields = [FieldError(field="touchpoint", message=f"unknown touchpoint {event.touchpoint}")]
        return error_reply(422, "invalid", "Unknown touchpoint.", fields)
    answer = EventResult(**vars(result))
    if payload.channel == "link" and result.status == "accepted" and result.invitation_id:
        opened = open_in_app(
            db.session,
            result.invitation_id,
            links=Links.of(current_app.config),
            policy=contact_policy(db.session, default=current_app.config["CONTACT_POLICY"]),
            now=now,
        )
        answer = answer.model_copy(
            update={
                "invitation_status": opened.status,
                "reason": opened.reason,
                "survey_url": opened.url,
            }
        )
    db.session.commit()
    return reply(answer, 202)


@bp.post("/events:batch")
@require_scope("events:write")
def post_events_batch() -> Any:
    """Up to 1,000 events, each answered on its own; valid ones are stored in one transaction."""
    body, unstorable = json_batch("events")
    try:
        batch = BatchPayload.model_validate(body)
    except ValidationError as error:
        return error_reply(
            422, "invalid", 'Send {"events": [1 to 1,000 events]}.', field_errors(error)
        )
    results: list[EventResult | None] = []
    valid = []
    for index, raw in enumerate(batch.events):
        event_id = raw.get("event_id") if isinstance(raw.get("event_id"), str) else None
        if index in unstorable:
            if unstorable[index].field.endswith(".event_id"):
                event_id = None
            results.append(
                EventResult(event_id=event_id, status="invalid", fields=[unstorable[index]])
            )
            continue
        try:
            payload = EventPayload.model_validate(raw)
            if payload.channel is not None:
                field = FieldError(
                    field=f"events[{index}].channel",
                    message='"link" is answered by POST /events, one event at a time',
                )
                results.append(EventResult(event_id=event_id, status="invalid", fields=[field]))
                continue
            valid.append(payload.to_domain())
            results.append(None)
        except ValidationError as error:
            fields = field_errors(error, prefix=f"events[{index}].")
            results.append(EventResult(event_id=event_id, status="invalid", fields=fields))
    stored = iter(ingest_events(db.session, valid, now=utcnow(), api_key_id=g.api_key.id))
    db.session.commit()
    answered = [item or EventResult(**vars(next(stored))) for item in results]
    counts = {s: sum(r.status == s for r in answered) for s in ("accepted", "duplicate")}
    counts |= {s: sum(r.status == s for r in answered) for s in ("rejected", "invalid")}
    return reply(BatchResult(results=answered, **counts), 200)


@bp.get("/events/<path:event_id>")
@require_scope("events:write")
def get_event(event_id: str) -> Any:
    """What became of an event: its invitation's status, and why it was deferred or not sent."""
    result = event_status(db.session, event_id)
    if result is None:
        return error_reply(404, "not_found", "No event with this id.")
    return reply(EventResult(**vars(result)))


def _metrics_filter(model: type[MetricsQuery]) -> tuple[Any, ReportFilter | None, Any]:
    """The query string checked by `model`, and the filter it asks for; or an error reply."""
    try:
        query = model.model_validate(request.args.to_dict())
    except ValidationError as error:
        return None, None, error_reply(422, "invalid", "Bad filter.", field_errors(error))
    facts = query.model_dump(exclude={"start", "end", "group_by"})
    try:
        wanted = build_filter(db.session, first_day=query.start, last_day=query.end, **facts)
    except FilterRefused as refused:
        fields = [FieldError(field=refused.field, message=str(refused))]
        return None, None, error_reply(422, "invalid", "Bad filter.", fields)
    user = current_user if g.api_key is None else None
    return query, scoped(wanted, user), None


@bp.get("/metrics/closed-loop")
@require_scope("metrics:read", managers_too=True)
def closed_loop_metrics() -> Any:
    """The dashboard's closed-loop figures; without a period, over all time."""
    _query, wanted, error = _metrics_filter(MetricsQuery)
    if wanted is None:
        return error
    figures = closed_loop(db.session, wanted, now=utcnow())
    return reply(ClosedLoopBody(**closed_loop_fields(figures)))


@bp.get("/metrics/scores")
@require_scope("metrics:read", managers_too=True)
def score_metrics() -> Any:
    """The dashboard's scores per touchpoint, department, segment, journey stage or week."""
    query, wanted, error = _metrics_filter(ScoresQuery)
    if wanted is None:
        return error
    min_sample = current_app.config["DASHBOARD_MIN_SAMPLE"]
    rows = scores(db.session, wanted, GroupBy(query.group_by), min_sample=min_sample)
    groups = [ScoreGroup(**asdict(row)) for row in rows]
    return reply(ScoresBody(group_by=query.group_by, min_sample=min_sample, groups=groups))


@bp.get("/metrics/channels")
@require_scope("metrics:read", managers_too=True)
def channel_metrics() -> Any:
    """The dashboard's reach by channel: invitations, deliveries, responses."""
    _query, wanted, error = _metrics_filter(MetricsQuery)
    if wanted is None:
        return error
    rows = channel_reach(db.session, wanted)
    return reply(ChannelsBody(channels=[ChannelGroup(**asdict(row)) for row in rows]))


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document())
