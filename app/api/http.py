"""JSON answers of the API: one shape for success and one for errors."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from pydantic import BaseModel

from app.api.schemas import ErrorBody, FieldError


def reply(model: BaseModel, status: int = 200) -> Any:
    return jsonify(model.model_dump(mode="json")), status


def error_reply(
    status: int, error: str, message: str, fields: list[FieldError] | None = None
) -> Any:
    return reply(ErrorBody(error=error, message=message, fields=fields or []), status)


def json_body() -> Any:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None
