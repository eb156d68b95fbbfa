"""An event's dates as visitors see them: its stored rule read in the event's own zone
(timeline), window by window, with the dates left out, moved or cancelled.

The rule runs over the wall-clock start (18:00 in Europe/Berlin), not a UTC instant: a weekly
18:00 stays 18:00 across both clock changes, as RFC 5545 intends for DTSTART;TZID.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule
from flask_babel import gettext as _

from ..errors import InvalidInput
from ..timeline import is_endless, rule_instant, rule_over

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


def local_span(event) -> tuple[datetime, timedelta]:
    """The first occurrence's naive wall-clock start and its wall-clock length."""
    if event.all_day:
        start = datetime.combine(event.start_date, time())
        return start, timedelta(days=(event.end_date - event.start_date).days + 1)
    zone = ZoneInfo(event.timezone)
    start = event.starts_at.astimezone(zone).replace(tzinfo=None)
    return start, event.ends_at.astimezone(zone).replace(tzinfo=None) - start


def rule_of(event) -> rrule | None:
    """The rule over naive local wall-clock starts, or None for a single date."""
    if not event.rrule:
        return None
    return rule_over(event.rrule, local_span(event)[0], ZoneInfo(event.timezone))


def _occurrence(event, original: date, local_start: datetime, length: timedelta, **kw):
    zone = ZoneInfo(event.timezone)
    return Occurrence(
        event=event,
        original_date=original,
        starts_at=rule_instant(local_start, zone),
        ends_at=rule_instant(local_start + length, zone),
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
        starts = rule_instant(original_start, zone)
        ends = rule_instant(original_start + length, zone)
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


NEXT_DATES_HORIZON = timedelta(days=2 * 366)


def upcoming_dates(event, now: datetime, count: int = 12) -> list[Occurrence]:
    """The next `count` dates of an event however far ahead they lie (a summer course seen in
    winter), looked for in a window that doubles from three months up to two years, so that
    a daily rule never expands without end. Cancelled dates are included, marked."""
    window = timedelta(days=92)
    while True:
        found = [o for o in expand(event, now - timedelta(days=1), now + window)
                 if o.ends_at > now]
        if len(found) >= count or window >= NEXT_DATES_HORIZON:
            return found[:count]
        window = min(window * 2, NEXT_DATES_HORIZON)


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
    first = rule_instant(dtstart, zone).astimezone(UTC)
    rule = rule_of(event)
    if rule is None:
        last = rule_instant(dtstart + length, zone).astimezone(UTC)
    elif is_endless(event.rrule):
        return first, None
    else:
        starts = list(rule)
        if not starts:
            raise InvalidInput(_("The repetition rule produces no date."), field="rrule")
        if starts[-1] > dtstart + timedelta(days=366 * MAX_YEARS):
            raise InvalidInput(_("A series runs for at most %(years)d years.", years=MAX_YEARS),
                               field="rrule")
        last = rule_instant(starts[-1] + length, zone).astimezone(UTC)
    for change in event.changes:
        occurrence = change_occurrence(event, change)
        first = min(first, occurrence.starts_at.astimezone(UTC))
        last = max(last, occurrence.ends_at.astimezone(UTC))
    return first, last
