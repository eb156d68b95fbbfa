"""Repeating events: an RRULE read in the event's own time zone, expanded into dates.

The rule is applied to the wall-clock start (18:00 in Europe/Berlin), not to a UTC instant:
a weekly 18:00 stays 18:00 across both clock changes, as RFC 5545 intends for DTSTART;TZID.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from flask_babel import gettext as _
from icalendar.prop import vRecur

from ..errors import InvalidInput

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
MAX_COUNT = 1000
# Series without an end are expanded at most this far, and validated to produce a first date.
MAX_YEARS = 10


@dataclass(frozen=True)
class Occurrence:
    """One date of an event as a visitor sees it: possibly moved, possibly cancelled."""

    event: object
    original_date: date  # the local date the rule produced (RECURRENCE-ID); the start date once
    starts_at: datetime  # aware; for all-day dates local midnight of the first day
    ends_at: datetime  # aware, exclusive
    all_day: bool
    cancelled: bool = False
    moved: bool = False
    note: str = ""

    @property
    def start_date(self) -> date:
        return self.local_start.date()

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.event.timezone))

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.event.timezone))

    @property
    def last_date(self) -> date:
        """The last day it touches (an event ending at midnight does not touch the next day)."""
        return (self.local_end - timedelta(microseconds=1)).date()


def _recur(text: str) -> vRecur:
    try:
        return vRecur.from_ical(text.strip().removeprefix("RRULE:"))
    except (ValueError, TypeError) as error:
        raise InvalidInput(_("This is not a valid repetition rule (RRULE)."),
                           field="rrule") from error


def normalise_rule(text: str, *, all_day: bool, zone: ZoneInfo) -> str:
    """Check an RFC 5545 RRULE and return it in canonical form.

    An UNTIL given as a plain date means "up to and including that local day": for timed
    events it becomes the end of that day in UTC, as RFC 5545 demands next to DTSTART;TZID.
    """
    text = (text or "").strip()
    if not text:
        return ""
    recur = _recur(text)
    frequency = recur.get("FREQ", [""])[0]
    if frequency not in ALLOWED_FREQUENCIES:
        raise InvalidInput(_("Events repeat daily, weekly, monthly or yearly."), field="rrule")
    if "COUNT" in recur and "UNTIL" in recur:
        raise InvalidInput(
            _("Give either a number of dates or an end date, not both."), field="rrule")
    if "COUNT" in recur and not 1 <= int(recur["COUNT"][0]) <= MAX_COUNT:
        raise InvalidInput(_("At most %(count)d dates.", count=MAX_COUNT), field="rrule")
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if all_day:
            recur["UNTIL"] = [until.date() if isinstance(until, datetime) else until]
        elif isinstance(until, datetime):
            local = until if until.tzinfo else until.replace(tzinfo=zone)
            recur["UNTIL"] = [local.astimezone(UTC)]
        else:
            recur["UNTIL"] = [datetime.combine(until, time(23, 59, 59), zone).astimezone(UTC)]
    without_until = vRecur({key: value for key, value in recur.items() if key != "UNTIL"})
    try:
        # dateutil is stricter than the parser about parts (BYDAY=XX), so let it judge too.
        wall_clock = datetime(2000, 1, 1)  # noqa: DTZ001 (rules run on naive local time)
        rrulestr("RRULE:" + without_until.to_ical().decode(), dtstart=wall_clock)
    except (ValueError, TypeError) as error:
        raise InvalidInput(_("This is not a valid repetition rule (RRULE)."),
                           field="rrule") from error
    return recur.to_ical().decode()


def local_span(event) -> tuple[datetime, timedelta]:
    """The first occurrence's naive wall-clock start and its wall-clock length."""
    if event.all_day:
        start = datetime.combine(event.start_date, time())
        return start, timedelta(days=(event.end_date - event.start_date).days + 1)
    zone = ZoneInfo(event.timezone)
    start = event.starts_at.astimezone(zone).replace(tzinfo=None)
    return start, event.ends_at.astimezone(zone).replace(tzinfo=None) - start


def rule_of(event) -> rrule | None:
    """The dateutil rule over naive local wall-clock starts, or None for a single date."""
    if not event.rrule:
        return None
    recur = _recur(event.rrule)
    until = recur.pop("UNTIL", [None])[0]
    dtstart, _ = local_span(event)
    rule = rrulestr("RRULE:" + recur.to_ical().decode(), dtstart=dtstart)
    if until is not None:
        if isinstance(until, datetime):
            zone = ZoneInfo(event.timezone)
            until = (until if until.tzinfo else until.replace(tzinfo=UTC)).astimezone(zone)
            until = until.replace(tzinfo=None)
        else:
            until = datetime.combine(until, time.max)
        rule = rule.replace(until=until)
    return rule


def _aware(naive: datetime, zone: ZoneInfo) -> datetime:
    return naive.replace(tzinfo=zone)


def _occurrence(event, original: date, local_start: datetime, length: timedelta, **kw):
    zone = ZoneInfo(event.timezone)
    return Occurrence(
        event=event,
        original_date=original,
        starts_at=_aware(local_start, zone),
        ends_at=_aware(local_start + length, zone),
        all_day=event.all_day,
        **kw,
    )


def change_occurrence(event, change) -> Occurrence:
    """The date as a change leaves it: cancelled in place, or at its new time."""
    zone = ZoneInfo(event.timezone)
    dtstart, length = local_span(event)
    original_start = datetime.combine(change.original_date, dtstart.time())
    if change.cancelled:
        return _occurrence(event, change.original_date, original_start, length,
                           cancelled=True, note=change.note)
    if event.all_day and change.start_date is not None:
        starts = datetime.combine(change.start_date, time(), zone)
        ends = datetime.combine(change.end_date + timedelta(days=1), time(), zone)
    elif change.starts_at is not None:
        starts, ends = change.starts_at.astimezone(zone), change.ends_at.astimezone(zone)
    else:
        starts, ends = _aware(original_start, zone), _aware(original_start + length, zone)
    return Occurrence(event=event, original_date=change.original_date, starts_at=starts,
                      ends_at=ends, all_day=event.all_day, moved=True, note=change.note)


def rule_dates(event, start: datetime, end: datetime) -> list[datetime]:
    """Naive local starts the rule produces that may overlap [start, end), minus EXDATEs."""
    rule = rule_of(event)
    dtstart, length = local_span(event)
    zone = ZoneInfo(event.timezone)
    if rule is None:
        return [dtstart]
    left_out = set(event.exdates or [])
    lower = start.astimezone(zone).replace(tzinfo=None) - length - timedelta(days=1)
    upper = end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    return [d for d in rule.between(lower, upper, inc=True) if d.date().isoformat() not in left_out]


def expand(event, start: datetime, end: datetime) -> list[Occurrence]:
    """Every occurrence overlapping [start, end), cancelled dates included (marked), sorted."""
    _, length = local_span(event)
    changes = {change.original_date: change for change in event.changes}
    found = []
    for local_start in rule_dates(event, start, end):
        if local_start.date() in changes:
            continue
        found.append(_occurrence(event, local_start.date(), local_start, length))
    found.extend(change_occurrence(event, change) for change in changes.values())
    return sorted(
        (o for o in found if o.starts_at < end and o.ends_at > start),
        key=lambda o: (o.starts_at, o.original_date),
    )


def produces(event, original: date) -> bool:
    """Does the series have a date on this local day (not left out)?"""
    rule = rule_of(event)
    dtstart, _ = local_span(event)
    if rule is None:
        return original == dtstart.date()
    if original.isoformat() in (event.exdates or []):
        return False
    day = datetime.combine(original, time())
    return any(d.date() == original for d in rule.between(day, day + timedelta(days=1), inc=True))


def series_span(event) -> tuple[datetime, datetime | None]:
    """First start and last end of the whole series in UTC; no end for an endless rule."""
    zone = ZoneInfo(event.timezone)
    dtstart, length = local_span(event)
    first = _aware(dtstart, zone).astimezone(UTC)
    rule = rule_of(event)
    if rule is None:
        last = _aware(dtstart + length, zone).astimezone(UTC)
    elif not {"COUNT", "UNTIL"} & set(_recur(event.rrule)):
        return first, None
    else:
        starts = list(rule)
        if not starts:
            raise InvalidInput(_("The repetition rule produces no date."), field="rrule")
        if starts[-1] > dtstart + timedelta(days=366 * MAX_YEARS):
            raise InvalidInput(_("A series runs for at most %(years)d years.", years=MAX_YEARS),
                               field="rrule")
        last = _aware(starts[-1] + length, zone).astimezone(UTC)
    for change in event.changes:
        occurrence = change_occurrence(event, change)
        first = min(first, occurrence.starts_at.astimezone(UTC))
        last = max(last, occurrence.ends_at.astimezone(UTC))
    return first, last
