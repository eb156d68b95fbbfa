"""The figures of a report: a scope (the city, a quarter, a facility, an organisation or a
programme) and a period of local dates, computed with a handful of GROUP BY queries.

Whole months of booked time come from the running sums (reports.usage); the partial months at
the edges of a period from the occurrences themselves, clipped to the period. Dates offered
come from the stored event dates, attendance from its own rows. Python only folds the grouped
rows (per event, room, quarter or month), never single occurrences or dates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    and_,
    bindparam,
    case,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)

from ..errors import Forbidden, InvalidInput, NotFound
from ..models import Facility, OpeningHours, Organisation, Quarter, Resource
from ..models.bookings import Booking, Occurrence, OccurrenceStatus
from ..models.events import Event, EventStatus
from ..models.places import ResourceKind
from ..models.reports import (
    ATTENDANCE_GROUPS,
    Attendance,
    AttendanceLanguage,
    AttendanceMonth,
    EventDate,
    EventMonth,
    OrganisationMonth,
    Programme,
    ResourceMonth,
    ResourceUsage,
)
from ..models.rounds import RoundDate, RoundDateStatus, Stop
from ..models.types import UTCDateTime
from ..policy import can
from .usage import month_of, next_month

SCOPE_KINDS = ("city", "quarter", "facility", "organisation", "programme")
MAX_PERIOD_DAYS = 3 * 366
# Bookings at a period's edge are looked for this far before it (the longest a date may last).
LONGEST_DATE = timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    kind: str
    key: str  # "city", "quarter:<slug>", "facility:<slug>", "organisation:<slug>", ...
    label: str
    quarter_ids: tuple | None = None  # None = every quarter
    facility_id: int | None = None
    organisation_id: int | None = None
    funded_from: date | None = None
    funded_until: date | None = None

    @property
    def has_spielmobil(self) -> bool:
        return self.kind in ("city", "quarter", "programme")


@dataclass
class Report:
    scope: Scope
    start: date
    end: date  # inclusive
    now: datetime
    months: list = field(default_factory=list)
    rooms: list = field(default_factory=list)  # dicts: name, facility, quarter, months, totals
    room_months: dict = field(default_factory=dict)  # month -> [booked_minutes, open_minutes]
    offered: dict = field(default_factory=dict)
    attendance: dict = field(default_factory=dict)
    spielmobil: dict = field(default_factory=dict)
    initiatives: dict = field(default_factory=dict)

    @property
    def booked_hours(self) -> float:
        return round(sum(b for b, _o in self.room_months.values()) / 60, 2)

    @property
    def opening_hours(self) -> float:
        return round(sum(o for _b, o in self.room_months.values()) / 60, 2)

    def summary(self) -> dict:
        """The headline figures (the JSON API's answer)."""
        totals = self.offered["totals"]
        people = self.attendance["totals"]
        van = self.spielmobil.get("totals", {})
        return {
            "scope": self.scope.key,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "booked_hours": self.booked_hours,
            "opening_hours": self.opening_hours,
            "events": totals["events"],
            "event_dates": totals["dates"],
            "event_dates_held": totals["held"],
            "event_dates_moved": totals["moved"],
            "event_dates_cancelled": totals["cancelled"],
            "attendance_total": people["count"],
            "attendance_dates": people["dates"],
            "attendance_groups": {g: people[g] for g in ATTENDANCE_GROUPS},
            "attendance_first_visits": people["first_visit"],
            "spielmobil_stops_planned": van.get("planned", 0),
            "spielmobil_stops_held": van.get("held", 0),
            "spielmobil_stops_cancelled": van.get("cancelled", 0),
            "spielmobil_children": van.get("children", 0),
            "organisations_active": self.initiatives["active"],
            "organisations_new": len(self.initiatives["new"]),
        }


# --- scope and period -------------------------------------------------------------------------


def _run(session, statement, params=None):
    """A Core statement on the session's connection: the figures are plain rows, and the ORM's
    execution layer costs more than some of these queries."""
    return session.connection().execute(statement, params or {})


def readable_quarters(session, actor) -> list[Quarter]:
    return [q for q in session.scalars(select(Quarter).order_by(Quarter.name))
            if can(actor, "read_reports", q)]


def may_read_reports(actor) -> bool:
    return can(actor, "administer", Quarter)


def resolve_scope(session, actor, key: str) -> Scope:
    """The scope named by `key`, if the actor may read it: managers their quarters (and what
    lies in them), the city coordinator everything."""
    kind, _sep, slug = (key or "city").partition(":")
    if kind not in SCOPE_KINDS:
        raise InvalidInput(_("Choose what the report covers."), field="scope")
    if kind == "city":
        if not can(actor, "read_city_reports", Quarter):
            raise Forbidden(_("Only the city coordination reads the whole city's report."))
        return Scope("city", "city", _("Whole city"))
    model = {"quarter": Quarter, "facility": Facility, "organisation": Organisation,
             "programme": Programme}[kind]
    thing = session.scalar(select(model).where(model.slug == slug))
    if thing is None:
        raise NotFound(_("There is no such place or programme."), field="scope")
    if kind == "quarter":
        if not can(actor, "read_reports", thing):
            raise Forbidden(_("You may read the reports of your own quarters only."))
        return Scope(kind, key, thing.name, quarter_ids=(thing.id,))
    if kind == "facility":
        if not can(actor, "read_reports", thing.quarter):
            raise Forbidden(_("You may read the reports of your own quarters only."))
        return Scope(kind, key, thing.name, facility_id=thing.id)
    if kind == "organisation":
        if not actor.manages(thing.quarter_id):
            raise Forbidden(_("You may read the reports of your own quarters only."))
        return Scope(kind, key, thing.name, organisation_id=thing.id)
    quarters = tuple(q.id for q in thing.quarters if can(actor, "read_reports", q))
    if not quarters:
        raise Forbidden(_("None of this programme's quarters is yours."))
    return Scope(kind, key, thing.name, quarter_ids=quarters, funded_from=thing.funded_from,
                 funded_until=thing.funded_until)


def period(start: date | None, end: date | None, scope: Scope, today: date) -> tuple[date, date]:
    """The period asked for (default: this calendar year so far), clipped to a programme's
    funding period."""
    start = start or date(today.year, 1, 1)
    end = end or date(today.year, 12, 31)
    if end < start:
        raise InvalidInput(_("The period ends before it starts."), field="to")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(_("A report covers at most three years."), field="to")
    if scope.funded_from and start < scope.funded_from:
        start = scope.funded_from
    if scope.funded_until and end > scope.funded_until:
        end = scope.funded_until
    if end < start:
        raise InvalidInput(_("The programme was not funded in this period."), field="from")
    return start, end


def months_between(start: date, end: date) -> list[date]:
    months, month = [], month_of(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


# --- building blocks ---------------------------------------------------------------------------


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _resource_filter(scope: Scope, *, rooms_only: bool):
    conditions = []
    if rooms_only:
        conditions.append(Resource.kind == ResourceKind.ROOM)
    if scope.quarter_ids is not None:
        conditions.append(Resource.quarter_id.in_(scope.quarter_ids))
    if scope.facility_id is not None:
        conditions.append(Resource.facility_id == scope.facility_id)
    return conditions


def _event_filter(scope: Scope):
    conditions = [Event.status.in_((EventStatus.PUBLISHED, EventStatus.CANCELLED))]
    if scope.quarter_ids is not None:
        conditions.append(Event.quarter_id.in_(scope.quarter_ids))
    if scope.facility_id is not None:
        conditions.append(Event.facility_id == scope.facility_id)
    if scope.organisation_id is not None:
        conditions.append(Event.organisation_id == scope.organisation_id)
    return conditions


def _clipped_minutes(dialect: str, since: datetime, until: datetime):
    lower = bindparam("clip_from", since, type_=UTCDateTime)
    upper = bindparam("clip_until", until, type_=UTCDateTime)
    if dialect == "postgresql":
        return func.extract("epoch", func.least(Occurrence.ends_at, upper)
                            - func.greatest(Occurrence.starts_at, lower)) / 60
    return (func.julianday(func.min(Occurrence.ends_at, upper))
            - func.julianday(func.max(Occurrence.starts_at, lower))) * 1440


def split(start: date, end: date, *, exclude=()) -> tuple[list[date], list[tuple]]:
    """The period as whole months the running sums answer, and the (first, last) days of the
    rest (partial months at its edges, and the `exclude`d months) that rows must answer."""
    whole, rest = [], []
    for month in months_between(start, end):
        first = max(month, start)
        last = min(next_month(month) - timedelta(days=1), end)
        if first == month and last == next_month(month) - timedelta(days=1) \
                and month not in exclude:
            whole.append(month)
        elif rest and rest[-1][1] + timedelta(days=1) == first:
            rest[-1] = (rest[-1][0], last)
        else:
            rest.append((first, last))
    return whole, rest


def booked_minutes(session, scope: Scope, start: date, end: date, zone: ZoneInfo, *,
                   by: str, rooms_only: bool) -> dict:
    """Confirmed booked minutes grouped by ("resource", month) or by organisation id, in the
    period: whole months from the running sums, the edges from the occurrences."""
    whole, rest = split(start, end)
    result: dict = defaultdict(lambda: [0, 0])
    conditions = _resource_filter(scope, rooms_only=rooms_only)
    # The resources as ids, not a join: the planner then walks the covering index by month.
    # The city's room use takes every row (the caller looks up its rooms).
    resource_ids = None
    if scope.quarter_ids is not None or scope.facility_id is not None:
        resource_ids = list(_run(session, select(Resource.id).where(*conditions)).scalars())
    if whole:
        for *key, minutes, dates in _run(session,
                _whole_months(scope, whole, by=by, resource_ids=resource_ids)):
            entry = result[(key[1], key[0]) if by == "resource" else (key[-1],)]
            entry[0] += int(minutes or 0)
            entry[1] += int(dates or 0)
    dialect = session.get_bind().dialect.name
    for first, last in rest:
        for edge_start, edge_end in _month_parts(first, last):
            since, until = _instant(edge_start, zone), _instant(edge_end, zone)
            minutes = _clipped_minutes(dialect, since, until)
            starts_inside = case((Occurrence.starts_at >= since, 1), else_=0)
            keys = ([Occurrence.resource_id] if by == "resource"
                    else [func.coalesce(Booking.organisation_id, 0)])
            query = (select(*keys, func.sum(minutes), func.sum(starts_inside))
                     .join(Booking, Booking.id == Occurrence.booking_id)
                     .join(Resource, Resource.id == Occurrence.resource_id)
                     .where(Occurrence.status == OccurrenceStatus.CONFIRMED,
                            Occurrence.starts_at >= since - LONGEST_DATE,
                            Occurrence.starts_at < until, Occurrence.ends_at > since,
                            *conditions)
                     .group_by(*keys))
            if scope.organisation_id is not None:
                query = query.where(Booking.organisation_id == scope.organisation_id)
            for *key, total, dates in _run(session, query):
                key = (key[0], month_of(edge_start)) if by == "resource" else tuple(key)
                entry = result[key]
                entry[0] += round(float(total or 0))
                entry[1] += int(dates or 0)
    return result


def _in_months(column, whole: list[date]):
    """month IN (...), as a range when the months follow each other (they mostly do)."""
    if all(next_month(a) == b for a, b in zip(whole, whole[1:], strict=False)):
        return and_(column >= whole[0], column <= whole[-1])
    return column.in_(whole)


def _whole_months(scope: Scope, whole: list[date], *, by: str, resource_ids):
    """The running sums of whole months, from the narrowest table that answers: per room and
    month, per organisation, quarter and month, or (for one organisation's or one facility's
    initiatives) per room, organisation and month. Grouped in the covering index's order."""
    if by == "resource" and scope.organisation_id is None:
        query = (select(ResourceMonth.month, ResourceMonth.resource_id,
                        ResourceMonth.booked_minutes, ResourceMonth.dates)
                 .where(_in_months(ResourceMonth.month, whole)))
        if resource_ids is not None:
            query = query.where(ResourceMonth.resource_id.in_(resource_ids))
        return query
    if by == "organisation" and scope.facility_id is None and scope.organisation_id is None:
        query = (select(OrganisationMonth.organisation_id,
                        func.sum(OrganisationMonth.booked_minutes),
                        func.sum(OrganisationMonth.dates))
                 .where(_in_months(OrganisationMonth.month, whole))
                 .group_by(OrganisationMonth.organisation_id))
        if scope.quarter_ids is not None:
            query = query.where(OrganisationMonth.quarter_id.in_(scope.quarter_ids))
        return query
    keys = ([ResourceUsage.month, ResourceUsage.resource_id] if by == "resource"
            else [ResourceUsage.organisation_id])
    query = (select(*keys, func.sum(ResourceUsage.booked_minutes),
                    func.sum(ResourceUsage.dates))
             .where(_in_months(ResourceUsage.month, whole)).group_by(*keys))
    if resource_ids is not None:
        query = query.where(ResourceUsage.resource_id.in_(resource_ids))
    if scope.organisation_id is not None:
        query = query.where(ResourceUsage.organisation_id == scope.organisation_id)
    return query


def _month_parts(first: date, last: date):
    """[from, until) day spans of each month between first and last (inclusive)."""
    while first <= last:
        until = min(next_month(month_of(first)), last + timedelta(days=1))
        yield first, until
        first = until


def _weekday_counts(start: date, end: date, months: list[date]) -> dict:
    """month -> [number of Mondays, ..., Sundays] of the month inside the period."""
    counts = {}
    for month in months:
        first = max(month, start)
        last = min(next_month(month) - timedelta(days=1), end)
        days = (last - first).days + 1
        row = [days // 7] * 7
        for offset in range(days % 7):
            row[(first.weekday() + offset) % 7] += 1
        counts[month] = row
    return counts


# --- the sections -----------------------------------------------------------------------------


def _room_totals(session, report: Report, rooms, opening: dict, whole: list[date]) -> None:
    """Room use per room and per month (not per room and month) of whole months: two small
    GROUP BYs over the monthly sums of the rooms."""
    scope = report.scope
    if scope.quarter_ids is None and scope.facility_id is None:
        keep = [ResourceMonth.resource_id.not_in(
            select(Resource.id).where(Resource.kind == ResourceKind.MOBILE).scalar_subquery())]
    else:
        keep = [ResourceMonth.resource_id.in_([row[0] for row in rooms])]
    months = [_in_months(ResourceMonth.month, whole), *keep]
    per_room = {resource_id: (int(minutes or 0), int(dates or 0))
                for resource_id, minutes, dates in _run(session, select(
                    ResourceMonth.resource_id, func.sum(ResourceMonth.booked_minutes),
                    func.sum(ResourceMonth.dates)).where(*months)
                    .group_by(ResourceMonth.resource_id))}
    per_month = dict(_run(session, select(ResourceMonth.month,
                                          func.sum(ResourceMonth.booked_minutes))
                          .where(*months).group_by(ResourceMonth.month)).all())
    rooms_in: dict = defaultdict(int)
    for row in rooms:
        rooms_in[row[2]] += 1
    report.room_months = {
        month: [int(per_month.get(month) or 0),
                sum(opening.get((facility_id, month), 0) * n
                    for facility_id, n in rooms_in.items())]
        for month in report.months}
    open_per_facility = {facility_id: sum(opening.get((facility_id, month), 0)
                                          for month in report.months)
                         for facility_id in rooms_in}
    for resource_id, name, facility_id, facility_name, quarter_name in rooms:
        booked, dates = per_room.get(resource_id, (0, 0))
        open_total = open_per_facility[facility_id]
        report.rooms.append({
            "id": resource_id, "name": name, "facility": facility_name,
            "quarter": quarter_name, "months": {}, "booked_minutes": booked,
            "open_minutes": open_total, "dates": dates,
            "share": round(100 * booked / open_total, 1) if open_total else None,
        })


def _room_use(session, report: Report, zone: ZoneInfo, *, detail: bool = True) -> None:
    """Booked hours against opening hours per room and month (`detail`), or per room and per
    month only (what the page shows)."""
    scope = report.scope
    rooms = _run(session,
        select(Resource.id, Resource.name, Resource.facility_id, Facility.name, Quarter.name)
        .join(Facility, Facility.id == Resource.facility_id)
        .join(Quarter, Quarter.id == Resource.quarter_id)
        .where(*_resource_filter(scope, rooms_only=True))
        .order_by(Quarter.name, Facility.name, Resource.name)).all()
    facility_ids = {row[2] for row in rooms}
    weekly: dict = defaultdict(lambda: [0] * 7)
    if facility_ids:
        spans = _run(session,
            select(OpeningHours.facility_id, OpeningHours.weekday, OpeningHours.opens_at,
                   OpeningHours.closes_at)
            .where(OpeningHours.facility_id.in_(facility_ids)))
        for facility_id, weekday, opens, closes in spans:
            weekly[facility_id][weekday] += (
                (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute))
    counts = _weekday_counts(report.start, report.end, report.months)
    opening = {(facility_id, month): sum(c * w for c, w in zip(counts[month], week,
                                                               strict=True))
               for facility_id, week in weekly.items() for month in report.months}
    whole, rest = split(report.start, report.end)
    if not detail and not rest and scope.organisation_id is None:
        _room_totals(session, report, rooms, opening, whole)
        return
    booked = booked_minutes(session, scope, report.start, report.end, zone, by="resource",
                            rooms_only=True)
    report.room_months = {m: [0, 0] for m in report.months}
    nothing = (0, 0)
    for resource_id, name, facility_id, facility_name, quarter_name in rooms:
        months = {}
        booked_total = open_total = dates_total = 0
        for month in report.months:
            open_minutes = opening.get((facility_id, month), 0)
            minutes, dates = booked.get((resource_id, month), nothing)
            months[month] = (minutes, open_minutes, dates)
            booked_total += minutes
            open_total += open_minutes
            dates_total += dates
            both = report.room_months[month]
            both[0] += minutes
            both[1] += open_minutes
        report.rooms.append({
            "id": resource_id, "name": name, "facility": facility_name,
            "quarter": quarter_name, "months": months, "booked_minutes": booked_total,
            "open_minutes": open_total, "dates": dates_total,
            "share": round(100 * booked_total / open_total, 1) if open_total else None,
        })


def _events(session, scope: Scope) -> dict:
    """The events a report counts (published or called off, in the scope), by id: category,
    target groups, languages, status, organisation. The sums below are read by event id and
    kept when the event is one of these: no join on the hot path."""
    return {row[0]: row[1:] for row in _run(session,
        select(Event.id, Event.category, Event.target_groups, Event.languages, Event.status,
               Event.organisation_id).where(*_event_filter(scope)))}


def _offered(session, report: Report, zone: ZoneInfo, events: dict) -> None:
    """Dates per event: whole past or future months from the monthly counts, the month of
    `now` and partial months from the stored dates; folded per category, group, language."""
    now_month = month_of(report.now.astimezone(zone).date())
    whole, rest = split(report.start, report.end, exclude={now_month})
    per_event: dict = defaultdict(lambda: [0, 0, 0, 0])  # dates, cancelled, moved, held
    queries = []
    if whole:
        queries.append(
            select(EventMonth.event_id, func.sum(EventMonth.dates),
                   func.sum(EventMonth.cancelled), func.sum(EventMonth.moved),
                   func.sum(case((EventMonth.month < now_month,
                                  EventMonth.dates - EventMonth.cancelled), else_=0)))
            .where(_in_months(EventMonth.month, whole)).group_by(EventMonth.event_id))
    held = and_(EventDate.cancelled.is_(False), EventDate.starts_at <= report.now)
    for first, last in rest:
        since, until = _instant(first, zone), _instant(last + timedelta(days=1), zone)
        queries.append(
            select(EventDate.event_id, func.count(),
                   func.sum(case((EventDate.cancelled, 1), else_=0)),
                   func.sum(case((and_(EventDate.moved, EventDate.cancelled.is_(False)), 1),
                                 else_=0)),
                   func.sum(case((held, 1), else_=0)))
            .where(EventDate.starts_at >= since, EventDate.starts_at < until)
            .group_by(EventDate.event_id))
    for query in queries:
        for event_id, *counts in _run(session, query):
            if event_id in events:
                entry = per_event[event_id]
                for index, value in enumerate(counts):
                    entry[index] += int(value or 0)

    def bucket():
        return {"events": 0, "dates": 0, "held": 0, "moved": 0, "cancelled": 0, "upcoming": 0}

    totals = bucket()
    by = {"category": defaultdict(bucket), "target_group": defaultdict(bucket),
          "language": defaultdict(bucket)}
    per_organisation: dict = defaultdict(int)
    for event_id, (dates, cancelled, moved, held_dates) in per_event.items():
        category, groups, languages, status, organisation_id = events[event_id]
        if status == EventStatus.CANCELLED:  # the whole event called off: every date with it
            cancelled, moved, held_dates = dates, 0, 0
        figures = {"events": 1, "dates": dates, "held": held_dates, "moved": moved,
                   "cancelled": cancelled, "upcoming": dates - held_dates - cancelled}
        targets = [totals, by["category"][category or "other"]]
        targets += [by["target_group"][g] for g in (groups or [])]
        targets += [by["language"][code] for code in (languages or [])]
        for target in targets:
            for name, value in figures.items():
                target[name] += value
        if organisation_id:
            per_organisation[organisation_id] += 1
    report.offered = {
        "totals": totals,
        **{name: sorted(values.items(), key=lambda item: (-item[1]["dates"], item[0]))
           for name, values in by.items()},
        "per_organisation": per_organisation,
    }


def _attendance(session, report: Report, events: dict) -> None:
    """Sums per category (grouped by event) and per month: whole months from the monthly
    sums, partial months at the period's edges from the records."""
    whole, rest = split(report.start, report.end)
    groups = [*ATTENDANCE_GROUPS, "first_visit"]
    by_event, by_month_rows, languages = [], [], defaultdict(int)
    # The city's report counts every event's attendance (only published events have any);
    # other scopes name their events.
    ids = None if report.scope.kind == "city" else list(events)
    if whole:
        in_scope = [_in_months(AttendanceMonth.month, whole)]
        if ids is not None:
            in_scope.append(AttendanceMonth.event_id.in_(ids))
        sums = [func.sum(AttendanceMonth.dates), func.sum(AttendanceMonth.count),
                *[func.sum(getattr(AttendanceMonth, g)) for g in groups]]
        heard = [_in_months(AttendanceLanguage.month, whole)]
        if ids is not None:
            heard.append(AttendanceLanguage.event_id.in_(ids))
        # One statement, one round trip: per event, per month, per language heard.
        no_sums = [null()] * len(groups)
        rows = _run(session, union_all(
            select(literal(0), AttendanceMonth.event_id, type_coerce(null(), Date), null(),
                   *sums).where(*in_scope).group_by(AttendanceMonth.event_id),
            select(literal(1), null(), AttendanceMonth.month, null(), *sums)
            .where(*in_scope).group_by(AttendanceMonth.month),
            select(literal(2), null(), AttendanceLanguage.month, AttendanceLanguage.language,
                   func.sum(AttendanceLanguage.dates), null(), *no_sums)
            .where(*heard).group_by(AttendanceLanguage.month, AttendanceLanguage.language),
        )).all()
        for kind, event_id, month, code, *values in rows:
            if kind == 0:
                by_event.append((event_id, *values))
            elif kind == 1:
                by_month_rows.append((month, *values))
            else:
                languages[code] += int(values[0] or 0)
    for first, last in rest:
        inside = [Attendance.occurrence_date >= first, Attendance.occurrence_date <= last]
        if ids is not None:
            inside.append(Attendance.event_id.in_(ids))
        sums = [func.count(), func.sum(Attendance.count),
                *[func.coalesce(func.sum(getattr(Attendance, g)), 0) for g in groups]]
        by_event += _run(session, select(Attendance.event_id, *sums).where(*inside)
                                    .group_by(Attendance.event_id)).all()
        by_month_rows += _run(session, select(Attendance.month, *sums).where(*inside)
                                         .group_by(Attendance.month)).all()
        for (heard_codes,) in _run(session, select(Attendance.languages).where(*inside)):
            for code in heard_codes or []:
                languages[code] += 1

    def bucket():
        return {"dates": 0, "count": 0, **{g: 0 for g in groups}}

    def add(target, dates, count, values):
        target["dates"] += int(dates or 0)
        target["count"] += int(count or 0)
        for name, value in zip(groups, values, strict=True):
            target[name] += int(value or 0)

    totals, by_category = bucket(), defaultdict(bucket)
    by_month = {m: bucket() for m in report.months}
    for event_id, dates, count, *values in by_event:
        if event_id in events:
            add(by_category[events[event_id][0] or "other"], dates, count, values)
    for month, dates, count, *values in by_month_rows:
        month = month if isinstance(month, date) else date.fromisoformat(str(month))
        add(by_month.setdefault(month, bucket()), dates, count, values)
        add(totals, dates, count, values)
    report.attendance = {
        "totals": totals,
        "by_category": sorted(by_category.items(), key=lambda item: (-item[1]["count"],
                                                                      item[0])),
        "by_month": sorted(by_month.items()),
        "languages": sorted(languages.items(), key=lambda item: (-item[1], item[0])),
    }


def _spielmobil(session, report: Report, since: datetime, until: datetime) -> None:
    if not report.scope.has_spielmobil:
        report.spielmobil = {}
        return
    conditions = [RoundDate.starts_at >= since, RoundDate.starts_at < until]
    if report.scope.quarter_ids is not None:
        conditions.append(Stop.quarter_id.in_(report.scope.quarter_ids))
    rows = _run(session,
        select(Quarter.name, RoundDate.status, RoundDate.reason, func.count(),
               func.sum(case((RoundDate.starts_at <= report.now, 1), else_=0)),
               func.coalesce(func.sum(Attendance.children), 0),
               func.coalesce(func.sum(Attendance.count), 0))
        .join(Stop, Stop.id == RoundDate.stop_id)
        .join(Quarter, Quarter.id == Stop.quarter_id)
        .outerjoin(Attendance, and_(Attendance.event_id == RoundDate.event_id,
                                    Attendance.occurrence_date == RoundDate.original_date))
        .where(*conditions)
        .group_by(Quarter.name, RoundDate.status, RoundDate.reason)).all()

    def bucket():
        return {"planned": 0, "held": 0, "cancelled": 0, "children": 0, "visitors": 0}

    quarters, totals, reasons = defaultdict(bucket), bucket(), defaultdict(int)
    for name, status, reason, dates, begun, children, visitors in rows:
        is_cancelled = status == RoundDateStatus.CANCELLED
        figures = {"planned": int(dates), "held": 0 if is_cancelled else int(begun or 0),
                   "cancelled": int(dates) if is_cancelled else 0,
                   "children": int(children or 0), "visitors": int(visitors or 0)}
        for target in (quarters[name], totals):
            for key, value in figures.items():
                target[key] += value
        if is_cancelled:
            reasons[reason or ""] += int(dates)
    report.spielmobil = {
        "quarters": sorted(quarters.items()), "totals": totals,
        "reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0]))}


def _initiatives(session, report: Report, zone: ZoneInfo) -> None:
    scope = report.scope
    booked = booked_minutes(session, scope, report.start, report.end, zone, by="organisation",
                            rooms_only=False)
    events = report.offered["per_organisation"]
    ids = ({key[0] for key, (minutes, _d) in booked.items() if key[0] and minutes > 0}
           | set(events))
    names = dict(_run(session,
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all()
    ) if ids else {}
    rows = sorted(
        ({"id": org_id, "name": names.get(org_id, ""),
          "booked_minutes": booked.get((org_id,), (0, 0))[0],
          "dates": booked.get((org_id,), (0, 0))[1], "events": events.get(org_id, 0)}
         for org_id in ids if org_id in names),
        key=lambda row: (-row["booked_minutes"], row["name"]))
    created = [Organisation.created_at >= _instant(report.start, zone),
               Organisation.created_at < _instant(report.end + timedelta(days=1), zone)]
    if scope.quarter_ids is not None:
        created.append(Organisation.quarter_id.in_(scope.quarter_ids))
    if scope.organisation_id is not None:
        created.append(Organisation.id == scope.organisation_id)
    if scope.facility_id is not None:
        created.append(Organisation.id.in_(ids or {0}))
    new = _run(session, select(Organisation.name, Organisation.created_at)
                          .where(*created).order_by(Organisation.created_at)).all()
    report.initiatives = {"active": len(rows), "rows": rows,
                          "booked_minutes": sum(r["booked_minutes"] for r in rows),
                          "new": [(name, created_at.astimezone(zone).date())
                                  for name, created_at in new]}


def build(session, scope: Scope, start: date, end: date, *, now: datetime,
          zone: ZoneInfo, detail: bool = False) -> Report:
    """Every section of the report for `scope` from `start` to `end` (local dates, inclusive).
    `detail` adds room use per room and month (for the downloads)."""
    report = Report(scope=scope, start=start, end=end, now=now,
                    months=months_between(start, end))
    since, until = _instant(start, zone), _instant(end + timedelta(days=1), zone)
    _room_use(session, report, zone, detail=detail)
    events = _events(session, scope)
    _offered(session, report, zone, events)
    _attendance(session, report, events)
    _spielmobil(session, report, since, until)
    _initiatives(session, report, zone)
    return report


def public_summary(session, quarter: Quarter, year: int, *, now: datetime,
                   zone: ZoneInfo) -> Report:
    """A quarter's report for a year, for the public page: only aggregate numbers are shown
    there (no organisation, no note, no reason)."""
    scope = Scope("quarter", f"quarter:{quarter.slug}", quarter.name, quarter_ids=(quarter.id,))
    return build(session, scope, date(year, 1, 1), date(year, 12, 31), now=now, zone=zone)
