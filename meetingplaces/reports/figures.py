"""The figures of a report: a scope (the city, a quarter, a facility, an organisation or a
programme) and a period of local dates, computed with one statement of GROUP BYs.

Whole months of booked time come from the running sums (reports.usage); the partial months at
the edges of a period from the occurrences themselves, clipped to the period. Dates offered
come from the stored event dates and their monthly counts, attendance from its monthly sums and
its own rows. Python only folds the grouped rows (per category, room, quarter or month) and
works out opening hours (a facility's week, less public holidays and closures), never single
occurrences or dates.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)

from ..booking.rules import public_holidays
from ..errors import Forbidden, InvalidInput, NotFound
from ..models import Facility, OpeningHours, Organisation, Quarter, Resource
from ..models.bookings import Booking, Occurrence, OccurrenceStatus
from ..models.events import Event, EventStatus
from ..models.places import Closure, ResourceKind
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
    def bounds(self) -> dict:
        """Its filters as values (for figures.resource_filter and event_filter)."""
        return {"quarter_ids": self.quarter_ids, "facility_id": self.facility_id,
                "organisation_id": self.organisation_id}

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


# --- the period in months ----------------------------------------------------------------------


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


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


# --- the one statement ------------------------------------------------------------------------
#
# A report is one statement: a UNION ALL of GROUP BYs (and the few rows the rest needs: rooms,
# opening hours, closures) in one row shape: what the row is, four texts, a month, two
# instants and seven numbers. One round trip and one plan instead of one per section; Python
# then folds grouped rows only (per category, room, quarter or month), never single dates.
#
# Its text depends only on a _Shape (which filters, how many partial months); every date,
# instant and id is a named parameter. So the statement is built once per shape and kept, and
# a report costs the database's work, not the building of a large SQL expression each time.

TEXTS, NUMBERS = 4, 7
(ROOM, MONTH_BOOKED, ROOM_MONTH_BOOKED, OPENING, CLOSURE, OFFERED_CATEGORY,
 OFFERED_TARGET_GROUP, OFFERED_LANGUAGE, ATTENDED_CATEGORY, ATTENDED_MONTH, HEARD, SPIELMOBIL,
 INITIATIVE) = range(13)
GROUPS = (*ATTENDANCE_GROUPS, "first_visit")


@dataclass(frozen=True)
class _Shape:
    """What the statement's text depends on."""

    dialect: str
    city: bool
    quarters: bool  # a quarter or a programme: the scope names quarters
    facility: bool
    organisation: bool
    spielmobil: bool
    whole: str  # how the period's whole months are named: "range", "list" or "" (none)
    rests: int  # stretches of partial months
    edges: int  # the months of those stretches (booked time is clipped per month)
    offered_whole: str  # the same for dates offered (the month of `now` counts as partial)
    offered_rests: int
    totals: bool  # room use per room and per month only (not per room and month)

    @property
    def bounds(self) -> dict:
        """The scope's filters as the statement's parameters."""
        return {"quarter_ids": _quarter_ids() if self.quarters else None,
                "facility_id": _p("facility_id") if self.facility else None,
                "organisation_id": _p("organisation_id") if self.organisation else None}


def _months_named(prefix: str, months: list[date], values: dict) -> str:
    if not months:
        return ""
    if all(next_month(a) == b for a, b in zip(months, months[1:], strict=False)):
        values[f"{prefix}_first"], values[f"{prefix}_last"] = months[0], months[-1]
        return "range"
    values[f"{prefix}_months"] = months
    return "list"


def _shape(report: Report, zone: ZoneInfo, dialect: str, *, detail: bool) -> tuple:
    """The statement's shape and its parameters for a report."""
    scope = report.scope
    values = {"since": _instant(report.start, zone),
              "until": _instant(report.end + timedelta(days=1), zone),
              "now": report.now, "quarter_ids": list(scope.quarter_ids or ()),
              "facility_id": scope.facility_id, "organisation_id": scope.organisation_id}
    whole, rest = split(report.start, report.end)
    edges = 0
    for i, (first, last) in enumerate(rest):
        values[f"rest{i}_first"], values[f"rest{i}_last"] = first, last
        for edge_start, edge_end in _month_parts(first, last):
            since = _instant(edge_start, zone)
            values.update({f"edge{edges}_since": since,
                           f"edge{edges}_back": since - LONGEST_DATE,
                           f"edge{edges}_until": _instant(edge_end, zone),
                           f"edge{edges}_month": month_of(edge_start)})
            edges += 1
    now_month = month_of(report.now.astimezone(zone).date())
    values["now_month"] = now_month
    offered_whole, offered_rest = split(report.start, report.end, exclude={now_month})
    for i, (first, last) in enumerate(offered_rest):
        values[f"offered{i}_since"] = _instant(first, zone)
        values[f"offered{i}_until"] = _instant(last + timedelta(days=1), zone)
    shape = _Shape(
        dialect=dialect, city=scope.kind == "city", quarters=scope.quarter_ids is not None,
        facility=scope.facility_id is not None, organisation=scope.organisation_id is not None,
        spielmobil=scope.has_spielmobil, whole=_months_named("whole", whole, values),
        rests=len(rest), edges=edges,
        offered_whole=_months_named("offered", offered_whole, values),
        offered_rests=len(offered_rest),
        totals=not detail and not rest and scope.organisation_id is None)
    return shape, values


def _p(name: str, type_=Integer):
    return bindparam(name, type_=type_)


def _in_months(column, mode: str, prefix: str):
    if mode == "range":
        return and_(column >= _p(f"{prefix}_first", Date), column <= _p(f"{prefix}_last", Date))
    return column.in_(bindparam(f"{prefix}_months", expanding=True, type_=Date))


def _quarter_ids():
    return bindparam("quarter_ids", expanding=True, type_=Integer)


def _shaped(kind: int, *, texts=(), month=None, at=None, until=None, numbers=()) -> list:
    """A select's columns in the report's row shape, a typed NULL where a part is unused
    (PostgreSQL matches a UNION's column types pair by pair, an untyped NULL as text)."""
    def pad(values, count, name, type_):
        return [(values[i] if i < len(values) else cast(null(), type_)).label(f"{name}{i}")
                for i in range(count)]

    return [
        literal_column(str(kind), Integer).label("kind"),
        *pad(texts, TEXTS, "t", String),
        (month if month is not None else cast(null(), Date)).label("month"),
        (at if at is not None else cast(null(), UTCDateTime)).label("at"),
        (until if until is not None else cast(null(), UTCDateTime)).label("until"),
        *pad(numbers, NUMBERS, "n", Integer),
    ]


def _union(selects: list):
    return selects[0] if len(selects) == 1 else union_all(*selects)


def resource_filter(*, rooms_only: bool, quarter_ids=None, facility_id=None,
                    organisation_id=None) -> list:
    """The resources a scope covers (`Scope.bounds`: values; `_Shape.bounds`: parameters)."""
    conditions = []
    if rooms_only:
        conditions.append(Resource.kind == ResourceKind.ROOM)
    if quarter_ids is not None:
        conditions.append(Resource.quarter_id.in_(quarter_ids))
    if facility_id is not None:
        conditions.append(Resource.facility_id == facility_id)
    return conditions


def event_filter(*, quarter_ids=None, facility_id=None, organisation_id=None) -> list:
    """The events a scope counts: published or called off, in its bounds."""
    conditions = [Event.status.in_((EventStatus.PUBLISHED, EventStatus.CANCELLED))]
    if quarter_ids is not None:
        conditions.append(Event.quarter_id.in_(quarter_ids))
    if facility_id is not None:
        conditions.append(Event.facility_id == facility_id)
    if organisation_id is not None:
        conditions.append(Event.organisation_id == organisation_id)
    return conditions


def _rooms(shape: _Shape) -> list:
    return resource_filter(rooms_only=True, **shape.bounds)


def _clipped_minutes(dialect: str, since, until):
    if dialect == "postgresql":
        return func.extract("epoch", func.least(Occurrence.ends_at, until)
                            - func.greatest(Occurrence.starts_at, since)) / 60
    return (func.julianday(func.min(Occurrence.ends_at, until))
            - func.julianday(func.max(Occurrence.starts_at, since))) * 1440


def _minute_of_day(dialect: str, column):
    """A time of day as minutes after midnight."""
    if dialect == "postgresql":
        return func.extract("epoch", column) / 60
    return (cast(func.strftime("%H", column), Integer) * 60
            + cast(func.strftime("%M", column), Integer))


def _elements(dialect: str, column):
    """The strings of a JSON array column, one row each, to join beside its row (both
    databases treat a function in FROM as lateral). Anything but an array gives no row."""
    if dialect == "postgresql":
        return func.json_array_elements_text(
            case((func.json_typeof(column) == "array", column))).table_valued("value")
    return func.json_each(column).table_valued("value")


def _booked(shape: _Shape, *, by: str, rooms_only: bool):
    """Confirmed booked minutes and dates in the period, grouped by (resource_id, month) or by
    organisation_id: whole months from the running sums, the edges from the occurrences,
    clipped to each month."""
    conditions = resource_filter(rooms_only=rooms_only, **shape.bounds)
    resource_ids = None
    if shape.quarters or shape.facility:
        resource_ids = select(Resource.id).where(*conditions)
    sources = []
    if shape.whole:
        sources.append(_whole_months(shape, by=by, resource_ids=resource_ids))
    for j in range(shape.edges):
        since, until = _p(f"edge{j}_since", UTCDateTime), _p(f"edge{j}_until", UTCDateTime)
        keys = ([Occurrence.resource_id, _p(f"edge{j}_month", Date)]
                if by == "resource" else [func.coalesce(Booking.organisation_id, 0)])
        query = (select(*keys, _clipped_minutes(shape.dialect, since, until),
                        case((Occurrence.starts_at >= since, 1), else_=0))
                 .join(Booking, Booking.id == Occurrence.booking_id)
                 .join(Resource, Resource.id == Occurrence.resource_id)
                 .where(Occurrence.status == OccurrenceStatus.CONFIRMED,
                        Occurrence.starts_at >= _p(f"edge{j}_back", UTCDateTime),
                        Occurrence.starts_at < until, Occurrence.ends_at > since,
                        *conditions))
        if shape.organisation:
            query = query.where(Booking.organisation_id == _p("organisation_id"))
        sources.append(query)
    *keys, minutes, dates = _union(sources).subquery().c
    names = ("resource_id", "month") if by == "resource" else ("organisation_id",)
    return (select(*[key.label(name) for key, name in zip(keys, names, strict=True)],
                   func.sum(minutes).label("minutes"), func.sum(dates).label("dates"))
            .group_by(*keys).subquery())


def _whole_months(shape: _Shape, *, by: str, resource_ids):
    """The running sums of whole months (keys, minutes, dates), from the narrowest table that
    answers: per room and month, per organisation, quarter and month, or (for one
    organisation's or one facility's initiatives) per room, organisation and month."""
    if by == "resource" and not shape.organisation:
        query = (select(ResourceMonth.resource_id, ResourceMonth.month,
                        ResourceMonth.booked_minutes, ResourceMonth.dates)
                 .where(_in_months(ResourceMonth.month, shape.whole, "whole")))
        if resource_ids is not None:
            query = query.where(ResourceMonth.resource_id.in_(resource_ids))
        return query
    if by == "organisation" and not shape.facility and not shape.organisation:
        query = (select(OrganisationMonth.organisation_id, OrganisationMonth.booked_minutes,
                        OrganisationMonth.dates)
                 .where(_in_months(OrganisationMonth.month, shape.whole, "whole")))
        if shape.quarters:
            query = query.where(OrganisationMonth.quarter_id.in_(_quarter_ids()))
        return query
    keys = ([ResourceUsage.resource_id, ResourceUsage.month] if by == "resource"
            else [ResourceUsage.organisation_id])
    query = (select(*keys, ResourceUsage.booked_minutes, ResourceUsage.dates)
             .where(_in_months(ResourceUsage.month, shape.whole, "whole")))
    if resource_ids is not None:
        query = query.where(ResourceUsage.resource_id.in_(resource_ids))
    if shape.organisation:
        query = query.where(ResourceUsage.organisation_id == _p("organisation_id"))
    return query


@functools.lru_cache(maxsize=128)
def _statement(shape: _Shape):
    """The report's statement for a shape (built once per process and shape: it holds no
    value, only parameters)."""
    events = _events_in_scope(shape)
    offered = _offered_per_event(shape, events)
    return union_all(*_room_use_rows(shape), *_offered_rows(shape, offered),
                     *_attendance_rows(shape, events), *_spielmobil_rows(shape),
                     *_initiative_rows(shape, offered),
                     ).order_by("kind", "t2", "t1", "t0")


def _int(value) -> int:
    """A sum as the database gives it (int, Decimal or float; NULL for none)."""
    return int(round(value)) if value else 0


# --- room use ---------------------------------------------------------------------------------


def _room_use_rows(shape: _Shape) -> list:
    """The rooms in scope (with their booked minutes when `totals`), their facilities' opening
    hours, the closures in the period, and the booked minutes per month (`totals`: whole
    months straight from the monthly sums) or per room and month."""
    dialect = shape.dialect
    rooms = select(Resource.id).where(*_rooms(shape))
    facilities = select(Resource.facility_id).where(*_rooms(shape))
    since, until = _p("since", UTCDateTime), _p("until", UTCDateTime)
    room_numbers = [Resource.id, Resource.facility_id]
    selects = []
    per_room = None
    if shape.totals:
        if shape.quarters or shape.facility:
            keep = ResourceMonth.resource_id.in_(rooms)
        else:
            keep = ResourceMonth.resource_id.not_in(
                select(Resource.id).where(Resource.kind == ResourceKind.MOBILE))
        in_period = [_in_months(ResourceMonth.month, shape.whole, "whole"), keep]
        per_room = (select(ResourceMonth.resource_id,
                           func.sum(ResourceMonth.booked_minutes).label("minutes"),
                           func.sum(ResourceMonth.dates).label("dates"))
                    .where(*in_period).group_by(ResourceMonth.resource_id).subquery())
        room_numbers += [per_room.c.minutes, per_room.c.dates]
        selects.append(select(*_shaped(MONTH_BOOKED, month=ResourceMonth.month,
                                       numbers=[func.sum(ResourceMonth.booked_minutes)]))
                       .where(*in_period).group_by(ResourceMonth.month))
    else:
        booked = _booked(shape, by="resource", rooms_only=True)
        selects.append(select(*_shaped(ROOM_MONTH_BOOKED, month=booked.c.month, numbers=[
            booked.c.resource_id, booked.c.minutes, booked.c.dates])))
    room = (select(*_shaped(ROOM, texts=[Resource.name, Facility.name, Quarter.name,
                                         Quarter.holiday_region], numbers=room_numbers))
            .select_from(Resource).join(Facility, Facility.id == Resource.facility_id)
            .join(Quarter, Quarter.id == Resource.quarter_id)
            .where(*_rooms(shape)))
    if per_room is not None:
        room = room.outerjoin(per_room, per_room.c.resource_id == Resource.id)
    return [
        room,
        select(*_shaped(OPENING, numbers=[
            OpeningHours.facility_id, OpeningHours.weekday,
            _minute_of_day(dialect, OpeningHours.opens_at),
            _minute_of_day(dialect, OpeningHours.closes_at)]))
        .where(OpeningHours.facility_id.in_(facilities)),
        select(*_shaped(CLOSURE, at=Closure.starts_at, until=Closure.ends_at,
                        numbers=[Closure.facility_id, Closure.resource_id]))
        .where(Closure.starts_at < until, Closure.ends_at > since,
               or_(Closure.facility_id.in_(facilities), Closure.resource_id.in_(rooms))),
        *selects,
    ]


def _covered(spans: list, day: date, closed: list) -> float:
    """Minutes of a day's opening spans (minutes after midnight) that the closed spans (local
    wall-clock datetimes) cover."""
    midnight = datetime.combine(day, time())
    cuts = sorted(((max(a, midnight) - midnight).total_seconds() / 60,
                   (min(b, midnight + timedelta(days=1)) - midnight).total_seconds() / 60)
                  for a, b in closed if a < midnight + timedelta(days=1) and b > midnight)
    merged: list = []
    for a, b in cuts:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return sum(max(0.0, min(closes, b) - max(opens, a))
               for opens, closes in spans for a, b in merged)


def _days(closed: list, start: date, end: date) -> set:
    """The local days the closed spans touch inside the period."""
    days = set()
    for a, b in closed:
        day, last = max(a.date(), start), min((b - timedelta(microseconds=1)).date(), end)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def _opening(report: Report, rooms: list, spans: list, closures: list, zone: ZoneInfo,
             holiday_region: str) -> tuple[dict, dict]:
    """Opening minutes per (facility, month) less its public holidays and closures, and the
    minutes per (room, month) that closures of the room alone take on top. Facilities with
    the same week in the same federal state (most of a city's) are counted once."""
    weekly: dict = defaultdict(lambda: [[] for _day in range(7)])
    for _kind, *_texts, facility_id, weekday, opens, closes, _n4, _n5, _n6 in spans:
        weekly[int(facility_id)][int(weekday)].append((float(opens), float(closes)))
    closed: dict = defaultdict(list)  # ("facility" | "room", id) -> local wall-clock spans
    for row in closures:
        span = (row.at.astimezone(zone).replace(tzinfo=None),
                row.until.astimezone(zone).replace(tzinfo=None))
        closed[("facility", int(row.n0)) if row.n0 else ("room", int(row.n1))].append(span)
    regions = {room[2]: room[5] or holiday_region for room in rooms}
    years = range(report.start.year, report.end.year + 1)
    holidays = {region: {day for year in years for day in public_holidays(region, year)
                         if report.start <= day <= report.end}
                for region in set(regions.values())}
    counts = _weekday_counts(report.start, report.end, report.months)
    per_week: dict = {}
    opening: dict = {}
    for facility_id, days in weekly.items():
        week = tuple(round(sum(c - o for o, c in day)) for day in days)
        free = holidays.get(regions.get(facility_id), set())
        key = (week, regions.get(facility_id))
        if key not in per_week:
            months = {m: sum(c * w for c, w in zip(counts[m], week, strict=True))
                      for m in report.months}
            for day in free:
                months[month_of(day)] -= week[day.weekday()]
            per_week[key] = months
        for month, minutes in per_week[key].items():
            opening[(facility_id, month)] = minutes
        shut = closed.get(("facility", facility_id), [])
        for day in _days(shut, report.start, report.end) - free:
            opening[(facility_id, month_of(day))] -= round(
                _covered(days[day.weekday()], day, shut))
    room_lost: dict = defaultdict(int)
    for resource_id, _name, facility_id, *_rest in rooms:
        own = closed.get(("room", resource_id))
        if not own or facility_id not in weekly:
            continue
        free = holidays.get(regions.get(facility_id), set())
        shut = closed.get(("facility", facility_id), [])
        for day in _days(own, report.start, report.end) - free:
            spans_of_day = weekly[facility_id][day.weekday()]
            room_lost[(resource_id, month_of(day))] += round(
                _covered(spans_of_day, day, shut + own) - _covered(spans_of_day, day, shut))
    return opening, room_lost


def _fold_room_use(report: Report, found: dict, zone: ZoneInfo, holiday_region: str,
                   totals: bool) -> None:
    rooms = [(int(resource_id), name, int(facility_id), facility, quarter, region,
              _int(minutes), _int(dates))
             for _kind, name, facility, quarter, region, _m, _a, _u, resource_id, facility_id,
             minutes, dates, _n4, _n5, _n6 in found[ROOM]]
    opening, room_lost = _opening(report, rooms, found[OPENING], found[CLOSURE], zone,
                                  holiday_region)
    rooms_in: dict = defaultdict(int)
    for room in rooms:
        rooms_in[room[2]] += 1
    report.room_months = {
        month: [0, sum(opening.get((facility_id, month), 0) * n
                       for facility_id, n in rooms_in.items())]
        for month in report.months}
    for (_room, month), minutes in room_lost.items():
        report.room_months[month][1] -= minutes
    open_total_of = {facility_id: sum(opening.get((facility_id, m), 0) for m in report.months)
                     for facility_id in rooms_in}
    if totals:
        for row in found[MONTH_BOOKED]:
            report.room_months[row.month][0] = _int(row.n0)
    else:
        booked = {(int(r.n0), r.month): (_int(r.n1), _int(r.n2))
                  for r in found[ROOM_MONTH_BOOKED]}
    nothing = (0, 0)
    for resource_id, name, facility_id, facility_name, quarter_name, _r, minutes, dates in rooms:
        months = {}
        open_total = open_total_of[facility_id]
        if room_lost:
            open_total -= sum(room_lost.get((resource_id, m), 0) for m in report.months)
        booked_total, dates_total = minutes, dates
        if not totals:
            booked_total = dates_total = 0
            for month in report.months:
                open_minutes = (opening.get((facility_id, month), 0)
                                - room_lost.get((resource_id, month), 0))
                minutes, dates = booked.get((resource_id, month), nothing)
                months[month] = (minutes, open_minutes, dates)
                booked_total += minutes
                dates_total += dates
                report.room_months[month][0] += minutes
        report.rooms.append({
            "id": resource_id, "name": name, "facility": facility_name,
            "quarter": quarter_name, "months": months, "booked_minutes": booked_total,
            "open_minutes": open_total, "dates": dates_total,
            "share": round(100 * booked_total / open_total, 1) if open_total else None,
        })


# --- what was offered -------------------------------------------------------------------------


def _events_in_scope(shape: _Shape):
    """The events a report counts (published or called off, in the scope). Materialised:
    several branches read it."""
    return (select(Event.id.label("event_id"),
                   func.coalesce(func.nullif(Event.category, ""), "other").label("category"),
                   Event.target_groups, Event.languages, Event.status, Event.organisation_id)
            .where(*event_filter(**shape.bounds)).cte("scope_events").prefix_with("MATERIALIZED"))


def _offered_per_event(shape: _Shape, events):
    """Dates per event in scope: whole past or future months from the monthly counts, the
    month of `now` and partial months from the stored dates; an event called off as a whole
    has every date cancelled."""
    now = _p("now", UTCDateTime)
    # Each source grouped by event on its own (SQLite then streams its covering index into one
    # small sort), the sources' sums summed.
    sources = []
    if shape.offered_whole:
        sources.append(
            select(EventMonth.event_id, func.sum(EventMonth.dates),
                   func.sum(EventMonth.cancelled), func.sum(EventMonth.moved),
                   func.sum(case((EventMonth.month < _p("now_month", Date),
                                  EventMonth.dates - EventMonth.cancelled), else_=0)))
            .where(_in_months(EventMonth.month, shape.offered_whole, "offered"))
            .group_by(EventMonth.event_id))
    held = and_(EventDate.cancelled.is_(False), EventDate.starts_at <= now)
    for i in range(shape.offered_rests):
        sources.append(
            select(EventDate.event_id, func.count(),
                   func.sum(case((EventDate.cancelled, 1), else_=0)),
                   func.sum(case((and_(EventDate.moved, EventDate.cancelled.is_(False)), 1),
                                 else_=0)),
                   func.sum(case((held, 1), else_=0)))
            .where(EventDate.starts_at >= _p(f"offered{i}_since", UTCDateTime),
                   EventDate.starts_at < _p(f"offered{i}_until", UTCDateTime))
            .group_by(EventDate.event_id))
    event_id, dates, cancelled, moved, held_dates = _union(sources).subquery().c
    per_event = (select(event_id.label("event_id"), func.sum(dates).label("dates"),
                        func.sum(cancelled).label("cancelled"), func.sum(moved).label("moved"),
                        func.sum(held_dates).label("held"))
                 .group_by(event_id).subquery())
    called_off = events.c.status == EventStatus.CANCELLED
    return (select(events.c.event_id, events.c.category, events.c.target_groups,
                   events.c.languages, events.c.organisation_id, per_event.c.dates,
                   case((called_off, per_event.c.dates), else_=per_event.c.cancelled)
                   .label("cancelled"),
                   case((called_off, 0), else_=per_event.c.moved).label("moved"),
                   case((called_off, 0), else_=per_event.c.held).label("held"))
            .join_from(per_event, events, events.c.event_id == per_event.c.event_id)
            .cte("offered").prefix_with("MATERIALIZED"))


def _offered_rows(shape: _Shape, offered) -> list:
    """Events and their dates per category, target group and language."""
    sums = [func.count(), func.sum(offered.c.dates), func.sum(offered.c.held),
            func.sum(offered.c.moved), func.sum(offered.c.cancelled)]
    selects = [select(*_shaped(OFFERED_CATEGORY, texts=[offered.c.category], numbers=sums))
               .group_by(offered.c.category)]
    for kind, column in ((OFFERED_TARGET_GROUP, offered.c.target_groups),
                         (OFFERED_LANGUAGE, offered.c.languages)):
        value = _elements(shape.dialect, column)
        selects.append(select(*_shaped(kind, texts=[value.c.value], numbers=sums))
                       .select_from(offered).join(value, true())
                       .where(value.c.value.is_not(None)).group_by(value.c.value))
    return selects


def _fold_offered(report: Report, found: dict) -> None:
    totals = {"events": 0, "dates": 0, "held": 0, "moved": 0, "cancelled": 0, "upcoming": 0}
    by: dict = {"category": {}, "target_group": {}, "language": {}}
    for kind, name in ((OFFERED_CATEGORY, "category"), (OFFERED_TARGET_GROUP, "target_group"),
                       (OFFERED_LANGUAGE, "language")):
        for row in found[kind]:
            events, dates, held, moved, cancelled = (_int(v) for v in
                                                     (row.n0, row.n1, row.n2, row.n3, row.n4))
            figures = {"events": events, "dates": dates, "held": held, "moved": moved,
                       "cancelled": cancelled, "upcoming": dates - held - cancelled}
            by[name][row.t0] = figures
            if kind == OFFERED_CATEGORY:  # one category per event: the totals
                for key, value in figures.items():
                    totals[key] += value
    report.offered = {
        "totals": totals,
        **{name: sorted(values.items(), key=lambda item: (-item[1]["dates"], item[0]))
           for name, values in by.items()},
    }


# --- who came -----------------------------------------------------------------------------------


def _attendance_rows(shape: _Shape, events) -> list:
    """Attendance per category and per month, and the languages heard: whole months from the
    monthly sums, partial months at the period's edges from the records. The city's report
    counts every event's attendance (only published events have any), its categories those
    of the events it counts. Each source is grouped on its own (per event, per month, per
    month and language: the order of its covering index), the sources' sums summed."""
    per_event, per_month, heard = [], [], []

    def sums(table, dates):  # the records' groups may be NULL, the monthly sums' never
        def total(column):
            return func.sum(column if table is AttendanceMonth else func.coalesce(column, 0))

        return [dates, func.sum(table.count), *[total(getattr(table, g)) for g in GROUPS]]

    def counted(table) -> list:
        """Other scopes than the city's count their events' attendance only."""
        return [] if shape.city else [table.event_id.in_(select(events.c.event_id))]

    if shape.whole:
        months = _in_months(AttendanceMonth.month, shape.whole, "whole")
        monthly = sums(AttendanceMonth, func.sum(AttendanceMonth.dates))
        per_event.append(select(AttendanceMonth.event_id, *monthly).where(months)
                         .group_by(AttendanceMonth.event_id))
        per_month.append(select(AttendanceMonth.month, *monthly)
                         .where(months, *counted(AttendanceMonth))
                         .group_by(AttendanceMonth.month))
        heard.append(select(AttendanceLanguage.language, func.sum(AttendanceLanguage.dates))
                     .where(_in_months(AttendanceLanguage.month, shape.whole, "whole"),
                            *counted(AttendanceLanguage))
                     .group_by(AttendanceLanguage.month, AttendanceLanguage.language))
    for i in range(shape.rests):
        inside = [Attendance.occurrence_date >= _p(f"rest{i}_first", Date),
                  Attendance.occurrence_date <= _p(f"rest{i}_last", Date)]
        recorded = sums(Attendance, func.count())
        per_event.append(select(Attendance.event_id, *recorded).where(*inside)
                         .group_by(Attendance.event_id))
        per_month.append(select(Attendance.month, *recorded)
                         .where(*inside, *counted(Attendance)).group_by(Attendance.month))
        value = _elements(shape.dialect, Attendance.languages)
        heard.append(select(value.c.value, func.count()).select_from(Attendance)
                     .join(value, true())
                     .where(*inside, value.c.value.is_not(None), *counted(Attendance))
                     .group_by(value.c.value))
    event_id, *by_event = _union(per_event).subquery().c
    month, *by_month = _union(per_month).subquery().c
    code, dates = _union(heard).subquery().c
    per_event_sums = (select(event_id.label("event_id"),
                             *[func.sum(c).label(f"s{i}") for i, c in enumerate(by_event)])
                      .group_by(event_id).subquery())
    event_sums = list(per_event_sums.c)[1:]
    return [
        select(*_shaped(ATTENDED_CATEGORY, texts=[events.c.category],
                        numbers=[func.sum(c) for c in event_sums]))
        .join_from(per_event_sums, events, events.c.event_id == per_event_sums.c.event_id)
        .group_by(events.c.category),
        select(*_shaped(ATTENDED_MONTH, month=month, numbers=[func.sum(c) for c in by_month]))
        .group_by(month),
        select(*_shaped(HEARD, texts=[code], numbers=[func.sum(dates)])).group_by(code),
    ]


def _fold_attendance(report: Report, found: dict) -> None:
    def bucket():
        return {"dates": 0, "count": 0, **{g: 0 for g in GROUPS}}

    def add(target, values):
        target["dates"] += values[0]
        target["count"] += values[1]
        for name, value in zip(GROUPS, values[2:], strict=True):
            target[name] += value

    totals, by_category = bucket(), defaultdict(bucket)
    by_month = {m: bucket() for m in report.months}
    for row in found[ATTENDED_CATEGORY]:
        add(by_category[row.t0], [_int(v) for v in row[-NUMBERS:]])
    for row in found[ATTENDED_MONTH]:
        values = [_int(v) for v in row[-NUMBERS:]]
        add(by_month.setdefault(row.month, bucket()), values)
        add(totals, values)
    languages = {row.t0: _int(row.n0) for row in found[HEARD]}
    report.attendance = {
        "totals": totals,
        "by_category": sorted(by_category.items(), key=lambda item: (-item[1]["count"],
                                                                      item[0])),
        "by_month": sorted(by_month.items()),
        "languages": sorted(languages.items(), key=lambda item: (-item[1], item[0])),
    }


# --- the Spielmobil -----------------------------------------------------------------------------


def _spielmobil_rows(shape: _Shape) -> list:
    """Stops per quarter, status and reason, with the attendance recorded for them (looked up
    by its unique date key, not joined: a few hundred stops against every attendance row)."""
    if not shape.spielmobil:
        return []
    conditions = [RoundDate.starts_at >= _p("since", UTCDateTime),
                  RoundDate.starts_at < _p("until", UTCDateTime)]
    if shape.quarters:
        conditions.append(Stop.quarter_id.in_(_quarter_ids()))

    def recorded(column):
        return (select(column).where(Attendance.event_id == RoundDate.event_id,
                                     Attendance.occurrence_date == RoundDate.original_date)
                .scalar_subquery())

    stops = (select(Quarter.name.label("quarter"), RoundDate.status, RoundDate.reason,
                    case((RoundDate.starts_at <= _p("now", UTCDateTime), 1), else_=0)
                    .label("begun"),
                    recorded(Attendance.children).label("children"),
                    recorded(Attendance.count).label("visitors"))
             .join(Stop, Stop.id == RoundDate.stop_id)
             .join(Quarter, Quarter.id == Stop.quarter_id)
             .where(*conditions).subquery())
    return [select(*_shaped(SPIELMOBIL, texts=[stops.c.quarter, stops.c.status,
                                               stops.c.reason],
                            numbers=[func.count(), func.sum(stops.c.begun),
                                     func.sum(stops.c.children),
                                     func.sum(stops.c.visitors)]))
            .group_by(stops.c.quarter, stops.c.status, stops.c.reason)]


def _fold_spielmobil(report: Report, found: dict) -> None:
    if not report.scope.has_spielmobil:
        report.spielmobil = {}
        return

    def bucket():
        return {"planned": 0, "held": 0, "cancelled": 0, "children": 0, "visitors": 0}

    quarters, totals, reasons = defaultdict(bucket), bucket(), defaultdict(int)
    for row in found[SPIELMOBIL]:
        name, status, reason = row.t0, row.t1, row.t2
        dates, begun, children, visitors = (_int(v) for v in (row.n0, row.n1, row.n2, row.n3))
        is_cancelled = status == RoundDateStatus.CANCELLED
        figures = {"planned": dates, "held": 0 if is_cancelled else begun,
                   "cancelled": dates if is_cancelled else 0,
                   "children": children, "visitors": visitors}
        for target in (quarters[name], totals):
            for key, value in figures.items():
                target[key] += value
        if is_cancelled:
            reasons[reason or ""] += dates
    report.spielmobil = {
        "quarters": sorted(quarters.items()), "totals": totals,
        "reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0]))}


# --- the initiatives ----------------------------------------------------------------------------


def _initiative_rows(shape: _Shape, offered) -> list:
    """Each organisation that booked or offered something in the period (hours, dates, events),
    and those founded in it (in the scope's quarters; for a facility: of the active ones)."""
    booked = _booked(shape, by="organisation", rooms_only=False)
    events = (select(offered.c.organisation_id, func.count().label("events"))
              .where(offered.c.organisation_id.is_not(None))
              .group_by(offered.c.organisation_id).subquery())
    active = or_(func.round(booked.c.minutes) > 0, events.c.events.is_not(None))
    created = [Organisation.created_at >= _p("since", UTCDateTime),
               Organisation.created_at < _p("until", UTCDateTime)]
    if shape.quarters:
        created.append(Organisation.quarter_id.in_(_quarter_ids()))
    if shape.organisation:
        created.append(Organisation.id == _p("organisation_id"))
    if shape.facility:
        created.append(active)
    is_new = and_(*created)
    return [select(*_shaped(INITIATIVE, texts=[Organisation.name], at=Organisation.created_at,
                            numbers=[Organisation.id, booked.c.minutes, booked.c.dates,
                                     events.c.events, case((active, 1), else_=0),
                                     case((is_new, 1), else_=0)]))
            .select_from(Organisation)
            .outerjoin(booked, booked.c.organisation_id == Organisation.id)
            .outerjoin(events, events.c.organisation_id == Organisation.id)
            .where(or_(active, is_new))]


def _fold_initiatives(report: Report, found: dict, zone: ZoneInfo) -> None:
    rows, new = [], []
    for row in found[INITIATIVE]:
        if row.n4:
            rows.append({"id": int(row.n0), "name": row.t0, "booked_minutes": _int(row.n1),
                         "dates": _int(row.n2), "events": _int(row.n3)})
        if row.n5:
            new.append((row.at, row.t0))
    rows.sort(key=lambda row: (-row["booked_minutes"], row["name"]))
    report.initiatives = {"active": len(rows), "rows": rows,
                          "booked_minutes": sum(r["booked_minutes"] for r in rows),
                          "new": [(name, created_at.astimezone(zone).date())
                                  for created_at, name in sorted(new)]}


# --- the report ---------------------------------------------------------------------------------


def build(session, scope: Scope, start: date, end: date, *, now: datetime, zone: ZoneInfo,
          holiday_region: str, detail: bool = False) -> Report:
    """Every section of the report for `scope` from `start` to `end` (local dates, inclusive),
    in one statement. `detail` adds room use per room and month (for the downloads).
    `holiday_region` is the city's federal state (a quarter may name its own): public
    holidays, like closures, are no opening hours."""
    report = Report(scope=scope, start=start, end=end, now=now,
                    months=months_between(start, end))
    shape, values = _shape(report, zone, session.get_bind().dialect.name, detail=detail)
    found: dict = defaultdict(list)
    for row in _run(session, _statement(shape), values).all():
        found[row.kind].append(row)
    _fold_room_use(report, found, zone, holiday_region, shape.totals)
    _fold_offered(report, found)
    _fold_attendance(report, found)
    _fold_spielmobil(report, found)
    _fold_initiatives(report, found, zone)
    return report


def public_summary(session, quarter: Quarter, year: int, *, now: datetime, zone: ZoneInfo,
                   holiday_region: str) -> Report:
    """A quarter's report for a year, for the public page: only aggregate numbers are shown
    there (no organisation, no note, no reason)."""
    scope = Scope("quarter", f"quarter:{quarter.slug}", quarter.name, quarter_ids=(quarter.id,))
    return build(session, scope, date(year, 1, 1), date(year, 12, 31), now=now, zone=zone,
                 holiday_region=holiday_region)
