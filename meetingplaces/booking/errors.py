"""The typed refusals of the booking engine. Each names the form field it belongs to
(`field`), so a page can put the message beside the input and the API into `fields`."""

from dataclasses import dataclass
from datetime import date, datetime

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


@dataclass(frozen=True)
class FreeInstead:
    """A resource free at a taken date's time, checked with every rule of a booking, that
    could take the place of the request's resource `replaces_id` on that date."""

    resource: object  # models.places.Resource
    replaces_id: int
    lacking: tuple[str, ...] = ()  # equipment codes the replaced resource has and this not

    def as_json(self) -> dict:
        facility = self.resource.facility
        return {
            "resource_id": self.resource.id,
            "resource_name": self.resource.name,
            "facility_id": facility.id if facility else None,
            "facility_name": facility.name if facility else None,
            "capacity": self.resource.capacity,
            "replaces_resource_id": self.replaces_id,
            "lacking_equipment": list(self.lacking),
        }


@dataclass(frozen=True)
class TakenDate:
    """One date of a request that cannot be had as asked: the times that hold it and the free
    resources nearby at that time."""

    original_date: date
    starts_at: datetime
    ends_at: datetime
    conflicts: tuple[ConflictingTime, ...]
    alternatives: tuple[FreeInstead, ...] = ()

    def as_json(self, zone) -> dict:
        return {
            "date": self.original_date.isoformat(),
            "starts_at": self.starts_at.astimezone(zone).isoformat(),
            "ends_at": self.ends_at.astimezone(zone).isoformat(),
            "conflicts": [c.as_json(zone) for c in self.conflicts],
            "alternatives": [a.as_json() for a in self.alternatives],
        }


class BookingConflict(Conflict):
    """The resource is held by a confirmed booking at that time (buffers included).

    `conflicts` lists every taken time, `taken_dates` every date of the request that collides
    (with free resources instead), `free_dates` the request's dates that could be had."""

    def __init__(self, message: str, conflicts: list[ConflictingTime], zone, field="start",
                 taken_dates: list[TakenDate] = (), free_dates: list[date] = ()):
        super().__init__(
            message, field=field, conflicts=[c.as_json(zone) for c in conflicts],
            taken_dates=[t.as_json(zone) for t in taken_dates],
            free_dates=[d.isoformat() for d in free_dates],
        )
        self.conflicts = conflicts
        self.taken_dates = list(taken_dates)
        self.free_dates = list(free_dates)


__all__ = [
    "BookingConflict",
    "ConflictingTime",
    "DurationOutOfRange",
    "EndBeforeStart",
    "Forbidden",
    "FreeInstead",
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
    "TakenDate",
    "TooFarAhead",
    "TooShortNotice",
]
