"""All tables, imported here so that Alembic and create_all() see every one of them."""

from . import bookings, events, reports, rounds  # noqa: F401  (area tables)
from .audit import AuditEntry
from .idempotency import IdempotencyKey
from .mail import OutboxMessage, SentReminder
from .people import (
    ApiToken,
    Invitation,
    InvitationKind,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OrganisationTranslation,
    User,
    quarter_managers,
)
from .places import (
    Closure,
    Facility,
    FacilityTranslation,
    OpeningHours,
    Quarter,
    QuarterTranslation,
    Resource,
    ResourceKind,
    ResourceTranslation,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Closure",
    "Facility",
    "FacilityTranslation",
    "IdempotencyKey",
    "Invitation",
    "InvitationKind",
    "Membership",
    "MembershipRole",
    "OpeningHours",
    "Organisation",
    "OrganisationKind",
    "OrganisationStatus",
    "OrganisationTranslation",
    "OutboxMessage",
    "Quarter",
    "QuarterTranslation",
    "Resource",
    "ResourceKind",
    "ResourceTranslation",
    "SentReminder",
    "User",
    "quarter_managers",
]
