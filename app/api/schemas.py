"""The shapes bank systems send, validated strictly so errors name the field at fault."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, ValidationError

from app.services.events import CustomerIn, EventIn


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerPayload(_Strict):
    external_id: str = Field(min_length=1, max_length=80)
    email: EmailStr | None = None
    name: str = Field(default="", max_length=200)
    locale: Literal["en", "zh-CN"] = "en"
    segment: Literal["mass", "private", "vip", "business"] = "mass"


class EventPayload(_Strict):
    event_id: str = Field(min_length=1, max_length=100)
    touchpoint: str = Field(min_length=1, max_length=60)
    customer: CustomerPayload
    occurred_at: AwareDatetime
    attributes: dict[str, Any] = Field(default_factory=dict)

    def to_domain(self) -> EventIn:
        locale = "zh_CN" if self.customer.locale == "zh-CN" else "en"
        return EventIn(
            event_id=self.event_id,
            touchpoint=self.touchpoint,
            customer=CustomerIn(
                external_id=self.customer.external_id,
                email=self.customer.email,
                name=self.customer.name,
                locale=locale,
                segment=self.customer.segment,
            ),
            occurred_at=self.occurred_at,
            attributes=self.attributes,
        )


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as `{"field": "customer.email", "message": ...}` items."""
    return [
        {"field": ".".join(str(part) for part in item["loc"]) or "body", "message": item["msg"]}
        for item in error.errors(include_url=False)
    ]
