"""A time zone's changeovers as read from the zone database, for writing VTIMEZONEs.

Calendar apps take a VTIMEZONE's word for a zone's offsets, and several of them (ical.js in
Thunderbird, vobject, the CalDAV server Radicale) read only the first value of a
comma-separated RDATE. So a zone is described the way Outlook, Google and tzurl publish it: the
zone's current yearly rule as one RRULE per kind of changeover (`BYMONTH=3;BYDAY=-1SU`), with no
end year; changeovers before the rule took effect only when a calendar reaches back that far,
one component each. The rule is not typed in: it is read off the changeovers zoneinfo reports
for years far enough ahead that only the zone's current rule (its POSIX footer) speaks.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

# Years whose changeovers must follow the current rule: beyond every announced change.
RULE_YEARS = range(2045, 2051)
# The earliest year a VTIMEZONE ever reaches back to; older dates use the oldest offset given.
OLDEST_YEAR = 1970
# How far ahead a zone without a yearly rule (e.g. Africa/Casablanca) is written out.
IRREGULAR_YEARS_AHEAD = 30
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Changeover:
    """One transition: the UTC instant, the offsets before and after, the name after."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local_onset(self) -> datetime:
        """Wall-clock time of the changeover as read on the old offset (RFC 5545 DTSTART)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class YearlyRule:
    """Every year in `month`, on the `ordinal`-th (-1 = last) `weekday`, at `onset` local."""

    month: int
    ordinal: int
    weekday: int
    onset: timedelta  # since local midnight, on the old offset
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    def rrule(self) -> str:
        return f"FREQ=YEARLY;BYMONTH={self.month};BYDAY={self.ordinal}{WEEKDAYS[self.weekday]}"

    def day_in(self, year: int) -> date:
        days = calendar.monthrange(year, self.month)[1]
        candidates = [date(year, self.month, d) for d in range(1, days + 1)
                      if date(year, self.month, d).weekday() == self.weekday]
        return candidates[-1] if self.ordinal == -1 else candidates[self.ordinal - 1]

    def onset_in(self, year: int) -> datetime:
        # An onset of 24:00 (a rule "at the end of the day") lands on the next day.
        return datetime.combine(self.day_in(year), datetime.min.time()) + self.onset  # noqa: DTZ001

    def matches(self, changeover: Changeover) -> bool:
        return (changeover.offset_from, changeover.offset_to, changeover.name) == (
            self.offset_from, self.offset_to, self.name) and (
            changeover.local_onset == self.onset_in(changeover.at.year))


@dataclass(frozen=True)
class ZoneDescription:
    """What a VTIMEZONE says: single changeovers, then yearly rules (each from its `starts`
    entry); or, for a zone without changes, its fixed offset."""

    tzid: str
    changeovers: tuple[Changeover, ...]
    rules: tuple[YearlyRule, ...]
    starts: tuple[datetime | None, ...]  # per rule: its first onset, or None for "from 1970"
    fixed: tuple[timedelta, str] | None


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset()


def changeovers(zone: ZoneInfo, first_year: int, last_year: int) -> list[Changeover]:
    """Every offset change from the start of `first_year` to the end of `last_year` (UTC)."""
    found = []
    step = timedelta(days=1)
    instant = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    before = _offset(zone, instant)
    while instant < end:
        following = instant + step
        after = _offset(zone, following)
        if after != before:
            low, high = instant, following  # offset(low) == before, offset(high) == after
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            found.append(Changeover(high, before, after, local.tzname() or "",
                                    bool(local.dst())))
            before = after
        instant = following
    return found


def _ordinals(day: date) -> set[int]:
    days = calendar.monthrange(day.year, day.month)[1]
    found = {(day.day - 1) // 7 + 1}
    if day.day + 7 > days:
        found.add(-1)
    return found


def _rule_for(group: list[Changeover]) -> YearlyRule | None:
    """The yearly rule all these changeovers (one per year) follow, if there is one."""
    first = group[0]
    onset = first.local_onset
    midnight = datetime.combine(onset.date(), datetime.min.time())  # noqa: DTZ001
    ordinals = set.intersection(*(_ordinals(c.local_onset.date()) for c in group))
    if not ordinals:
        return None
    rule = YearlyRule(month=onset.month, ordinal=-1 if -1 in ordinals else min(ordinals),
                      weekday=onset.weekday(), onset=onset - midnight,
                      offset_from=first.offset_from, offset_to=first.offset_to,
                      name=first.name, daylight=first.daylight)
    return rule if all(rule.matches(c) for c in group) else None


def current_rules(zone: ZoneInfo) -> tuple[YearlyRule, ...] | None:
    """The zone's yearly rules (none for a fixed offset), or None when it has no regular rule."""
    found = changeovers(zone, RULE_YEARS.start, RULE_YEARS.stop - 1)
    if not found:
        return ()
    groups: dict[tuple, list[Changeover]] = {}
    for changeover in found:
        groups.setdefault((changeover.offset_from, changeover.offset_to), []).append(changeover)
    if any(len(group) != len(RULE_YEARS) for group in groups.values()):
        return None
    rules = tuple(_rule_for(group) for group in groups.values())
    if any(rule is None for rule in rules):
        return None
    return tuple(sorted(rules, key=lambda rule: rule.month))


@cache
def describe(tzid: str, since_year: int) -> ZoneDescription:
    """The zone from `since_year` on (clamped to OLDEST_YEAR): the current rules as far back as
    they hold, single changeovers before that, and the offset in force when `since_year` began.
    """
    zone = ZoneInfo(tzid)
    since_year = max(since_year, OLDEST_YEAR)
    rules = current_rules(zone)
    last_year = RULE_YEARS.stop - 1 if rules is not None else (
        max(since_year, datetime.now(UTC).year) + IRREGULAR_YEARS_AHEAD)
    history = changeovers(zone, since_year, last_year)
    if rules is None:  # no yearly rule: every changeover on its own
        return ZoneDescription(tzid, tuple(history), (), (), None)
    # Walk back from the rule years while every changeover still follows a current rule.
    held = len(history)
    while held > 0 and any(rule.matches(history[held - 1]) for rule in rules):
        held -= 1
    singles = tuple(history[:held])
    if not rules:
        offset = _offset(zone, datetime(RULE_YEARS.start, 1, 1, tzinfo=UTC))
        name = datetime(RULE_YEARS.start, 1, 1, tzinfo=UTC).astimezone(zone).tzname() or ""
        return ZoneDescription(tzid, singles, (), (), (offset, name))
    # Each rule starts at its first changeover after the single ones; when the rules already
    # held when `since_year` began, they start in 1970, as Outlook and Google write them.
    starts = tuple(
        None if not singles else next(
            (c.local_onset for c in history[held:] if rule.matches(c)), None)
        for rule in rules)
    return ZoneDescription(tzid, singles, rules, starts, None)


def offset_before(tzid: str, year: int) -> tuple[timedelta, str]:
    """The offset and name in force at the start of `year`."""
    moment = datetime(max(year, OLDEST_YEAR), 1, 1, tzinfo=UTC).astimezone(ZoneInfo(tzid))
    return moment.utcoffset(), moment.tzname() or ""
