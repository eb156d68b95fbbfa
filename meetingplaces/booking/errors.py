"""The typed refusals of the booking engine. Each names the form field it belongs to
(`field`), so a page can put the message beside the input and the API into `fields`."""

from dataclasses import dataclass
from datetime import datetime

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..timeline import InvalidRecurrence, NonexistentLocalTime


class EndBeforeStart(InvalidInput):
    pass


class DurationOutOfRange(InvalidInput):
    pass


class InThePast(InvalidInput):
    pass


class TooShortNotice(InvalidInput):
    pass


class TooFarAhead(InvalidInput):
    pass


class OutsideOpeningHours(InvalidInput):
    pass


class InClosure(InvalidInput):
    pass


class OnPublicHoliday(InvalidInput):
    pass


class OverCapacity(InvalidInput):
    pass


class OverQuota(InvalidInput):
    pass


class ResourceUnavailable(InvalidInput):
    """An inactive or unknown resource, or a set of resources that cannot be booked together."""


@dataclass(frozen=True)
class ConflictingTime:
    """When a resource is already taken: times only, never the other booking's details."""

    resource_id: int
    resource_name: str
    starts_at: datetime
    ends_at: datetime
    blocked_from: datetime
    blocked_until: datetime

    def as_json(self, zone) -> dict:
        return {
            "resource_id": self.resource_id,
            "resource_name": self.resource_name,
            "starts_at": self.starts_at.astimezone(zone).isoformat(),
            "ends_at": self.ends_at.astimezone(zone).isoformat(),
            "blocked_starts_at": self.blocked_from.astimezone(zone).isoformat(),
            "blocked_ends_at": self.blocked_until.astimezone(zone).isoformat(),
        }


class BookingConflict(Conflict):
    """The resource is held by a confirmed booking at that time (buffers included)."""

    def __init__(self, message: str, conflicts: list[ConflictingTime], zone, field="start"):
        super().__init__(
            message, field=field, conflicts=[c.as_json(zone) for c in conflicts]
        )
        self.conflicts = conflicts


__all__ = [
    "BookingConflict",
    "ConflictingTime",
    "DurationOutOfRange",
    "EndBeforeStart",
    "Forbidden",
    "InClosure",
    "InThePast",
    "InvalidInput",
    "InvalidRecurrence",
    "NonexistentLocalTime",
    "NotFound",
    "OnPublicHoliday",
    "OutsideOpeningHours",
    "OverCapacity",
    "OverQuota",
    "ResourceUnavailable",
    "TooFarAhead",
    "TooShortNotice",
]
