"""Every model, imported so the metadata is complete for Alembic and the services."""

from app.models.audit import AuditEntry, AuditHead
from app.models.base import FIRST_DAY, LAST_DAY, Base, utcnow
from app.models.case import (
    CONTACT_CHANNELS,
    OPEN_STATUSES,
    ROOT_CAUSES,
    Case,
    CaseEvent,
    CaseStatus,
)
from app.models.channels import (
    SMS_PROVIDERS,
    BranchPoster,
    ChannelSettings,
    PosterAnswer,
    ProviderToken,
)
from app.models.customer import Customer
from app.models.insight import (
    ActionNote,
    ActionStatus,
    AnalysisRun,
    ImprovementAction,
    ResponseTopic,
    Topic,
)
from app.models.org import ApiKey, Department, PasswordReset, Role, User
from app.models.outbox import (
    DeliveryStatus,
    OutboxCursor,
    OutboxMessage,
    OutboxStatus,
    WebhookEndpoint,
)
from app.models.routing_rule import RoutingRule
from app.models.settings import Bank, BusinessHours, CalendarDay, ContactRules
from app.models.survey import (
    INVITATION_CHANNELS,
    Answer,
    Invitation,
    InvitationStatus,
    Response,
    RoutingStatus,
    Survey,
    SurveyLink,
    Touchpoint,
    TouchpointEvent,
)
from app.models.throttle import Throttle

__all__ = [
    "CONTACT_CHANNELS",
    "FIRST_DAY",
    "INVITATION_CHANNELS",
    "LAST_DAY",
    "OPEN_STATUSES",
    "ROOT_CAUSES",
    "SMS_PROVIDERS",
    "ActionNote",
    "ActionStatus",
    "AnalysisRun",
    "Answer",
    "ApiKey",
    "AuditEntry",
    "AuditHead",
    "Bank",
    "Base",
    "BranchPoster",
    "BusinessHours",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "ChannelSettings",
    "ContactRules",
    "Customer",
    "DeliveryStatus",
    "Department",
    "ImprovementAction",
    "Invitation",
    "InvitationStatus",
    "OutboxCursor",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordReset",
    "PosterAnswer",
    "ProviderToken",
    "Response",
    "ResponseTopic",
    "Role",
    "RoutingRule",
    "RoutingStatus",
    "Survey",
    "SurveyLink",
    "Throttle",
    "Topic",
    "Touchpoint",
    "TouchpointEvent",
    "User",
    "WebhookEndpoint",
    "utcnow",
]
