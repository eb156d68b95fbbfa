"""Planning a season: every date of every stop, what is skipped and why, and every clash.

`plan_round` only reads, so a form can show the clashes before anything is saved; `save_round`
plans again inside the write transaction and stores bookings, events and dates together.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..booking.conflicts import RANGES_PER_QUERY, overlapping
from ..booking.rules import Settings, holiday_language, public_holidays
from ..errors import Conflict, InvalidInput
from ..i18n import span_text
from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Occurrence, OccurrenceStatus
from ..models.places import Closure, Quarter, Resource
from ..timeline import LocalSlot, fold_notices, to_instant, to_local

NAME_MAX = 160
PLACE_MAX = 160
ADDRESS_MAX = 300
REASON_MAX = 500
MAX_STOPS = 40
MAX_SEASON_DAYS = 366
MAX_TRAVEL_MINUTES = 600
MAX_STAFF = 20



@dataclass(frozen=True)
class StopInput:
    """A weekly stop as the manager enters it (times are wall-clock times in the city)."""

    weekday: int
    local_start: time
    local_end: time
    place_name: str
    address: str
    quarter: Quarter
    latitude: float | None = None
    longitude: float | None = None
    staff_needed: int = 1


@dataclass(frozen=True)
class SkipPeriod:
    """Days the van stays home (school holidays), first and last day included."""

    first_day: date
    last_day: date
    reason: str = ""


@dataclass(frozen=True)
class Clash:
    """Why a plan cannot be saved: `kind` is overlap, travel, booked or requested."""

    kind: str
    message: str
    day: date | None = None
    stops: tuple[int, ...] = ()

    def as_json(self) -> dict:
        return {"kind": self.kind, "message": self.message,
                "date": self.day.isoformat() if self.day else None, "stops": list(self.stops)}


class RoundClash(Conflict):
    """The plan clashes with itself or with the van's bookings; `clashes` lists every one."""

    def __init__(self, clashes: list[Clash], field: str | None = None):
        super().__init__(
            _("The plan has %(count)d clash(es); nothing was saved.", count=len(clashes)),
            field=field, clashes=[c.as_json() for c in clashes])
        self.clashes = clashes
        self.notes = tuple(clash.message for clash in clashes)


@dataclass(frozen=True)
class PlannedDate:
    stop: int  # index into the plan's stops
    day: date
    local_start: datetime
    local_end: datetime

    @property
    def slot(self) -> LocalSlot:
        return LocalSlot(self.day, self.local_start, self.local_end)


@dataclass
class RoundPlan:
    stops: list[StopInput]
    dates: list[PlannedDate] = field(default_factory=list)
    skipped: list[tuple[int, date, str]] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    # how times in the autumn hour that happens twice were read (timeline.fold_notices)
    notices: list[str] = field(default_factory=list)

    def dates_of(self, index: int) -> list[PlannedDate]:
        return [d for d in self.dates if d.stop == index]


# --- checking input ---------------------------------------------------------------------------


def check_text(value, name: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise InvalidInput(_("Please enter text."), field=name)
    if required and not value:
        raise InvalidInput(_("This field is required."), field=name)
    if len(value) > limit:
        raise InvalidInput(_("At most %(count)d characters.", count=limit), field=name)
    return value


def check_stop(stop: StopInput, field_name: str = "stops") -> None:
    """One stop's own fields; the message names the stop so a long plan stays readable."""
    if not isinstance(stop.weekday, int) or not 0 <= stop.weekday <= 6:
        raise InvalidInput(_("Choose a weekday."), field=field_name)
    if not isinstance(stop.local_start, time) or not isinstance(stop.local_end, time):
        raise InvalidInput(_("Enter the start and end time of each stop."), field=field_name)
    if stop.local_end <= stop.local_start:
        raise InvalidInput(_("%(place)s: the end must be after the start.",
                             place=stop.place_name or "?"), field=field_name)
    check_text(stop.place_name, field_name, PLACE_MAX)
    check_text(stop.address, field_name, ADDRESS_MAX)
    if not isinstance(stop.quarter, Quarter):
        raise InvalidInput(_("Choose the quarter of each stop."), field=field_name)
    for value, low, high in ((stop.latitude, -90, 90), (stop.longitude, -180, 180)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not low <= value <= high):
            raise InvalidInput(_("Coordinates must be numbers between %(low)d and %(high)d.",
                                 low=low, high=high), field=field_name)
    if (stop.latitude is None) != (stop.longitude is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field=field_name)
    if (isinstance(stop.staff_needed, bool) or not isinstance(stop.staff_needed, int)
            or not 0 <= stop.staff_needed <= MAX_STAFF):
        raise InvalidInput(_("Staff needed must be between 0 and %(count)d.", count=MAX_STAFF),
                           field=field_name)


def check_season(season_start, season_end) -> None:
    for value, name in ((season_start, "season_start"), (season_end, "season_end")):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise InvalidInput(_("Please enter a date."), field=name)
    if season_end < season_start:
        raise InvalidInput(_("The season cannot end before it starts."), field="season_end")
    if (season_end - season_start).days >= MAX_SEASON_DAYS:
        raise InvalidInput(_("A season lasts at most %(days)d days.", days=MAX_SEASON_DAYS),
                           field="season_end")


def check_travel_minutes(minutes, name: str = "travel_minutes") -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
            0 <= minutes <= MAX_TRAVEL_MINUTES):
        raise InvalidInput(_("Driving time must be between 0 and %(count)d minutes.",
                             count=MAX_TRAVEL_MINUTES), field=name)
    return minutes


# --- dates ------------------------------------------------------------------------------------


def weekly_days(weekday: int, first: date, last: date) -> list[date]:
    """Every `weekday` from `first` to `last`, both included."""
    start = first + timedelta(days=(weekday - first.weekday()) % 7)
    return [start + timedelta(weeks=n) for n in range(max(0, (last - start).days // 7 + 1))]


def closures_of(session, resource: Resource, first: date, last: date, zone: ZoneInfo):
    """(starts_at, ends_at, reason) of the resource's closures touching the days."""
    rows = session.scalars(select(Closure).where(
        Closure.resource_id == resource.id,
        Closure.starts_at < _day_start(last + timedelta(days=1), zone),
        Closure.ends_at > _day_start(first, zone),
    )).all()
    return [(c.starts_at, c.ends_at, c.reason) for c in rows]


def skip_spans(periods: list[SkipPeriod], zone: ZoneInfo):
    return [(_day_start(p.first_day, zone), _day_start(p.last_day + timedelta(days=1), zone),
             p.reason) for p in periods]


def skip_reason(quarter: Quarter, day: date, starts_at: datetime, ends_at: datetime,
                closed, settings: Settings) -> str | None:
    """Why the van does not come on this date: a public holiday of the stop's region, or a
    closure of the van; None when it comes."""
    holiday = public_holidays(quarter.holiday_region or settings.holiday_region, day.year,
                              holiday_language()).get(day)
    if holiday:
        return _("Public holiday: %(name)s", name=holiday)
    for closed_from, closed_until, reason in closed:
        if closed_from < ends_at and closed_until > starts_at:
            return _("Closed: %(reason)s", reason=reason) if reason else _("Closed")
    return None


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)


def instants(day: date, local_start: time, local_end: time, zone: ZoneInfo):
    start = datetime.combine(day, local_start)
    end = datetime.combine(day, local_end)
    return to_instant(start, zone).at, to_instant(end, zone, field="end").at


# --- clashes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayItem:
    """One stop on one day, for the overlap and driving-time check."""

    key: int
    place: str
    local_start: time
    local_end: time


def travel_minutes_between(default: int, overrides: dict, from_place: str, to_place: str) -> int:
    """A pair's own driving time (either direction as entered), else the round's default."""
    if (from_place, to_place) in overrides:
        return overrides[(from_place, to_place)]
    return overrides.get((to_place, from_place), default)


def day_clashes(items: list[DayItem], *, default_minutes: int, overrides: dict,
                day: date | None) -> list[Clash]:
    """Stops of one day that overlap, or leave the van too little time to drive between them."""
    clashes = []
    ordered = sorted(items, key=lambda item: (item.local_start, item.local_end))
    for index, earlier in enumerate(ordered):
        for later in ordered[index + 1:]:
            if later.local_start < earlier.local_end:
                clashes.append(Clash("overlap", _(
                    "%(first)s (%(first_time)s) and %(second)s (%(second_time)s) overlap.",
                    first=earlier.place, first_time=_span(earlier),
                    second=later.place, second_time=_span(later)),
                    day, (earlier.key, later.key)))
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is None or following.local_start < earlier.local_end:
            continue
        needed = travel_minutes_between(default_minutes, overrides, earlier.place,
                                        following.place)
        gap = _minutes(following.local_start) - _minutes(earlier.local_end)
        if gap < needed:
            clashes.append(Clash("travel", _(
                "Only %(gap)d minutes from %(first)s (ends %(end)s) to %(second)s "
                "(starts %(start)s); the drive takes %(needed)d.",
                gap=gap, first=earlier.place, end=earlier.local_end.strftime("%H:%M"),
                second=following.place, start=following.local_start.strftime("%H:%M"),
                needed=needed), day, (earlier.key, following.key)))
    return clashes


def van_clashes(session, resource: Resource, spans, *, ignore_booking_ids=frozenset(),
                zone: ZoneInfo) -> list[Clash]:
    """Bookings (confirmed) and requests (pending) of the van that meet any of the spans
    [(key, day, starts_at, ends_at)], its setup and cleanup buffers included. Names times only,
    never the other booking's details."""
    setup = timedelta(minutes=resource.setup_minutes)
    cleanup = timedelta(minutes=resource.cleanup_minutes)
    spans = list(spans)
    found: dict[int, Occurrence] = {}
    for chunk_start in range(0, len(spans), RANGES_PER_QUERY):
        chunk = spans[chunk_start:chunk_start + RANGES_PER_QUERY]
        found.update((o.id, o) for o in session.scalars(select(Occurrence).where(
            Occurrence.status.in_(ACTIVE_OCCURRENCE_STATUSES),
            Occurrence.booking_id.not_in(list(ignore_booking_ids) or [-1]),
            or_(*(overlapping(resource.id, starts_at - setup, ends_at + cleanup)
                  for _key, _day, starts_at, ends_at in chunk)),
        )))
    clashes = []
    for key, day, starts_at, ends_at in spans:
        for occurrence in sorted(found.values(), key=lambda o: o.blocked_from):
            if occurrence.blocked_from < ends_at + cleanup and (
                    occurrence.blocked_until > starts_at - setup):
                confirmed = occurrence.status == OccurrenceStatus.CONFIRMED
                when = span_text(to_local(occurrence.starts_at, zone),
                                 to_local(occurrence.ends_at, zone))
                clashes.append(Clash(
                    "booked" if confirmed else "requested",
                    _("%(name)s is already booked %(when)s.", name=resource.name, when=when)
                    if confirmed else
                    _("%(name)s is requested %(when)s (waiting for approval).",
                      name=resource.name, when=when),
                    day, (key,)))
    return clashes


def _span(item: DayItem) -> str:
    return f"{item.local_start:%H:%M}–{item.local_end:%H:%M}"


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


# --- the plan ---------------------------------------------------------------------------------


def plan_round(session, *, resource: Resource, season_start: date, season_end: date,
               stops: list[StopInput], skip_periods: list[SkipPeriod] = (),
               travel_minutes: int = 30, travel_times: dict | None = None,
               settings: Settings) -> RoundPlan:
    """Every date of every weekly stop in the season, without the van's closures, the given
    skip periods and the public holidays of each stop's quarter; and every clash."""
    zone = settings.zone
    if not isinstance(resource, Resource) or not resource.is_mobile:
        raise InvalidInput(_("Choose a mobile resource such as the Spielmobil."),
                           field="resource_id")
    check_season(season_start, season_end)
    check_travel_minutes(travel_minutes)
    stops = list(stops)
    if not stops:
        raise InvalidInput(_("Add at least one stop."), field="stops")
    if len(stops) > MAX_STOPS:
        raise InvalidInput(_("A round has at most %(count)d stops.", count=MAX_STOPS),
                           field="stops")
    for stop in stops:
        check_stop(stop)
    for period in skip_periods:
        if period.last_day < period.first_day:
            raise InvalidInput(_("A skip period cannot end before it starts."),
                               field="skip_periods")
        check_text(period.reason, "skip_periods", 200, required=False)
    overrides = dict(travel_times or {})
    for minutes in overrides.values():
        check_travel_minutes(minutes, "travel_times")

    result = RoundPlan(stops)
    for weekday in range(7):
        items = [DayItem(i, s.place_name, s.local_start, s.local_end)
                 for i, s in enumerate(stops) if s.weekday == weekday]
        result.clashes.extend(day_clashes(items, default_minutes=travel_minutes,
                                          overrides=overrides, day=None))
    closed = closures_of(session, resource, season_start, season_end, zone)
    closed += skip_spans(list(skip_periods), zone)
    spans = []
    for index, stop in enumerate(stops):
        for day in weekly_days(stop.weekday, season_start, season_end):
            starts_at, ends_at = instants(day, stop.local_start, stop.local_end, zone)
            reason = skip_reason(stop.quarter, day, starts_at, ends_at, closed, settings)
            if reason:
                result.skipped.append((index, day, reason))
                continue
            result.dates.append(PlannedDate(index, day, datetime.combine(day, stop.local_start),
                                            datetime.combine(day, stop.local_end)))
            result.notices += fold_notices(starts_at.astimezone(zone), ends_at.astimezone(zone))
            spans.append((index, day, starts_at, ends_at))
    result.dates.sort(key=lambda d: (d.local_start, d.stop))
    result.clashes.extend(van_clashes(session, resource, spans, zone=zone))
    return result
