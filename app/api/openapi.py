"""The OpenAPI 3.1 document of the API, built from the same pydantic models the views use."""

from __future__ import annotations

import functools
from typing import Any

from pydantic.json_schema import models_json_schema

from app.api.schemas import (
    BatchPayload,
    BatchResult,
    CaseBody,
    CaseList,
    ChannelsBody,
    ClosedLoopBody,
    ErrorBody,
    EventPayload,
    EventResult,
    MetricsQuery,
    ScoresBody,
    ScoresQuery,
    TransitionPayload,
)

MODELS = (
    EventPayload,
    BatchPayload,
    TransitionPayload,
    EventResult,
    BatchResult,
    ClosedLoopBody,
    ScoresBody,
    ChannelsBody,
    CaseBody,
    CaseList,
    ErrorBody,
)
REQUESTS = (EventPayload, BatchPayload, TransitionPayload)
BEARER = [{"bearer": []}]
CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _ref(model: type) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
}
# Every operation may meet a database that cannot be reached, or a gate shedding a burst.
UNAVAILABLE = {
    "503": {
        **_json(ErrorBody, "Briefly unavailable (database unreachable or overloaded)"),
        "headers": RETRY_AFTER,
    }
}


def _errors(*codes: int) -> dict[str, Any]:
    """The error answers of an operation; 400 and 503 can come from any of them."""
    texts = {
        400: (
            "A body that is not a JSON object (invalid JSON or UTF-8, nested too deeply, NUL in"
            " text), or a NUL (%00) in the query string"
        ),
        401: "No valid API key",
        403: "The key lacks the scope",
        404: "Not found",
        409: "The case changed since the version sent",
        413: "The body is larger than the server accepts (2 MB by default)",
        415: "The body is not application/json",
        422: "Invalid, with the fields at fault",
    }
    return {str(code): _json(ErrorBody, texts[code]) for code in (400, *codes)} | UNAVAILABLE


BODY_ERRORS = (413, 415)


def _query(model: type[MetricsQuery]) -> list[dict[str, Any]]:
    """Query parameters from a pydantic model's fields, so they cannot drift from the checks."""
    schema = model.model_json_schema()
    return [
        {
            "name": name,
            "in": "query",
            "required": name in schema.get("required", []),
            "schema": {key: value for key, value in field.items() if key != "title"},
        }
        for name, field in schema["properties"].items()
    ]


@functools.cache
def openapi_document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [
            (model, "validation" if model in (EventPayload, BatchPayload) else "serialization")
            for model in MODELS
        ],
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "Touchloop API", "version": "1"},
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": BEARER,
        "paths": {
            "/api/v1/events": {
                "post": {
                    "summary": "Report one touchpoint event (idempotent on event_id)",
                    "requestBody": {"required": True, **_json(EventPayload, "The event")},
                    "responses": {
                        "202": _json(EventResult, "Accepted, or a duplicate of an earlier one"),
                        **_errors(*BODY_ERRORS, 401, 403, 422),
                    },
                }
            },
            "/api/v1/events:batch": {
                "post": {
                    "summary": "Report up to 1,000 events, each answered on its own",
                    "requestBody": {"required": True, **_json(BatchPayload, "The events")},
                    "responses": {
                        "200": _json(BatchResult, "One result per event, in order"),
                        **_errors(*BODY_ERRORS, 401, 403, 422),
                    },
                }
            },
            "/api/v1/events/{event_id}": {
                "get": {
                    "summary": "What became of an event: invitation status and reason",
                    "parameters": [
                        {
                            "name": "event_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": _json(EventResult, "The event"), **_errors(401, 403, 404)},
                }
            },
            "/api/v1/cases": {
                "get": {
                    "summary": "Cases you may see (a staff session: your department), paged",
                    "parameters": [
                        {"name": name, "in": "query", "required": False, "schema": schema}
                        for name, schema in (
                            ("status", {"type": "string", "default": "open"}),
                            ("priority", {"enum": ["P1", "P2", "P3"]}),
                            ("touchpoint", {"type": "string"}),
                            ("overdue", {"enum": ["1"]}),
                            ("page", {"type": "integer", "minimum": 1}),
                        )
                    ],
                    "responses": {"200": _json(CaseList, "One page"), **_errors(401, 403)},
                }
            },
            "/api/v1/cases/{case_id}": {
                "get": {
                    "summary": "One case",
                    "parameters": [CASE_ID],
                    "responses": {"200": _json(CaseBody, "The case"), **_errors(401, 403, 404)},
                }
            },
            "/api/v1/cases/{case_id}/transitions": {
                "post": {
                    "summary": "Move a case along its lifecycle (optimistic: send its version)",
                    "parameters": [CASE_ID],
                    "requestBody": {"required": True, **_json(TransitionPayload, "The move")},
                    "responses": {
                        "200": _json(CaseBody, "The case after the move"),
                        **_errors(*BODY_ERRORS, 401, 403, 404, 409, 422),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1"}, **UNAVAILABLE},
                }
            },
            "/api/v1/metrics/closed-loop": {
                "get": {
                    "summary": "Closed-loop figures of the cases opened in a period (default: all)",
                    "parameters": _query(MetricsQuery),
                    "responses": {
                        "200": _json(ClosedLoopBody, "The figures"),
                        **_errors(401, 403, 422),
                    },
                }
            },
            "/api/v1/metrics/scores": {
                "get": {
                    "summary": "NPS, CSAT, CES and response rate per group, with sample sizes",
                    "parameters": _query(ScoresQuery),
                    "responses": {
                        "200": _json(ScoresBody, "One row per group"),
                        **_errors(401, 403, 422),
                    },
                }
            },
            "/api/v1/metrics/channels": {
                "get": {
                    "summary": "Invitations, deliveries and response rate per channel",
                    "parameters": _query(MetricsQuery),
                    "responses": {
                        "200": _json(ChannelsBody, "One row per channel used in the period"),
                        **_errors(401, 403, 422),
                    },
                }
            },
        },
    }
