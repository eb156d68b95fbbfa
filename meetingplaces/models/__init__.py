"""All tables, imported here so that Alembic and create_all() see every one of them."""

from . import bookings, events, rounds  # noqa: F401  (area tables)
from .audit import AuditEntry
from .idempotency import IdempotencyKey
from .mail import OutboxMessage
from .people import (
    ApiToken,
    Invitation,
    InvitationKind,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
    quarter_managers,
)
from .places import Closure, Facility, OpeningHours, Quarter, Resource, ResourceKind

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Closure",
    "Facility",
    "IdempotencyKey",
    "Invitation",
    "InvitationKind",
    "Membership",
    "MembershipRole",
    "OpeningHours",
    "Organisation",
    "OrganisationKind",
    "OrganisationStatus",
    "OutboxMessage",
    "Quarter",
    "Resource",
    "ResourceKind",
    "User",
    "quarter_managers",
]
