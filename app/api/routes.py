"""The API for bank systems: events in, closed-loop metrics out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import ValidationError

from app.api.auth import require_api_key, require_api_key_or_manager
from app.api.schemas import EventPayload, field_errors
from app.extensions import db
from app.models import utcnow
from app.services.events import UnknownTouchpoint, ingest_event
from app.services.metrics import closed_loop

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.post("/events")
@require_api_key
def post_event() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        return jsonify(error="bad_request", message="The body must be a JSON object."), 400
    try:
        event = EventPayload.model_validate(body).to_domain()
    except ValidationError as error:
        return jsonify(
            error="invalid", message="The event is invalid.", fields=field_errors(error)
        ), 422
    try:
        result = ingest_event(
            db.session,
            event,
            now=utcnow(),
            link_max_age=timedelta(days=current_app.config["SURVEY_LINK_MAX_AGE_DAYS"]),
            api_key_id=g.api_key.id,
        )
    except UnknownTouchpoint as error:
        fields = [{"field": "touchpoint", "message": f"unknown touchpoint {error}"}]
        return jsonify(error="invalid", message="Unknown touchpoint.", fields=fields), 422
    db.session.commit()
    return jsonify(asdict(result)), 202


@bp.get("/metrics/closed-loop")
@require_api_key_or_manager
def closed_loop_metrics() -> Any:
    return jsonify(asdict(closed_loop(db.session)))
