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
from sqlalchemy import and_, bindparam, case, func, select

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
    Programme,
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
    resource_ids = list(session.scalars(select(Resource.id).where(*conditions))) \
        if conditions else None
    if whole:
        # Grouped in the covering index's order (month first): no sort, no table read.
        keys = ([ResourceUsage.month, ResourceUsage.resource_id] if by == "resource"
                else [ResourceUsage.organisation_id])
        query = (select(*keys, func.sum(ResourceUsage.booked_minutes),
                        func.sum(ResourceUsage.dates))
                 .where(ResourceUsage.month.in_(whole))
                 .group_by(*keys))
        if resource_ids is not None:
            query = query.where(ResourceUsage.resource_id.in_(resource_ids))
        if scope.organisation_id is not None:
            query = query.where(ResourceUsage.organisation_id == scope.organisation_id)
        for *key, minutes, dates in session.execute(query):
            entry = result[(key[1], key[0]) if by == "resource" else tuple(key)]
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
            for *key, total, dates in session.execute(query):
                key = (key[0], month_of(edge_start)) if by == "resource" else tuple(key)
                entry = result[key]
                entry[0] += round(float(total or 0))
                entry[1] += int(dates or 0)
    return result


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


def _room_use(session, report: Report, zone: ZoneInfo) -> None:
    scope = report.scope
    rooms = session.execute(
        select(Resource.id, Resource.name, Resource.facility_id, Facility.name, Quarter.name)
        .join(Facility, Facility.id == Resource.facility_id)
        .join(Quarter, Quarter.id == Resource.quarter_id)
        .where(*_resource_filter(scope, rooms_only=True))
        .order_by(Quarter.name, Facility.name, Resource.name)).all()
    facility_ids = {row[2] for row in rooms}
    weekly: dict = defaultdict(lambda: [0] * 7)
    if facility_ids:
        spans = session.execute(
            select(OpeningHours.facility_id, OpeningHours.weekday, OpeningHours.opens_at,
                   OpeningHours.closes_at)
            .where(OpeningHours.facility_id.in_(facility_ids)))
        for facility_id, weekday, opens, closes in spans:
            weekly[facility_id][weekday] += (
                (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute))
    counts = _weekday_counts(report.start, report.end, report.months)
    booked = booked_minutes(session, scope, report.start, report.end, zone, by="resource",
                            rooms_only=True)
    report.room_months = {m: [0, 0] for m in report.months}
    opening = {(facility_id, month): sum(c * w for c, w in zip(counts[month], week,
                                                               strict=True))
               for facility_id, week in weekly.items() for month in report.months}
    for resource_id, name, facility_id, facility_name, quarter_name in rooms:
        months = {}
        for month in report.months:
            open_minutes = opening.get((facility_id, month), 0)
            minutes, dates = booked.get((resource_id, month), (0, 0))
            months[month] = (minutes, open_minutes, dates)
            report.room_months[month][0] += minutes
            report.room_months[month][1] += open_minutes
        booked_total = sum(v[0] for v in months.values())
        open_total = sum(v[1] for v in months.values())
        report.rooms.append({
            "id": resource_id, "name": name, "facility": facility_name,
            "quarter": quarter_name, "months": months, "booked_minutes": booked_total,
            "open_minutes": open_total, "dates": sum(v[2] for v in months.values()),
            "share": round(100 * booked_total / open_total, 1) if open_total else None,
        })


def _offered(session, report: Report, zone: ZoneInfo) -> None:
    """Dates per event: whole past or future months from the monthly counts, the month of
    `now` and partial months from the stored dates; folded per category, group, language."""
    now_month = month_of(report.now.astimezone(zone).date())
    whole, rest = split(report.start, report.end, exclude={now_month})
    per_event: dict = defaultdict(lambda: [0, 0, 0, 0])  # dates, cancelled, moved, held
    queries = []
    if whole:
        queries.append(
            select(EventMonth.event_id.label("event_id"),
                   func.sum(EventMonth.dates).label("dates"),
                   func.sum(EventMonth.cancelled).label("cancelled"),
                   func.sum(EventMonth.moved).label("moved"),
                   func.sum(case((EventMonth.month < now_month,
                                  EventMonth.dates - EventMonth.cancelled), else_=0))
                   .label("held"))
            .where(EventMonth.month.in_(whole)).group_by(EventMonth.event_id).subquery())
    held = and_(EventDate.cancelled.is_(False), EventDate.starts_at <= report.now)
    for first, last in rest:
        since, until = _instant(first, zone), _instant(last + timedelta(days=1), zone)
        queries.append(
            select(EventDate.event_id.label("event_id"),
                   func.count().label("dates"),
                   func.sum(case((EventDate.cancelled, 1), else_=0)).label("cancelled"),
                   func.sum(case((and_(EventDate.moved, EventDate.cancelled.is_(False)), 1),
                                 else_=0)).label("moved"),
                   func.sum(case((held, 1), else_=0)).label("held"))
            .where(EventDate.starts_at >= since, EventDate.starts_at < until)
            .group_by(EventDate.event_id).subquery())
    events = {}
    for counts in queries:
        for (event_id, category, groups, languages, status, organisation_id, dates, cancelled,
             moved, held_dates) in session.execute(
                select(Event.id, Event.category, Event.target_groups, Event.languages,
                       Event.status, Event.organisation_id, counts.c.dates,
                       counts.c.cancelled, counts.c.moved, counts.c.held)
                .join(counts, counts.c.event_id == Event.id)
                .where(*_event_filter(report.scope))):
            events[event_id] = (category, groups, languages, status, organisation_id)
            entry = per_event[event_id]
            entry[0] += int(dates or 0)
            entry[1] += int(cancelled or 0)
            entry[2] += int(moved or 0)
            entry[3] += int(held_dates or 0)

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


def _attendance(session, report: Report) -> None:
    """Sums per category and month: whole months from the monthly sums, partial months at the
    period's edges from the records."""
    whole, rest = split(report.start, report.end)
    groups = [*ATTENDANCE_GROUPS, "first_visit"]
    grouped = []  # (category, month, dates, count, *groups)
    languages: dict = defaultdict(int)
    scope = _event_filter(report.scope)
    if whole:
        grouped += session.execute(
            select(Event.category, AttendanceMonth.month, func.sum(AttendanceMonth.dates),
                   func.sum(AttendanceMonth.count),
                   *[func.sum(getattr(AttendanceMonth, g)) for g in groups])
            .join(Event, Event.id == AttendanceMonth.event_id)
            .where(AttendanceMonth.month.in_(whole), *scope)
            .group_by(Event.category, AttendanceMonth.month)).all()
        for code, dates in session.execute(
                select(AttendanceLanguage.language, func.sum(AttendanceLanguage.dates))
                .join(Event, Event.id == AttendanceLanguage.event_id)
                .where(AttendanceLanguage.month.in_(whole), *scope)
                .group_by(AttendanceLanguage.language)):
            languages[code] += int(dates or 0)
    for first, last in rest:
        inside = [Attendance.occurrence_date >= first, Attendance.occurrence_date <= last]
        grouped += session.execute(
            select(Event.category, Attendance.month, func.count(), func.sum(Attendance.count),
                   *[func.coalesce(func.sum(getattr(Attendance, g)), 0) for g in groups])
            .join(Event, Event.id == Attendance.event_id)
            .where(*inside, *scope)
            .group_by(Event.category, Attendance.month)).all()
        for (heard,) in session.execute(
                select(Attendance.languages).join(Event, Event.id == Attendance.event_id)
                .where(*inside, *scope)):
            for code in heard or []:
                languages[code] += 1

    def bucket():
        return {"dates": 0, "count": 0, **{g: 0 for g in groups}}

    totals, by_category = bucket(), defaultdict(bucket)
    by_month = {m: bucket() for m in report.months}
    for category, month, dates, count, *sums in grouped:
        values = {"dates": int(dates or 0), "count": int(count or 0),
                  **{g: int(v or 0) for g, v in zip(groups, sums, strict=True)}}
        month = month if isinstance(month, date) else date.fromisoformat(str(month))
        for target in (totals, by_category[category or "other"],
                       by_month.setdefault(month, bucket())):
            for name, value in values.items():
                target[name] += value
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
    cancelled = RoundDate.status == RoundDateStatus.CANCELLED
    rows = session.execute(
        select(Stop.quarter_id, func.count(),
               func.sum(case((and_(~cancelled, RoundDate.starts_at <= report.now), 1),
                             else_=0)),
               func.sum(case((cancelled, 1), else_=0)),
               func.coalesce(func.sum(Attendance.children), 0),
               func.coalesce(func.sum(Attendance.count), 0))
        .join(Stop, Stop.id == RoundDate.stop_id)
        .outerjoin(Attendance, and_(Attendance.event_id == RoundDate.event_id,
                                    Attendance.occurrence_date == RoundDate.original_date))
        .where(*conditions).group_by(Stop.quarter_id)).all()
    names = dict(session.execute(select(Quarter.id, Quarter.name)).all()) if rows else {}
    quarters, totals = [], {"planned": 0, "held": 0, "cancelled": 0, "children": 0,
                            "visitors": 0}
    for quarter_id, planned, held, n_cancelled, children, visitors in rows:
        figures = {"planned": int(planned), "held": int(held or 0),
                   "cancelled": int(n_cancelled or 0), "children": int(children or 0),
                   "visitors": int(visitors or 0)}
        quarters.append((names.get(quarter_id, ""), figures))
        for name, value in figures.items():
            totals[name] += value
    reasons = session.execute(
        select(RoundDate.reason, func.count())
        .join(Stop, Stop.id == RoundDate.stop_id)
        .where(cancelled, *conditions).group_by(RoundDate.reason)
        .order_by(func.count().desc(), RoundDate.reason)).all()
    report.spielmobil = {"quarters": sorted(quarters), "totals": totals,
                         "reasons": [(reason or "", int(n)) for reason, n in reasons]}


def _initiatives(session, report: Report, zone: ZoneInfo) -> None:
    scope = report.scope
    booked = booked_minutes(session, scope, report.start, report.end, zone, by="organisation",
                            rooms_only=False)
    events = report.offered["per_organisation"]
    ids = ({key[0] for key, (minutes, _d) in booked.items() if key[0] and minutes > 0}
           | set(events))
    names = dict(session.execute(
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
    new = session.execute(select(Organisation.name, Organisation.created_at)
                          .where(*created).order_by(Organisation.created_at)).all()
    report.initiatives = {"active": len(rows), "rows": rows,
                          "booked_minutes": sum(r["booked_minutes"] for r in rows),
                          "new": [(name, created_at.astimezone(zone).date())
                                  for name, created_at in new]}


def build(session, scope: Scope, start: date, end: date, *, now: datetime,
          zone: ZoneInfo) -> Report:
    """Every section of the report for `scope` from `start` to `end` (local dates, inclusive)."""
    report = Report(scope=scope, start=start, end=end, now=now,
                    months=months_between(start, end))
    since, until = _instant(start, zone), _instant(end + timedelta(days=1), zone)
    _room_use(session, report, zone)
    _offered(session, report, zone)
    _attendance(session, report)
    _spielmobil(session, report, since, until)
    _initiatives(session, report, zone)
    return report


def public_summary(session, quarter: Quarter, year: int, *, now: datetime,
                   zone: ZoneInfo) -> Report:
    """A quarter's report for a year, for the public page: only aggregate numbers are shown
    there (no organisation, no note, no reason)."""
    scope = Scope("quarter", f"quarter:{quarter.slug}", quarter.name, quarter_ids=(quarter.id,))
    return build(session, scope, date(year, 1, 1), date(year, 12, 31), now=now, zone=zone)
