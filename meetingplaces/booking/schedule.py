"""What the booking pages show: week and day grids, the managers' agenda, an organisation's
bookings, a booking's history. Reading only; each list is one or two queries.

Grids are hours of the city's wall clock; a cell is confirmed, pending or free, and names a
booking only to those who may see it (its public title, or private details by policy)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import DomainError
from ..models.audit import AuditEntry
from ..models.bookings import (
    ACTIVE_OCCURRENCE_STATUSES,
    Booking,
    Occurrence,
    OccurrenceStatus,
)
from ..models.places import Resource
from ..policy import can
from ..timeline import LocalSlot, expand, to_local
from .conflicts import busy_intervals
from .rules import Settings, closed, keeps_times, plan

FIRST_HOUR, LAST_HOUR = 7, 22
AGENDA_DAYS = 14
# What "book this room" suggests: the first free slot of this length, on the half hour,
# within this many days; a resource whose opening hours were never recorded is open by day.
SUGGESTED_LENGTH = timedelta(hours=2)
SLOT_STEP = timedelta(minutes=30)
SEARCH_DAYS = 28
OPEN_BY_DAY = ((time(8), time(20)),)


@dataclass
class Entry:
    occurrence: Occurrence
    starts: datetime  # aware, in the city's zone
    ends: datetime
    status: str
    title: str | None  # None: not for this viewer's eyes
    booking_id: int


@dataclass
class Cell:
    hour: int
    state: str = "free"  # free | pending | confirmed
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Column:
    resource: Resource
    day: date
    cells: list[Cell]


@dataclass
class Grid:
    hours: list[int]
    columns: list[Column]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (datetime.combine(day, time(), zone),
            datetime.combine(day + timedelta(days=1), time(), zone))


def visible_title(user, booking: Booking) -> str | None:
    return booking.title if booking.public or can(user, "view_private", booking) else None


def build_grid(session, user, columns: list[tuple[Resource, date]], zone: ZoneInfo) -> Grid:
    """One column per (resource, day); rows are the hours of the wall clock."""
    if not columns:
        return Grid(list(range(FIRST_HOUR, LAST_HOUR)), [])
    first = _bounds(min(day for _, day in columns), zone)[0]
    last = _bounds(max(day for _, day in columns), zone)[1]
    occurrences = busy_intervals(session, {r.id for r, _ in columns}, first, last)
    booking_ids = {o.booking_id for o in occurrences}
    bookings = {b.id: b for b in session.scalars(
        select(Booking).where(Booking.id.in_(booking_ids))
        .options(selectinload(Booking.resources)))} if booking_ids else {}
    entries = [
        Entry(o, o.starts_at.astimezone(zone), o.ends_at.astimezone(zone), o.status,
              visible_title(user, bookings[o.booking_id]), o.booking_id)
        for o in occurrences if o.ends_at > first and o.starts_at < last
    ]
    earliest = min([FIRST_HOUR, *(e.starts.hour for e in entries)])
    latest = max([LAST_HOUR, *((e.ends - timedelta(microseconds=1)).hour + 1 for e in entries)])
    hours = list(range(earliest, min(latest, 24)))
    grid = Grid(hours, [])
    for resource, day in columns:
        cells = []
        for hour in hours:
            since = datetime.combine(day, time(hour), zone)
            until = since + timedelta(hours=1)
            cell = Cell(hour)
            for entry in entries:
                if entry.occurrence.resource_id != resource.id:
                    continue
                if entry.starts < until and entry.ends > since:
                    if entry.status == OccurrenceStatus.CONFIRMED:
                        cell.state = "confirmed"
                    elif cell.state == "free":
                        cell.state = "pending"
                    if since <= entry.starts < until or (hour == hours[0] and entry.starts
                                                         < since):
                        cell.entries.append(entry)
            cells.append(cell)
        grid.columns.append(Column(resource, day, cells))
    return grid


def resource_week(session, user, resource: Resource, day: date, zone: ZoneInfo) -> Grid:
    monday = week_start(day)
    return build_grid(session, user, [(resource, monday + timedelta(days=n)) for n in range(7)],
                      zone)


def next_free_slot(session, resource: Resource, *, since: datetime, now: datetime,
                   settings: Settings) -> LocalSlot | None:
    """The first slot from `since` (never before `now`) that a request for `resource` could
    have: open, within its notice, duration and holiday rules, outside closures, and neither
    taken nor asked for. Two hours long where the resource allows; two queries."""
    length = min(max(SUGGESTED_LENGTH, timedelta(minutes=resource.min_duration_minutes)),
                 timedelta(minutes=resource.max_duration_minutes))
    since = max(since, now)
    first_day = to_local(since, settings.zone).date()
    planned = []
    for offset in range(SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        facility = resource.facility
        spans = ([(span.opens_at, span.closes_at) for span in facility.hours_on(day.weekday())]
                 if facility is not None and facility.opening_hours else OPEN_BY_DAY)
        for opens, closes in spans:
            local_start = datetime.combine(day, opens)
            while local_start + length <= datetime.combine(day, closes):
                try:
                    planned += plan([resource], [LocalSlot(day, local_start,
                                                           local_start + length)],
                                    settings.zone)[0]
                except DomainError:  # the hour the clocks skip in spring
                    pass
                local_start += SLOT_STEP
    planned = [p for p in planned
               if p.starts_at >= since and keeps_times(p, now=now, settings=settings)]
    if not planned:
        return None
    shut = {id(item) for item, _closure in closed(session, planned)}
    busy = busy_intervals(session, [resource.id], planned[0].blocked_from,
                          planned[-1].blocked_until)
    for item in planned:
        if id(item) not in shut and not any(
                o.blocked_from < item.blocked_until and o.blocked_until > item.blocked_from
                for o in busy):
            return LocalSlot(item.original_date, item.local_start, item.local_end)
    return None


def facility_day(session, user, resources: list[Resource], day: date, zone: ZoneInfo) -> Grid:
    return build_grid(session, user, [(resource, day) for resource in resources], zone)


def agenda(session, manager, *, start: date, zone: ZoneInfo, days: int = AGENDA_DAYS
           ) -> list[tuple[date, list[Occurrence]]]:
    """The active dates in the manager's quarters (all for an admin), day by day."""
    since, until = _bounds(start, zone)[0], _bounds(start + timedelta(days=days - 1), zone)[1]
    query = (
        select(Occurrence)
        .join(Resource, Resource.id == Occurrence.resource_id)
        .where(Occurrence.status.in_(ACTIVE_OCCURRENCE_STATUSES),
               Occurrence.starts_at < until, Occurrence.ends_at > since)
        .options(selectinload(Occurrence.booking).selectinload(Booking.organisation),
                 selectinload(Occurrence.booking).selectinload(Booking.guest),
                 selectinload(Occurrence.resource).selectinload(Resource.facility))
        .order_by(Occurrence.starts_at, Resource.name)
    )
    if not manager.is_admin:
        query = query.where(Resource.quarter_id.in_([q.id for q in manager.managed_quarters]))
    by_day: dict[date, list[Occurrence]] = {}
    for occurrence in session.scalars(query):
        by_day.setdefault(occurrence.starts_at.astimezone(zone).date(), []).append(occurrence)
    return sorted(by_day.items())


def bookings_of(session, organisation_ids) -> list[Booking]:
    """An organisation's (or several's) bookings, newest request first."""
    organisation_ids = list(organisation_ids)
    if not organisation_ids:
        return []
    return list(session.scalars(
        select(Booking).where(Booking.organisation_id.in_(organisation_ids))
        .options(selectinload(Booking.resources), selectinload(Booking.occurrences),
                 selectinload(Booking.organisation))
        .order_by(Booking.created_at.desc(), Booking.id.desc())
    ))


def history(session, booking: Booking) -> list[AuditEntry]:
    """The audit log of a booking: who, what, when."""
    return list(session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.at, AuditEntry.id)
    ))


def skipped_dates(booking: Booking, now: datetime, zone: ZoneInfo) -> list[date]:
    """Dates of a series that were left out or cancelled and are still ahead: a date can be
    added back on them."""
    if not booking.is_series:
        return []
    active = {o.original_date for o in booking.occurrences
              if o.status in ACTIVE_OCCURRENCE_STATUSES}
    local_now = to_local(now, zone)
    return [slot.original_date
            for slot in expand(booking.local_start, booking.local_end, booking.rrule)
            if slot.original_date not in active and slot.local_end > local_now]


def restorable(booking: Booking, now: datetime) -> list[Occurrence]:
    """Cancelled dates still ahead with no other date on their day: restore_dates() may
    bring them back (if their slot is still free)."""
    active = {o.original_date for o in booking.occurrences
              if o.status in ACTIVE_OCCURRENCE_STATUSES}
    return [o for o in booking.occurrences if o.status == OccurrenceStatus.CANCELLED
            and o.starts_at > now and o.original_date not in active]


def subscribable_resources(session, user) -> list[Resource]:
    """The active resources whose private booking feed `user` may subscribe to."""
    query = select(Resource).where(Resource.active.is_(True)).order_by(Resource.name)
    if not user.is_admin:
        query = query.where(Resource.quarter_id.in_([q.id for q in user.managed_quarters]))
    return [r for r in session.scalars(query) if can(user, "subscribe_bookings", r)]
