"""Checking API responses against the published OpenAPI document, as a client would."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api.openapi import openapi_document

DOCUMENT = "urn:touchloop:openapi"


def assert_matches_openapi(path: str, method: str, response: Any) -> None:
    """The response's status is documented for the operation and its body fits the schema."""
    document = openapi_document()
    operation = document["paths"][path][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path} answered {response.status_code}, which is undocumented"
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource(DOCUMENT, resource)
    anchored = {"$ref": DOCUMENT + schema["$ref"]}
    Draft202012Validator(anchored, registry=registry).validate(response.get_json())
