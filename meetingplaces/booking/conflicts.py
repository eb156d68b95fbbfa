"""Who holds a resource when: index range queries over occurrences, and free alternatives.

Every query here is bounded by resource and by time on ix_occurrences_resource_blocked; the
look-back of LONGEST_BLOCK keeps it from scanning a resource's whole history, so a check costs
the same with a hundred or a hundred thousand stored occurrences.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from ..errors import DomainError
from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Occurrence, OccurrenceStatus
from ..models.places import Facility, Resource
from ..models.rounds import RoundDate
from ..timeline import to_instant, to_local
from .errors import BookingConflict, ConflictingTime, OutsideOpeningHours
from .rules import LONGEST_BLOCK, PlannedOccurrence, check_opening_hours

# OR-ed ranges per query: both databases turn them into several index range scans.
RANGES_PER_QUERY = 60


def overlapping(resource_id: int, blocked_from: datetime, blocked_until: datetime):
    """The WHERE clause for rows of `resource_id` whose blocked span meets [from, until)."""
    return and_(
        Occurrence.resource_id == resource_id,
        Occurrence.blocked_from < blocked_until,
        Occurrence.blocked_from > blocked_from - LONGEST_BLOCK,
        Occurrence.blocked_until > blocked_from,
    )


def find_conflicts(session, planned: Iterable[PlannedOccurrence], *,
                   round_dates_yield: bool = False) -> list[ConflictingTime]:
    """Confirmed occurrences that overlap any planned one, buffers of both sides included.

    With `round_dates_yield`, dates of a Spielmobil round do not count: a request that waits
    for approval may ask for the van then, and the manager may move the stop to make room.
    """
    planned = list(planned)
    names = {p.resource.id: p.resource.name for p in planned}
    found: dict[int, Occurrence] = {}
    yielding = ([~exists().where(RoundDate.booking_id == Occurrence.booking_id)]
                if round_dates_yield else [])
    for chunk_start in range(0, len(planned), RANGES_PER_QUERY):
        chunk = planned[chunk_start:chunk_start + RANGES_PER_QUERY]
        rows = session.scalars(
            select(Occurrence)
            .where(
                Occurrence.status == OccurrenceStatus.CONFIRMED,
                or_(*(overlapping(p.resource.id, p.blocked_from, p.blocked_until)
                      for p in chunk)),
                *yielding,
            )
        ).all()
        for row in rows:
            found[row.id] = row
    return [
        ConflictingTime(o.resource_id, names[o.resource_id], o.starts_at, o.ends_at,
                        o.blocked_from, o.blocked_until)
        for o in sorted(found.values(), key=lambda o: (o.blocked_from, o.resource_id))
    ]


def busy_intervals(session, resource_ids: Iterable[int], start: datetime, end: datetime,
                   *, include_pending: bool = True, load_bookings: bool = False
                   ) -> list[Occurrence]:
    """The occurrences holding (confirmed) or asked for (pending) the resources between
    start and end, ordered by resource and time: what availability and week views show.
    `load_bookings` loads each occurrence's booking in one more query (for pages that show
    titles; ask policy.can(user, "view_private", booking) before showing private ones)."""
    statuses = ACTIVE_OCCURRENCE_STATUSES if include_pending else (OccurrenceStatus.CONFIRMED,)
    resource_ids = list(resource_ids)
    if not resource_ids:
        return []
    return list(session.scalars(
        select(Occurrence)
        .where(
            Occurrence.status.in_(statuses),
            # One index range per resource: IN on the first column, the span on the second.
            Occurrence.resource_id.in_(resource_ids),
            Occurrence.blocked_from < end,
            Occurrence.blocked_from > start - LONGEST_BLOCK,
            Occurrence.blocked_until > start,
        )
        .order_by(Occurrence.resource_id, Occurrence.blocked_from)
        .options(*([selectinload(Occurrence.booking)] if load_bookings else []))
    ))


def free_alternatives(session, resource: Resource, starts_at: datetime, ends_at: datetime, *,
                      zone, attendees: int = 0, step_free: bool = False, limit: int = 8
                      ) -> list[Resource]:
    """Other rooms that could take the booking instead: same facility first, then the same
    quarter; enough capacity, at least the same equipment, step-free when asked, and free
    at that time with their own buffers, and open then."""
    candidates = session.scalars(
        select(Resource)
        .outerjoin(Facility, Facility.id == Resource.facility_id)
        .options(selectinload(Resource.facility).selectinload(Facility.opening_hours))
        .where(
            Resource.id != resource.id,
            Resource.active.is_(True),
            or_(Facility.id.is_(None), Facility.active.is_(True)),
            Resource.kind == resource.kind,
            or_(Resource.quarter_id == resource.quarter_id,
                Resource.facility_id == resource.facility_id),
            or_(Resource.capacity == 0, Resource.capacity >= attendees),
            *([Resource.step_free.is_(True)] if step_free else []),
        )
    ).all()
    wanted_equipment = set(resource.equipment or [])
    candidates = [c for c in candidates if wanted_equipment <= set(c.equipment or [])]
    local_start, local_end = to_local(starts_at, zone), to_local(ends_at, zone)
    free = []
    for candidate in candidates:
        try:
            check_opening_hours(PlannedOccurrence(
                candidate, local_start.date(), local_start, local_end, starts_at, ends_at))
        except OutsideOpeningHours:
            continue
        blocked_from = starts_at - timedelta(minutes=candidate.setup_minutes)
        blocked_until = ends_at + timedelta(minutes=candidate.cleanup_minutes)
        taken = session.scalar(
            select(Occurrence.id).where(
                Occurrence.status == OccurrenceStatus.CONFIRMED,
                overlapping(candidate.id, blocked_from, blocked_until),
            ).limit(1)
        )
        if taken is None:
            free.append(candidate)
    free.sort(key=lambda c: (c.facility_id != resource.facility_id, c.capacity, c.name))
    return free[:limit]


@dataclass(frozen=True)
class Alternative:
    """A free resource in place of a taken one; `resource_ids` are the request's resources
    with the swap made."""

    resource: Resource
    replaces: Resource
    resource_ids: list[int]


def alternatives_for(session, conflict: BookingConflict, resource_ids: list[int],
                     local_start: datetime, local_end: datetime, *, zone,
                     attendees: int = 0) -> list[Alternative]:
    """For a refused single-date request: free resources that could take the place of each
    taken one (free_alternatives), none that the request already holds."""
    try:
        starts_at = to_instant(local_start, zone).at
        ends_at = to_instant(local_end, zone).at
    except DomainError:
        return []
    offers = []
    for taken_id in sorted({c.resource_id for c in conflict.conflicts}):
        taken = session.get(Resource, taken_id)
        if taken is None:
            continue
        for alternative in free_alternatives(session, taken, starts_at, ends_at, zone=zone,
                                             attendees=attendees):
            if alternative.id not in resource_ids:
                offers.append(Alternative(alternative, taken, [
                    alternative.id if i == taken_id else i for i in resource_ids]))
    return offers
