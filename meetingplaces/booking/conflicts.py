"""Who holds a resource when: index range queries over occurrences, the dates of a request
that are taken, and the free resources nearby instead.

Every query here is bounded by resource and by time on ix_occurrences_resource_blocked; the
look-back of LONGEST_BLOCK keeps it from scanning a resource's whole history, so a check costs
the same with a hundred or a hundred thousand stored occurrences.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Occurrence, OccurrenceStatus
from ..models.places import Facility, Resource
from ..models.rounds import RoundDate
from .errors import ConflictingTime, FreeInstead, TakenDate
from .rules import LONGEST_BLOCK, PlannedOccurrence, closed, keeps_times

# OR-ed ranges per query: both databases turn them into several index range scans.
RANGES_PER_QUERY = 60
# Free resources offered per taken resource and date.
ALTERNATIVES_PER_DATE = 5


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


def free_instead(session, taken: list[PlannedOccurrence], *, now: datetime, settings,
                 attendees: int = 0, exclude_ids: Iterable[int] = (), step_free: bool = False,
                 limit: int = ALTERNATIVES_PER_DATE) -> list[list[Resource]]:
    """For each taken planned occurrence, the resources that could take its place at its time:
    of the same kind, in the same facility or quarter, with room for `attendees`, free then
    with their own buffers, open, not closed, and within every other rule of a booking. The
    same facility first, then those lacking least of its equipment (FreeInstead says what),
    then the smallest.

    A fixed number of queries whatever the number of dates: the candidates, their closures,
    and the confirmed occurrences of all of them in one ranged query (per RANGES_PER_QUERY)."""
    if not taken:
        return []
    excluded = set(exclude_ids) | {item.resource.id for item in taken}
    candidates = [c for c in session.scalars(
        select(Resource)
        .outerjoin(Facility, Facility.id == Resource.facility_id)
        .options(selectinload(Resource.facility).selectinload(Facility.opening_hours),
                 selectinload(Resource.quarter))
        .where(
            Resource.id.not_in(excluded),
            Resource.active.is_(True),
            or_(Facility.id.is_(None), Facility.active.is_(True)),
            Resource.kind.in_({item.resource.kind for item in taken}),
            or_(Resource.quarter_id.in_({item.resource.quarter_id for item in taken}),
                Resource.facility_id.in_({item.resource.facility_id for item in taken}
                                         - {None})),
            or_(Resource.capacity == 0, Resource.capacity >= attendees),
            *([Resource.step_free.is_(True)] if step_free else []),
        )
    ) if c.bookable]
    trials: list[tuple[int, PlannedOccurrence]] = []
    for index, item in enumerate(taken):
        wanted = item.resource
        for candidate in candidates:
            if candidate.kind != wanted.kind or not (
                    candidate.quarter_id == wanted.quarter_id
                    or (wanted.facility_id and candidate.facility_id == wanted.facility_id)):
                continue
            trial = replace(item, resource=candidate)
            if keeps_times(trial, now=now, settings=settings):
                trials.append((index, trial))
    trial_items = [trial for _, trial in trials]
    refused = {id(item) for item, _closure in closed(session, trial_items)}
    held = find_conflicts(session, trial_items)
    found: list[list[Resource]] = [[] for _ in taken]
    for index, trial in trials:
        if id(trial) in refused or any(_meets(trial, c) for c in held):
            continue
        found[index].append(trial.resource)
    for index, item in enumerate(taken):
        found[index].sort(key=lambda c, item=item: (
            c.facility_id != item.resource.facility_id, len(lacking(item.resource, c)),
            c.capacity, c.name, c.id))
        del found[index][limit:]
    return found


def lacking(wanted: Resource, instead: Resource) -> list[str]:
    """The equipment codes of `wanted` that `instead` does not have."""
    return [code for code in wanted.equipment or [] if code not in (instead.equipment or [])]


def taken_dates(session, planned: list[PlannedOccurrence], conflicts: list[ConflictingTime],
                *, now: datetime, settings, attendees: int = 0
                ) -> tuple[list[TakenDate], list[date]]:
    """Every date of a request that `conflicts` hold, each with the resources free instead
    at its time (free_instead), and the request's dates that are free: what a refusal tells
    at once, so that nobody learns a series' clashes one submit at a time."""
    by_date: dict[date, list[tuple[PlannedOccurrence, list[ConflictingTime]]]] = {}
    for item in planned:
        hits = [c for c in conflicts if _meets(item, c)]
        if hits:
            by_date.setdefault(item.original_date, []).append((item, hits))
    taken_items = [item for pairs in by_date.values() for item, _ in pairs]
    offers = iter(free_instead(session, taken_items, attendees=attendees,
                               exclude_ids={p.resource.id for p in planned}, now=now,
                               settings=settings))
    dates = []
    for day, pairs in by_date.items():
        alternatives = [FreeInstead(resource, item.resource.id,
                                    tuple(lacking(item.resource, resource)))
                        for item, _ in pairs for resource in next(offers)]
        held = list(dict.fromkeys(c for _, hits in pairs for c in hits))
        dates.append(TakenDate(day, pairs[0][0].starts_at, pairs[0][0].ends_at, tuple(held),
                               tuple(alternatives)))
    free = sorted({item.original_date for item in planned} - set(by_date))
    return sorted(dates, key=lambda t: t.original_date), free


def dates_held(planned: list[PlannedOccurrence], conflicts: list[ConflictingTime]) -> set[date]:
    """The dates of `planned` on which `conflicts` hold one of its resources."""
    return {item.original_date for item in planned if any(_meets(item, c) for c in conflicts)}


def _meets(item: PlannedOccurrence, conflict: ConflictingTime) -> bool:
    return (conflict.resource_id == item.resource.id
            and conflict.blocked_from < item.blocked_until
            and conflict.blocked_until > item.blocked_from)

